import * as fs from "node:fs";
import * as path from "node:path";
import { RULES_DIR, ruleNamesIn, testsFor } from "../../tools/mutation/ruleTests";
import { mutationSummary, type MutationReport } from "../../tools/mutation/score";

const REPO_ROOT = path.resolve(__dirname, "../..");
const ruleFiles = fs.readdirSync(path.join(REPO_ROOT, RULES_DIR)).filter((file) => file.endsWith(".ts"));

describe("npm run mutation:rules: which tests each rule file is held to", () => {
  it.each(ruleFiles)("%s has rule tests, each naming one of its rules", (file) => {
    const tests = testsFor(file);
    expect(tests.length).toBeGreaterThan(0);
    const names = ruleNamesIn(fs.readFileSync(path.join(REPO_ROOT, RULES_DIR, file), "utf8"));
    for (const test of tests) {
      const text = fs.readFileSync(path.join(REPO_ROOT, "test", test), "utf8");
      // Files whose rules are named through a helper are matched by test file name instead.
      if (names.length > 0) expect([test, names.some((name) => text.includes(name))]).toEqual([test, true]);
    }
  });

  it("leaves out the selection machinery's tests, which reload every rule inside a test", () => {
    expect(testsFor("kms.ts")).not.toContain("policies/compliance/selection.test.ts");
    expect(testsFor("index.ts")).toContain("policies/compliance/selection.test.ts");
  });
});

describe("the mutation score of policies/", () => {
  const report = (...statuses: string[]): MutationReport => ({ files: { "a.ts": { mutants: statuses.map((status) => ({ status })) } } });

  it("counts killed and timed-out mutants over those plus survivors and uncovered ones; ignored and invalid ones not at all", () => {
    const summary = mutationSummary(new Map([
      ["a.ts", report("Killed", "Killed", "Timeout", "Survived", "Ignored", "CompileError")],
      ["b.ts", report("Killed", "NoCoverage", "RuntimeError")],
    ]));
    expect(summary.split("\n")).toEqual([
      "a.ts                    75.0%  3 detected, 1 survived, 0 not covered",
      "b.ts                    50.0%  1 detected, 0 survived, 1 not covered",
      "policies/               66.7%  4 detected, 1 survived, 1 not covered",
    ]);
  });

  it("names rule files without a report instead of counting them as passing", () => {
    expect(mutationSummary(new Map([["a.ts", report("Killed")], ["b.ts", undefined]])).split("\n").at(-1)).toBe("no report yet (not in the total): b.ts");
  });
});
