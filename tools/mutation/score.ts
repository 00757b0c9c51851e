/** Mutation scores from Stryker's JSON reports (mutation-testing-report-schema), per file and in all. */

export interface MutationReport {
  files: Record<string, { mutants: { status: string }[] }>;
}

/** Stryker's definition: detected (killed, timed out) over detected plus undetected (survived, not covered). */
const DETECTED = new Set(["Killed", "Timeout"]);

interface Counts {
  detected: number;
  survived: number;
  noCoverage: number;
}

function count(report: MutationReport): Counts {
  const statuses = Object.values(report.files).flatMap((file) => file.mutants.map((mutant) => mutant.status));
  return {
    detected: statuses.filter((status) => DETECTED.has(status)).length,
    survived: statuses.filter((status) => status === "Survived").length,
    noCoverage: statuses.filter((status) => status === "NoCoverage").length,
  };
}

const score = ({ detected, survived, noCoverage }: Counts) => (detected + survived + noCoverage ? (100 * detected) / (detected + survived + noCoverage) : 100);

/** One line per rule file and the total; a file without a report is named as missing, not counted as passing. */
export function mutationSummary(reports: Map<string, MutationReport | undefined>): string {
  const lines: string[] = [];
  const total: Counts = { detected: 0, survived: 0, noCoverage: 0 };
  const missing: string[] = [];
  for (const [file, report] of reports) {
    if (!report) {
      missing.push(file);
      continue;
    }
    const counts = count(report);
    total.detected += counts.detected;
    total.survived += counts.survived;
    total.noCoverage += counts.noCoverage;
    lines.push(`${file.padEnd(22)} ${score(counts).toFixed(1).padStart(5)}%  ${counts.detected} detected, ${counts.survived} survived, ${counts.noCoverage} not covered`);
  }
  lines.push(`${"policies/".padEnd(22)} ${score(total).toFixed(1).padStart(5)}%  ${total.detected} detected, ${total.survived} survived, ${total.noCoverage} not covered`);
  if (missing.length) lines.push(`no report yet (not in the total): ${missing.join(", ")}`);
  return lines.join("\n");
}
