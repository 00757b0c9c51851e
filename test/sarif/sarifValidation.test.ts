/**
 * The SARIF validators the plan and check suites rely on catch what they claim to: a log the published
 * schema refuses, and a log the multitool's best-practice rules flag.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildSarif } from "../../tools/analyzer/sarif";
import type { RuleInfo } from "../../tools/analyzer/ruleInfo";
import type { Violation } from "../../tools/analyzer/runPolicies";
import { multitoolFindings, multitoolMissing, sarifSchemaErrors } from "./sarifValidation";

const missing = multitoolMissing();
const describeWithMultitool = missing ? describe.skip : describe;
if (missing) process.stderr.write(`skipping SARIF validation: ${missing}\n`);

const rule: RuleInfo = { name: "pod-disallow-privileged-containers", description: "Containers must not run privileged.", enforcementLevel: "mandatory", severity: "high", remediationSteps: "Remove privileged: true.", tags: ["cis-k8s:5.2.2", "nist-800-53:AC-6"] };
const finding: Violation = { policy: rule.name, message: "spec.containers[0].securityContext.privileged: runs privileged", urn: "urn:pulumi:check::manifests::kubernetes:core/v1:Pod::debug", enforcementLevel: "mandatory" };
const log = () => buildSarif([rule], [finding], [], () => ({ uri: "manifests/pod.yaml", startLine: 7 })) as unknown as { runs: { tool: { driver: Record<string, unknown> & { rules: Record<string, unknown>[] } }; results: Record<string, unknown>[] }[] };

describeWithMultitool("SARIF validation", () => {
  it("passes a log ml-guard writes", () => {
    expect(sarifSchemaErrors(log())).toEqual([]);
  });

  it("names each schema breach: a level outside the enum, a result without a message, a line below 1", () => {
    const broken = log();
    const [result] = broken.runs[0].results;
    result.level = "fatal";
    delete result.message;
    (result.locations as { physicalLocation: { region: { startLine: number } } }[])[0].physicalLocation.region.startLine = 0;
    const errors = sarifSchemaErrors(broken);
    expect(errors).toEqual(expect.arrayContaining([
      expect.stringMatching(/^\/runs\/0\/results\/0\/level: must be equal to one of the allowed values/),
      expect.stringMatching(/^\/runs\/0\/results\/0: must have required property 'message'/),
      expect.stringMatching(/^\/runs\/0\/results\/0\/locations\/0\/physicalLocation\/region\/startLine: must be >= 1/),
    ]));
  });

  it("reports the multitool's best-practice findings, e.g. a rule whose name repeats its id", () => {
    const flagged = log();
    flagged.runs[0].tool.driver.rules[0].name = rule.name;
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sarif-flagged-")), "flagged.sarif");
    fs.writeFileSync(file, JSON.stringify(flagged));
    expect(multitoolFindings([file]).map((found) => found.ruleId)).toContain("SARIF1001");
  });
});
