import * as crypto from "node:crypto";
import { constants, createReadStream, promises as fs, type Stats } from "node:fs";
import * as path from "node:path";
import type { ManifestEntry } from "./modelManifest";

/**
 * Compares a downloaded model directory with its manifest, without following anything: every file on
 * disk must be listed, every listed file must be there with its digest. Refused besides mismatches:
 * symlinks (inside or out: the model server would read whatever they point to), hard links (a second
 * name could change the bytes after the check), FIFOs, sockets and devices, directories holding no
 * listed file. The manifest's ignore_paths are not honoured: the model server sees every file in the
 * directory, so every file must be signed (only the signature file itself is not).
 */

/** The readable kind of a non-regular, non-directory entry. */
function kindOf(stat: Stats): string {
  if (stat.isFIFO()) return "FIFO";
  if (stat.isSocket()) return "socket";
  if (stat.isBlockDevice() || stat.isCharacterDevice()) return "device";
  return "special file";
}

const sameFile = (a: Stats, b: Stats) => a.dev === b.dev && a.ino === b.ino;

/**
 * SHA-256 of a regular file, read through a descriptor opened without following a symlink and
 * checked to be the file inspected before (a swap between lstat and open is refused, not hashed).
 */
async function fileSha256(file: string, inspected: Stats): Promise<string> {
  const handle = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const opened = await handle.stat();
    if (!opened.isFile() || !sameFile(opened, inspected) || opened.nlink !== 1) throw new Error("changed while it was being checked");
    const hash = crypto.createHash("sha256");
    for await (const chunk of createReadStream("", { fd: handle.fd, autoClose: false })) hash.update(chunk as Buffer);
    return hash.digest("hex");
  } finally {
    await handle.close();
  }
}

/** Directories the manifest implies: every proper prefix of every listed name. */
function listedDirectories(names: string[]): Set<string> {
  const directories = new Set<string>();
  for (const name of names) {
    const segments = name.split("/");
    for (let depth = 1; depth < segments.length; depth += 1) directories.add(segments.slice(0, depth).join("/"));
  }
  return directories;
}

/** Every reason the directory is not exactly the manifest's files; empty when it is. */
export async function modelDirectoryProblems(root: string, entries: ManifestEntry[], signatureFile: string): Promise<string[]> {
  const rootStat = await fs.lstat(root).catch(() => undefined);
  if (!rootStat) return [`the model directory ${root} does not exist`];
  if (rootStat.isSymbolicLink() || !rootStat.isDirectory()) return [`${root} is not a directory (a symlink or a file)`];
  const expected = new Map(entries.map((entry) => [entry.name, entry.sha256]));
  const byFolded = new Map(entries.map((entry) => [entry.name.normalize("NFKC").toLowerCase(), entry.name]));
  const directories = listedDirectories(entries.map((entry) => entry.name));
  const accounted = new Set<string>();
  const problems: string[] = [];
  const resolvedRoot = path.resolve(root);

  const visit = async (relative: string, stat: Stats): Promise<void> => {
    const full = path.join(resolvedRoot, relative);
    const quoted = JSON.stringify(relative);
    if (stat.isSymbolicLink()) {
      const target = await fs.readlink(full);
      const resolved = path.resolve(path.dirname(full), target);
      const inside = resolved === resolvedRoot || resolved.startsWith(resolvedRoot + path.sep);
      problems.push(`${quoted} is a symlink to ${JSON.stringify(target)}, ${inside ? "inside" : "outside"} the model directory: served models hold no symlinks`);
    } else if (stat.isDirectory()) {
      if (expected.has(relative)) {
        accounted.add(relative);
        problems.push(`${quoted} is a directory; the manifest lists it as a file`);
      } else if (!directories.has(relative)) problems.push(`directory ${quoted} holds no file of the manifest`);
      else await walk(relative);
    } else if (!stat.isFile()) {
      problems.push(`${quoted} is a ${kindOf(stat)}, not a regular file`);
    } else if (!expected.has(relative)) {
      const twin = byFolded.get(relative.normalize("NFKC").toLowerCase());
      problems.push(`${quoted} is not in the manifest${twin !== undefined ? ` (it lists ${JSON.stringify(twin)}: the names differ in case or Unicode form)` : ""}`);
    } else {
      accounted.add(relative);
      if (stat.nlink !== 1) {
        problems.push(`${quoted} has ${stat.nlink} hard links: another name could change its bytes after the check`);
        return;
      }
      const actual = await fileSha256(full, stat).catch((error: Error) => `unreadable: ${error.message}`);
      if (actual !== expected.get(relative)) problems.push(`${quoted} does not match the manifest: SHA-256 ${actual}, recorded ${expected.get(relative)}`);
    }
  };

  const walk = async (relative: string): Promise<void> => {
    const names = (await fs.readdir(path.join(resolvedRoot, relative))).sort();
    for (const name of names) {
      const child = relative === "" ? name : `${relative}/${name}`;
      const stat = await fs.lstat(path.join(resolvedRoot, child));
      if (child === signatureFile && stat.isFile() && stat.nlink === 1) continue;
      await visit(child, stat);
    }
  };

  await walk("");
  for (const entry of entries) {
    if (!accounted.has(entry.name)) problems.push(`${JSON.stringify(entry.name)} is in the manifest but not in the model directory`);
  }
  return problems;
}
