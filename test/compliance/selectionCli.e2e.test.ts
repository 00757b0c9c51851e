import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { controlsOf } from "../../policypacks/ml-guard/lib/compliance/ruleControls";
import { isSelected } from "../../policypacks/ml-guard/lib/compliance/selection";
import { SELECTION_POLICY } from "../../policypacks/ml-guard/lib/compliance/selectionPolicy";
import { WAIVERS_POLICY } from "../../policypacks/ml-guard/lib/waiverPolicy";
import { policies } from "../../policypacks/ml-guard/policies";
import { multitoolMissing, sarifSchemaErrors } from "../sarif/sarifValidation";
import { REPO_ROOT, runTool } from "../support/planCli";

/*
 * Rule selection through the real CLIs, each its own process that starts the pack as `pulumi preview`
 * does: the flags merge into the policy config the pack is configured with.
 */
const CLI_TIMEOUT = 180_000;
const VIOLATING = path.join(REPO_ROOT, "test/fixtures/manifests/violating");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "selection-cli-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

interface Finding { policy: string; enforcementLevel: string; message: string }
interface Report { violations: Finding[] }
interface SarifLog { runs: { tool: { driver: { rules: { id: string; properties: { tags: string[] } }[] } } }[] }

const readJson = <T>(file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as T;
const selectedBy = (selection: Parameters<typeof isSelected>[1]) => (name: string) => {
  const policy = policies.find((candidate) => candidate.name === name);
  return policy === undefined || isSelected({ name, severity: policy.severity, controls: controlsOf(name) }, selection);
};

describe("npm run check with --framework and --severity", () => {
  const json = path.join(work, "check.json");
  const sarif = path.join(work, "check.sarif");
  let result: ReturnType<typeof runTool>;
  let all: Report;

  beforeAll(() => {
    const unselected = runTool("check", ["--json", path.join(work, "all.json"), VIOLATING]);
    expect(unselected.status).toBe(1);
    all = readJson<Report>(path.join(work, "all.json"));
    result = runTool("check", ["--json", json, "--sarif", sarif, VIOLATING, "--framework", "cis-k8s", "nist-800-53", "--severity", "critical,high"]);
  }, CLI_TIMEOUT);

  it("reports exactly the unselected run's findings of the selected rules, plus the selection's note", () => {
    const report = readJson<Report>(json);
    const selected = selectedBy({ frameworks: ["cis-k8s", "nist-800-53"], severities: ["critical", "high"] });
    const expected = all.violations.filter((finding) => selected(finding.policy));
    expect(report.violations.filter((finding) => finding.policy !== SELECTION_POLICY)).toEqual(expected);
    // The fixtures break rules of both kinds, so the selection really removed some and kept some.
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.violations.length);
    expect(report.violations.filter((finding) => finding.policy === SELECTION_POLICY)).toEqual([
      expect.objectContaining({ enforcementLevel: "advisory", message: expect.stringContaining("The rule selection (frameworks cis-k8s, nist-800-53; severities critical, high) turned off") as string }),
    ]);
    expect(result.status).toBe(1);
  });

  it("writes SARIF whose rules carry their controls as tags", () => {
    const log = readJson<SarifLog>(sarif);
    if (!multitoolMissing()) expect(sarifSchemaErrors(log)).toEqual([]);
    const rules = log.runs[0].tool.driver.rules;
    expect(rules.map((rule) => rule.id)).toEqual(expect.arrayContaining([SELECTION_POLICY, WAIVERS_POLICY, ...policies.map((policy) => policy.name)]));
    for (const rule of rules) expect({ id: rule.id, tags: rule.properties.tags }).toEqual({ id: rule.id, tags: ["security", ...controlsOf(rule.id)] });
  });

  it("a flag replaces the same criterion of the --config file and keeps the others (AND across them)", () => {
    const config = path.join(work, "selection.json");
    fs.writeFileSync(config, JSON.stringify({ [SELECTION_POLICY]: { frameworks: ["hipaa"], severities: ["low"] } }));
    const merged = path.join(work, "merged.json");
    runTool("check", ["--config", config, "--json", merged, "--severity", "critical", "--", VIOLATING]);
    const selected = selectedBy({ frameworks: ["hipaa"], severities: ["critical"] });
    const report = readJson<Report>(merged);
    expect(report.violations.filter((finding) => finding.policy !== SELECTION_POLICY)).toEqual(all.violations.filter((finding) => selected(finding.policy)));
    expect(report.violations.find((finding) => finding.policy === SELECTION_POLICY)?.message).toContain("(frameworks hipaa; severities critical)");
  }, CLI_TIMEOUT);

  it("refuses an unknown framework with exit 2, naming it and the frameworks there are", () => {
    const refused = runTool("check", [VIOLATING, "--framework", "pci-dss"]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`error: ${SELECTION_POLICY}: config/frameworks/0 must be equal to one of the allowed values (got "pci-dss"; allowed: cis-k8s, cis-eks, nist-800-53, soc2, hipaa, gdpr, eu-ai-act)`);
  }, CLI_TIMEOUT);
});

describe("npm run plan with --framework and --severity", () => {
  it("blocks the weak project only on the selected rules, and names what it turned off", () => {
    const json = path.join(work, "weak.json");
    const result = runTool("plan", ["--project", path.join(REPO_ROOT, "test/fixtures/weak-project"), "--stack", "dev", "--mode", "update", "--json", json, "--out", path.join(work, "weak"), "--framework", "cis-k8s", "--severity", "high"]);
    expect(result.status).toBe(1);
    const report = readJson<Report>(json);
    const selected = selectedBy({ frameworks: ["cis-k8s"], severities: ["high"] });
    const policiesReported = new Set(report.violations.map((finding) => finding.policy));
    expect(policiesReported).toContain("pod-disallow-privileged-containers");
    expect([...policiesReported].filter((name) => !selected(name) && name !== SELECTION_POLICY)).toEqual([]);
    // Unselected, the same plan is blocked by s3-encryption-disallow-non-kms too (planCli.e2e.test.ts): not a CIS Kubernetes rule.
    expect(policiesReported).not.toContain("s3-encryption-disallow-non-kms");
    expect(result.stdout).toMatch(/\[advisory\] ml-guard-rule-selection .*\n\s+The rule selection \(frameworks cis-k8s; severities high\) turned off \d+ of \d+ rules; .*s3-encryption-disallow-non-kms/);
  }, CLI_TIMEOUT);
});
