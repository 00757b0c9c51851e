import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runTool } from "../support/planCli";
import { expectValidSarif, NO_HOME_PAGE, NO_LINE } from "../sarif/sarifValidation";

/*
 * One check run over two Pods with host networking (pod-disallow-host-namespaces, mandatory) in
 * namespace vision, with four waivers: one by name for vision/a, one expired for vision/b, a blanket
 * "*" over the namespace, and one that matches nothing. FACT: `check` drives the pack over the Analyzer
 * gRPC protocol as `pulumi preview` does, with the policy config validated against each policy's
 * configSchema (tools/analyzer/policyConfig.ts, as the engine does).
 */
const work = fs.mkdtempSync(path.join(os.tmpdir(), "waivers-check-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const pod = (name: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: vision
spec:
  hostNetwork: true
  containers:
    - name: main
      image: registry.k8s.io/pause@sha256:${"b".repeat(64)}
`;
const RULE = "pod-disallow-host-namespaces";
const waiver = (match: Record<string, string>, expires: string, owner: string, policy = RULE) => ({ policy, match, owner, reason: `ticket SEC-1 (${owner})`, expires });
const waivers = [
  waiver({ name: "vision/a", type: "kubernetes:core/v1:Pod" }, "2099-12-31", "named@example.com"),
  waiver({ name: "vision/b" }, "2020-01-01", "expired@example.com"),
  waiver({ namespace: "vision" }, "2099-12-31", "blanket@example.com", "*"),
  waiver({ namespace: "nowhere" }, "2099-12-31", "stale@example.com"),
];

interface Finding { policy: string; urn: string; message: string; enforcementLevel: string; waiver?: { owner: string; expires: string; reason: string } }
interface Report { violations: Finding[]; waived: Finding[]; counts: { violations: number; mandatory: number; waived: number } }
interface SarifResult { ruleId: string; level: string; suppressions?: { kind: string; status: string; justification: string }[]; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }

const manifest = path.join(work, "pods.yaml");
fs.writeFileSync(manifest, `${pod("a")}---\n${pod("b")}`);
const config = path.join(work, "config.json");
fs.writeFileSync(config, JSON.stringify({ "ml-guard-waivers-valid": { waivers } }));
const json = path.join(work, "report.json");
const sarif = path.join(work, "report.sarif");
const result = runTool("check", ["--config", config, "--json", json, "--sarif", sarif, manifest]);
const report = JSON.parse(fs.readFileSync(json, "utf8")) as Report;
const hostFindings = (findings: Finding[]) => findings.filter((finding) => finding.policy === RULE);

describe("waivers through npm run check", () => {
  it("a waiver by name suppresses exactly its match: vision/a is waived, vision/b is not", () => {
    expect(hostFindings(report.waived).map((finding) => finding.urn)).toEqual([expect.stringMatching(/::vision\/a$/)]);
    expect(hostFindings(report.waived)[0].waiver).toEqual({ owner: "named@example.com", expires: "2099-12-31", reason: "ticket SEC-1 (named@example.com)" });
    expect(hostFindings(report.violations).map((finding) => [finding.urn.split("::").pop(), finding.enforcementLevel])).toEqual([["vision/b", "mandatory"]]);
    expect(result.stdout).toContain("waived until 2099-12-31 by named@example.com: ticket SEC-1 (named@example.com)");
    expect(report.counts.waived).toBe(report.waived.length);
  });

  it("an expired waiver is not applied and is itself a mandatory finding", () => {
    expect(hostFindings(report.violations)[0].message).toContain("expired on 2020-01-01 and is not applied");
    const expired = report.violations.filter((finding) => finding.policy === "ml-guard-waivers-valid" && finding.message.includes("expired on 2020-01-01"));
    expect(expired.map((finding) => finding.enforcementLevel)).toEqual(["mandatory"]);
    expect(result.status).toBe(1);
  });

  it("a blanket \"*\" waiver never covers a mandatory rule, and says so on the finding", () => {
    expect(report.waived.filter((finding) => finding.waiver?.owner === "blanket@example.com" && finding.policy === RULE)).toEqual([]);
    expect(hostFindings(report.violations)[0].message).toContain("the \"*\" waiver by blanket@example.com is not applied");
  });

  it("a waiver that matches nothing is reported as stale (advisory)", () => {
    const stale = report.violations.filter((finding) => finding.policy === "ml-guard-waivers-valid" && finding.message.includes("stale"));
    expect(stale).toEqual([expect.objectContaining({ enforcementLevel: "advisory", message: expect.stringContaining("stale@example.com") })]);
  });

  it("writes SARIF 2.1.0: every rule with help and security-severity, waived findings suppressed, YAML lines", () => {
    const log = JSON.parse(fs.readFileSync(sarif, "utf8")) as { runs: { tool: { driver: { name: string; rules: { id: string; help: { text: string }; properties: Record<string, string> }[] } }; results: SarifResult[] }[] };
    expectValidSarif(sarif, [NO_HOME_PAGE, NO_LINE]);
    expect(log.runs).toHaveLength(1);
    const [run] = log.runs;
    expect(run.tool.driver.name).toBe("ml-guard");
    const rule = run.tool.driver.rules.find((candidate) => candidate.id === RULE);
    expect(rule?.help.text).toContain("Remediation:");
    expect(Number(rule?.properties["security-severity"])).toBeGreaterThan(0);
    const host = run.results.filter((item) => item.ruleId === RULE);
    expect(host.map((item) => [item.level, item.suppressions?.[0]?.status ?? "open"]).sort()).toEqual([["error", "accepted"], ["error", "open"]]);
    expect(host.find((item) => item.suppressions)?.suppressions?.[0]).toEqual({ kind: "external", status: "accepted", justification: "waived until 2099-12-31 by named@example.com: ticket SEC-1 (named@example.com)" });
    // hostNetwork is line 7 of the first document and line 18 of the second (after the --- separator).
    expect(host.map((item) => item.locations[0].physicalLocation.region?.startLine).sort()).toEqual([18, 7]);
    expect(host[0].locations[0].physicalLocation.artifactLocation.uri).toMatch(/pods\.yaml$/);
  });

  it("a waiver naming an unknown rule is refused with a clear error (exit 2)", () => {
    const bad = path.join(work, "bad.json");
    fs.writeFileSync(bad, JSON.stringify({ "ml-guard-waivers-valid": { waivers: [{ ...waivers[0], policy: "no-such-rule" }] } }));
    const refused = runTool("check", ["--config", bad, manifest]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("ml-guard-waivers-valid: config/waivers/0/policy must be equal to one of the allowed values");
  });
});
