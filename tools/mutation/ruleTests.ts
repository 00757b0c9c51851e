/**
 * Which test files decide each rule file's verdicts, for the per-file mutation runs. Stryker's Jest
 * runner loads every test file for every mutant (it filters by test name, not by file), so a run over
 * all of `policies/` against all rule tests takes hours here; each rule file against the tests that
 * name its rules takes minutes. Fewer tests can only kill fewer mutants: the score this gives is a
 * lower bound of the full run's.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const REPO_ROOT = path.resolve(__dirname, "../..");
export const RULES_DIR = "policypacks/ml-guard/policies";
const TEST_DIRS = ["test/policies", "test/evasion"];

/** Rule files whose rules are named through a helper (no `name: "..."` literal), by their test files' names. */
const NAMED_BY_HELPER: Record<string, RegExp> = {
  "podSecurity.ts": /^policies\/podSecurity[A-Za-z]*\.test\.ts$/,
  // The list of every rule: the compliance mapping and selection tests fail when one goes missing.
  "index.ts": /^policies\/compliance\/[a-z]+\.test\.ts$/,
};

function testFiles(): string[] {
  const walk = (dir: string): string[] => fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? walk(`${dir}/${entry.name}`) : entry.name.endsWith(".test.ts") ? [`${dir}/${entry.name}`] : []));
  return TEST_DIRS.flatMap(walk).map((file) => file.replace(/^test\//, "")).sort();
}

/** The rule names a rule file defines (`name: "..."`). */
export const ruleNamesIn = (source: string): string[] => [...source.matchAll(/^\s*name: "([a-z0-9-]+)",?$/gm)].map((match) => match[1]);

/**
 * The compliance tests exercise the selection machinery, not a rule's verdict, and one reloads every
 * rule inside a test (jest.isolateModules): that makes each rule's static definition (name,
 * description, severity) look covered by it, though `ignoreStatic` leaves such mutants out.
 */
const SELECTION_MACHINERY = /^policies\/compliance\//;

/** Test files (paths under test/) that exercise a rule file: those naming one of its rules. */
export function testsFor(ruleFile: string): string[] {
  const byName = NAMED_BY_HELPER[ruleFile];
  if (byName) return testFiles().filter((file) => byName.test(file));
  const files = testFiles().filter((file) => !SELECTION_MACHINERY.test(file));
  const names = ruleNamesIn(fs.readFileSync(path.join(REPO_ROOT, RULES_DIR, ruleFile), "utf8"));
  return files.filter((file) => {
    const text = fs.readFileSync(path.join(REPO_ROOT, "test", file), "utf8");
    return names.some((name) => text.includes(`"${name}"`) || text.includes(`'${name}'`) || text.includes(`\`${name}`));
  });
}
