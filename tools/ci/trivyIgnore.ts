import * as fs from "node:fs";
import { parse } from "yaml";

/**
 * The rules for .trivyignore.yaml: an accepted finding is owned and time-boxed. FACT (Trivy 0.5x
 * docs, "Filtering"): entries under vulnerabilities/misconfigurations/secrets/licenses take id,
 * paths, purls, statement and expired_at; Trivy stops ignoring an entry after its expired_at.
 */
const SECTIONS = ["vulnerabilities", "misconfigurations", "secrets", "licenses"] as const;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const isCalendarDate = (text: string) => {
  const match = DATE.exec(text);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text;
};

/** What is wrong with the ignore file's entries (empty when every entry has an id, a statement and a real expiry date). */
export function trivyIgnoreProblems(text: string): string[] {
  const document = (parse(text) ?? {}) as Record<string, unknown>;
  const unknownKeys = Object.keys(document).filter((key) => !(SECTIONS as readonly string[]).includes(key));
  const problems = unknownKeys.map((key) => `${key}: not a section Trivy reads (${SECTIONS.join(", ")})`);
  for (const section of SECTIONS) {
    const entries = document[section] ?? [];
    if (!Array.isArray(entries)) {
      problems.push(`${section}: must be a list`);
      continue;
    }
    entries.forEach((entry: Record<string, unknown> | null, index) => {
      const where = `${section}[${index}]${typeof entry?.id === "string" ? ` (${entry.id})` : ""}`;
      if (typeof entry?.id !== "string" || entry.id === "") problems.push(`${where}: needs the id of the finding`);
      if (typeof entry?.statement !== "string" || entry.statement.trim() === "") problems.push(`${where}: needs a statement saying why it does not apply`);
      // YAML 1.2 (this parser's default, as Trivy's) reads an unquoted 2027-01-31 as a string.
      const expiry = entry?.expired_at;
      if (typeof expiry !== "string" || !isCalendarDate(expiry)) problems.push(`${where}: needs expired_at, a calendar date (YYYY-MM-DD) after which the finding counts again`);
    });
  }
  return problems;
}

if (require.main === module) {
  const file = process.argv[2] ?? ".trivyignore.yaml";
  const problems = trivyIgnoreProblems(fs.readFileSync(file, "utf8"));
  for (const problem of problems) console.error(`${file}: ${problem}`);
  process.exit(problems.length === 0 ? 0 : 1);
}
