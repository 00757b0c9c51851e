import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT, runTool } from "../support/planCli";
import type { PlanReport } from "../../tools/plan/report";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "team-stack-"));
const platformOutputs = path.join(work, "platform-outputs.json");
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const mandatory = (report: PlanReport) => report.violations.filter((violation) => violation.enforcementLevel === "mandatory");

beforeAll(() => {
  const platform = runTool("plan", ["--stack", "dev", "--mode", "update", "--out", path.join(work, "platform"), "--outputs", platformOutputs]);
  expect(platform.status).toBe(0);
}, 120_000);

describe("a team stack in the offline plan", () => {
  it("plans on the platform's outputs with zero mandatory violations, inside its namespace only", () => {
    const json = path.join(work, "team.json");
    const out = path.join(work, "team");
    const result = runTool("plan", [
      "--project", path.join(REPO_ROOT, "examples/team-stack"), "--stack", "dev", "--mode", "update", "--out", out, "--json", json,
      "--policy-config", path.join(REPO_ROOT, "examples/team-stack/policy-config.json"),
      "--stack-reference", `organization/secure-ml-platform/dev=${platformOutputs}`,
    ]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(mandatory(JSON.parse(fs.readFileSync(json, "utf8")) as PlanReport)).toEqual([]);
    expect(fs.readdirSync(out)).toEqual(["vision.yaml"]);
  });

  it("is blocked when it creates a ClusterRoleBinding or writes into another team's namespace; a waiver by name moves one finding apart", () => {
    const json = path.join(work, "rogue.json");
    const rogue = path.join(REPO_ROOT, "test/fixtures/rogue-team-stack");
    // The rogue stack's config plus one waiver, as a reviewed --policy-config file would carry it.
    const config = path.join(work, "rogue-policy-config.json");
    const waiver = { policy: "k8s-clusterrolebinding-disallow-team-admin", match: { name: "vision-admin" }, owner: "platform@example.com", reason: "SEC-7: migration", expires: "2099-12-31" };
    fs.writeFileSync(config, JSON.stringify({ ...JSON.parse(fs.readFileSync(path.join(rogue, "policy-config.json"), "utf8")), "ml-guard-waivers-valid": { waivers: [waiver] } }));
    const result = runTool("plan", ["--project", rogue, "--stack", "dev", "--mode", "update", "--out", path.join(work, "rogue"), "--json", json, "--policy-config", config]);
    expect(result.status).toBe(1);
    const report = JSON.parse(fs.readFileSync(json, "utf8")) as PlanReport;
    const found = mandatory(report).map((violation) => `${violation.policy} ${violation.urn.split("::").pop()}`);
    expect(found).toEqual(expect.arrayContaining([
      "team-stack-disallow-foreign-namespaces vision-admin",
      "team-stack-disallow-foreign-namespaces nlp-settings",
    ]));
    expect(found).not.toContain("k8s-clusterrolebinding-disallow-team-admin vision-admin");
    expect(report.waived.map((finding) => `${finding.policy} ${finding.urn.split("::").pop()}`)).toEqual(["k8s-clusterrolebinding-disallow-team-admin vision-admin"]);
    expect(report.counts.waived).toBe(1);
    expect(result.stdout).toContain("waived until 2099-12-31 by platform@example.com: SEC-7: migration");
  });

  it("without the platform's outputs, says which reference is missing", () => {
    const result = runTool("plan", ["--project", path.join(REPO_ROOT, "examples/team-stack"), "--stack", "dev"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("the program reads the stack organization/secure-ml-platform/dev: pass its outputs with --stack-reference");
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
