import * as fs from "node:fs";
import * as path from "node:path";
import { frameworksOf } from "../../policypacks/ml-guard/lib/compliance/ruleControls";
import { policies } from "../../policypacks/ml-guard/policies";
import { MATRIX_BEGIN, MATRIX_END, renderComplianceMatrix } from "../../tools/compliance/matrix";
import { REPO_ROOT } from "../support/planCli";

const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");

describe("README", () => {
  it("lists every ml-guard rule with its level, and no rule that does not exist", () => {
    const rows = [...readme.matchAll(/^\| `([a-z0-9-]+)` \| .* \| (advisory|mandatory)( \(remediable\))? \| (resource|stack) \|/gm)];
    expect(rows.map((row) => row[1]).sort()).toEqual(policies.map((policy) => policy.name).sort());
    for (const [, name, level] of rows) expect(policies.find((policy) => policy.name === name)?.enforcementLevel).toBe(level);
  });

  it("shows each rule's frameworks, as the compliance mapping has them", () => {
    const rows = [...readme.matchAll(/^\| `([a-z0-9-]+)` \| .* \| (?:advisory|mandatory)(?: \(remediable\))? \| (?:resource|stack) \| .* \| ([a-z0-9, -]*) \|$/gm)];
    expect(rows.map((row) => row[1]).sort()).toEqual(policies.map((policy) => policy.name).sort());
    for (const [, name, frameworks] of rows) expect({ name, frameworks }).toEqual({ name, frameworks: frameworksOf(name).join(", ") });
  });

  it("carries the framework-by-rule matrix generated from the mapping (npm run compliance-matrix)", () => {
    const begin = readme.indexOf(MATRIX_BEGIN);
    const end = readme.indexOf(MATRIX_END);
    expect(begin).toBeGreaterThan(0);
    expect(readme.slice(begin, end + MATRIX_END.length)).toBe(renderComplianceMatrix());
  });

  it("gives the exact test command that CI runs", () => {
    const ci = fs.readFileSync(path.join(REPO_ROOT, ".ci/run"), "utf8");
    expect(readme).toContain("npm ci && npm run plan -- --stack dev\nnpm test\n");
    expect(ci).toMatch(/^npm ci --no-audit --no-fund\nnpm test$/m);
  });
});
