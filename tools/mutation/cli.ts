/**
 * `npm run mutation:rules [-- file.ts ...]`: Stryker over each ml-guard rule file against its own
 * tests (ruleTests.ts), one incremental run per file, then the score of `policies/` from every
 * file's last report. `--summary` prints the score from the reports already written; `--force`
 * re-tests every mutant (Stryker's incremental mode keeps a result when a covering test file is dropped).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { RULES_DIR, testsFor } from "./ruleTests";
import { mutationSummary, type MutationReport } from "./score";

const REPO_ROOT = path.resolve(__dirname, "../..");
const REPORTS = path.join(REPO_ROOT, "reports/mutation");
const reportOf = (file: string) => path.join(REPORTS, "rules", `${file}.json`);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function mutate(file: string, tests: string[], force: boolean): boolean {
  console.error(`\n== ${file}: against ${tests.join(", ")}`);
  const run = spawnSync("npx", ["stryker", "run", "--mutate", `${RULES_DIR}/${file}`, "--incrementalFile", path.join(REPORTS, "rules", `${file}.incremental.json`), ...(force ? ["--force"] : [])], {
    cwd: REPO_ROOT, stdio: "inherit", env: { ...process.env, MUTATION_TESTS: JSON.stringify(tests.map((test) => `${escapeRegExp(test)}$`)) },
  });
  if (run.status !== 0) return false;
  fs.copyFileSync(path.join(REPORTS, "mutation.json"), reportOf(file));
  return true;
}

function main(args: string[]): number {
  const summaryOnly = args.includes("--summary");
  const ruleFiles = fs.readdirSync(path.join(REPO_ROOT, RULES_DIR)).filter((name) => name.endsWith(".ts")).sort();
  const chosen = args.filter((arg) => !arg.startsWith("--"));
  const unknown = chosen.filter((file) => !ruleFiles.includes(file));
  if (unknown.length) {
    console.error(`error: not a rule file of ${RULES_DIR}: ${unknown.join(", ")}`);
    return 2;
  }
  fs.mkdirSync(path.join(REPORTS, "rules"), { recursive: true });
  if (!summaryOnly) {
    const targets = (chosen.length ? chosen : ruleFiles).map((file) => ({ file, tests: testsFor(file) }));
    const untested = targets.filter(({ tests }) => tests.length === 0).map(({ file }) => file);
    if (untested.length) {
      console.error(`error: no rule test names a rule of ${untested.join(", ")}`);
      return 2;
    }
    const failed = targets.filter(({ file, tests }) => !mutate(file, tests, args.includes("--force"))).map(({ file }) => file);
    if (failed.length) {
      console.error(`error: Stryker failed for ${failed.join(", ")}`);
      return 1;
    }
  }
  const reports = new Map<string, MutationReport | undefined>(ruleFiles.map((file) => [file, fs.existsSync(reportOf(file)) ? JSON.parse(fs.readFileSync(reportOf(file), "utf8")) as MutationReport : undefined]));
  console.log(mutationSummary(reports));
  return 0;
}

process.exit(main(process.argv.slice(2)));
