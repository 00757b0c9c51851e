/**
 * Rules for the file names a manifest lists: each must name one regular file inside the model
 * directory, and no two may land on the same file on any file system the model could be copied to.
 */

/** Why one name cannot be a file inside the model directory, or undefined when it can. */
function nameProblem(name: string): string | undefined {
  const quoted = JSON.stringify(name);
  if (name === "") return "an empty file name";
  if (/[\u0000-\u001f\u007f]/.test(name)) return `${quoted} holds a control character`;
  if (name.includes("\\")) return `${quoted} holds a backslash (names are POSIX paths with /)`;
  if (name.startsWith("/")) return `${quoted} is an absolute path`;
  if (name.endsWith("/")) return `${quoted} names a directory`;
  const segments = name.split("/");
  if (segments.includes("..")) return `${quoted} climbs out with ..`;
  if (segments.includes(".")) return `${quoted} holds a . segment (a single-file model is a directory holding that file)`;
  if (segments.includes("")) return `${quoted} holds an empty path segment (//)`;
  return undefined;
}

/** Case and Unicode normalization a case-insensitive or normalizing file system (APFS, NTFS, some S3 tools) applies. */
const folded = (name: string) => name.normalize("NFKC").toLowerCase();

/** Every reason the names cannot be the files of one model directory; empty when they can. */
export function manifestNameProblems(names: string[], signatureFile: string): string[] {
  const problems: string[] = [];
  const exact = new Set<string>();
  const byFolded = new Map<string, string>();
  for (const name of names) {
    const problem = nameProblem(name);
    if (problem) {
      problems.push(problem);
      continue;
    }
    if (name === signatureFile) problems.push(`${JSON.stringify(name)} is the signature file itself, which cannot sign its own digest`);
    if (exact.has(name)) {
      problems.push(`${JSON.stringify(name)} is listed twice`);
      continue;
    }
    exact.add(name);
    const other = byFolded.get(folded(name));
    if (other !== undefined) problems.push(`${JSON.stringify(name)} and ${JSON.stringify(other)} differ only in case or Unicode form: they are one file on case-insensitive or normalizing file systems`);
    else byFolded.set(folded(name), name);
  }
  // "a" and "a/b": a cannot be both the file listed and the directory holding b.
  for (const name of exact) {
    const segments = name.split("/");
    for (let depth = 1; depth < segments.length; depth += 1) {
      const parent = segments.slice(0, depth).join("/");
      if (exact.has(parent)) problems.push(`${JSON.stringify(parent)} is listed as a file and as the directory of ${JSON.stringify(name)}`);
    }
  }
  return problems;
}
