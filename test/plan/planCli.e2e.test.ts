import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { validateKubernetesObject } from "../support/kubernetesSchemas";
import { REPO_ROOT, runTool } from "../support/planCli";
import type { PlanReport } from "../../tools/plan/report";
import { expectValidSarif, NO_HOME_PAGE, NO_LINE } from "../sarif/sarifValidation";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "plan-test-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe("npm run plan -- --stack dev", () => {
  const out = path.join(work, "dev");
  const json = path.join(work, "dev.json");
  const sarif = path.join(work, "dev.sarif");
  let result: ReturnType<typeof runTool>;
  let report: PlanReport;

  beforeAll(() => {
    result = runTool("plan", ["--stack", "dev", "--out", out, "--json", json, "--sarif", sarif]);
    report = JSON.parse(fs.readFileSync(json, "utf8")) as PlanReport;
  });

  it("exits 0 and prints the resource tree and counts by type", () => {
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Offline plan of secure-ml-platform/dev");
    expect(result.stdout).toMatch(/^ {4}secure-ml:tenancy:TeamNamespace {2}vision$/m);
    expect(result.stdout).toMatch(/aws:s3\/bucket:Bucket\s+4$/m);
  });

  it("writes the JSON report in the documented shape", () => {
    expect(Object.keys(report).sort()).toEqual(["counts", "resources", "stack", "violations", "waived"]);
    expect(report.counts).toEqual({ violations: report.violations.length, mandatory: 0, waived: 0 });
    expect(report.stack).toBe("dev");
    expect(report.violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
    for (const resource of report.resources) expect(Object.keys(resource).sort()).toEqual(["name", "type", "urn"]);
    const stackRoot = report.resources.find((r) => r.type === "pulumi:pulumi:Stack");
    expect(stackRoot?.urn).toBe("urn:pulumi:dev::secure-ml-platform::pulumi:pulumi:Stack::secure-ml-platform-dev");
    expect(report.resources.filter((r) => r.type === "aws:s3/bucket:Bucket").map((r) => r.name).sort()).toEqual(
      ["ml-dev-access-logs", "ml-dev-audit-logs", "ml-dev-datasets", "ml-dev-model-artifacts"],
    );
    expect(report.resources.filter((r) => r.type === "kubernetes:core/v1:Namespace").map((r) => r.name).sort()).toEqual(["ml-dev-external-secrets-operator-namespace", "ml-dev-mesh-control-plane-namespace", "ml-dev-signed-images-controller-namespace", "nlp-namespace", "vision-namespace"]);
  });

  it("writes SARIF 2.1.0 with every rule, findings located at the stack file and named by URN", () => {
    const log = JSON.parse(fs.readFileSync(sarif, "utf8")) as { runs: { tool: { driver: { rules: { id: string }[] } }; results: { locations: { physicalLocation: { artifactLocation: { uri: string } }; logicalLocations: { fullyQualifiedName: string }[] }[] }[] }[] };
    expectValidSarif(sarif, [NO_HOME_PAGE, NO_LINE]);
    expect(log.runs[0].tool.driver.rules.map((rule) => rule.id)).toEqual(expect.arrayContaining(["ml-guard-waivers-valid", "pod-disallow-host-namespaces"]));
    expect(log.runs[0].results).toHaveLength(report.violations.length);
    for (const item of log.runs[0].results) {
      expect(item.locations[0].physicalLocation.artifactLocation.uri).toBe("Pulumi.dev.yaml");
      expect(item.locations[0].logicalLocations[0].fullyQualifiedName).toMatch(/^urn:pulumi:dev::/);
    }
  });

  it("never shows a secret config value: not in the console, the report or the manifests", () => {
    // The offline plan stands in a placeholder for each secure: value; it must stay a secret everywhere.
    const everything = [result.stdout, result.stderr, fs.readFileSync(json, "utf8"), ...fs.readdirSync(out).map((file) => fs.readFileSync(path.join(out, file), "utf8"))].join("\n");
    expect(everything).not.toContain("offline-secret-");
    expect(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8")).toMatch(/databasePassword:\n\s+secure: v1:/);
  });

  it("writes one manifest file per namespace, every object valid against the published schemas (CRDs included)", () => {
    expect(fs.readdirSync(out).sort()).toEqual(["cluster.yaml", "cosign-system.yaml", "external-secrets.yaml", "istio-system.yaml", "nlp.yaml", "vision.yaml"]);
    const objects = parseAllDocuments(fs.readFileSync(path.join(out, "vision.yaml"), "utf8")).map((doc) => doc.toJS() as { apiVersion: string; kind: string });
    expect(objects[0].kind).toBe("Namespace");
    expect(objects.map((object) => object.kind)).toEqual(expect.arrayContaining(["SecretStore", "VaultDynamicSecret", "ExternalSecret", "PeerAuthentication", "AuthorizationPolicy", "InferenceService"]));
    // Among them 10 NetworkPolicies and one ServiceEntry per egress target (S3, STS, Vault).
    expect(objects.length).toBe(38);
    expect(objects.filter((object) => object.kind === "ServiceEntry")).toHaveLength(3);
    // KServe publishes no schema package; every other object is checked against its published schema.
    for (const object of objects.filter((item) => item.kind !== "InferenceService")) validateKubernetesObject(object);
  });
});

describe("the plan of every stack in the repo", () => {
  const stacks = fs.readdirSync(REPO_ROOT).map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1]).filter((stack): stack is string => !!stack);

  it("covers dev, staging and prod", () => expect([...stacks].sort()).toEqual(["dev", "prod", "staging"]));

  // dev in preview mode is planned above; the dev update is analyzed in test/analyzer.
  const runs = stacks.flatMap((stack) => (stack === "dev" ? [] : [[stack, "preview"], [stack, "update"]]));

  it.each(runs)("%s plans in %s mode with no mandatory violation", (stack, mode) => {
    const json = path.join(work, `${stack}-${mode}.json`);
    const result = runTool("plan", ["--stack", stack, "--mode", mode, "--out", path.join(work, stack), "--json", json]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const report = JSON.parse(fs.readFileSync(json, "utf8")) as PlanReport;
    expect(report.violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
    // The placeholder of every secure: value never shows: not in the console, the report or the manifests.
    const manifests = fs.readdirSync(path.join(work, stack)).map((file) => fs.readFileSync(path.join(work, stack, file), "utf8"));
    expect([result.stdout, JSON.stringify(report), ...manifests].join("\n")).not.toContain("offline-secret-");
  });
});

describe("a program that breaks the rules", () => {
  it("is blocked: exit 1, the violations in the report and on the console", () => {
    const json = path.join(work, "weak.json");
    const result = runTool("plan", ["--project", path.join(REPO_ROOT, "test/fixtures/weak-project"), "--stack", "dev", "--mode", "update", "--json", json, "--out", path.join(work, "weak")]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/\d+ mandatory policy violation\(s\): the plan is blocked/);
    const policies = (JSON.parse(fs.readFileSync(json, "utf8")) as PlanReport).violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policy);
    expect(policies).toEqual(expect.arrayContaining(["s3-encryption-disallow-non-kms", "s3-bucket-missing-public-access-block", "pod-disallow-privileged-containers"]));
    expect(result.stdout).toContain("[mandatory] pod-disallow-privileged-containers  kubernetes:core/v1:Pod  debug");
  });
});

describe("bad input", () => {
  function project(stackYaml: string): string {
    const dir = fs.mkdtempSync(path.join(work, "project-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: secure-ml-platform\nruntime: nodejs\nmain: ${path.join(REPO_ROOT, "index.ts")}\n`);
    fs.writeFileSync(path.join(dir, "Pulumi.bad.yaml"), stackYaml);
    return dir;
  }

  it("a config error exits 1 with the key named, no stack trace and no report", () => {
    const dir = project("config:\n  aws:region: us-west-2\n  secure-ml-platform:environment: dev\n  secure-ml-platform:teams:\n    - name: Vision\n      group: g\n      quota: {cpu: '1', memory: 1Gi, gpu: -1}\n");
    const json = path.join(dir, "report.json");
    const result = runTool("plan", ["--project", dir, "--stack", "bad", "--json", json]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('secure-ml-platform:teams[0].name = "Vision": must be a DNS-1123 label');
    expect(result.stderr).toContain("secure-ml-platform:teams[0].quota.gpu = -1: must not be negative");
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(fs.existsSync(json)).toBe(false);
  });

  it("a missing stack file exits 2", () => {
    const result = runTool("plan", ["--stack", "nosuchstack"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Pulumi.nosuchstack.yaml: not found");
  });

  it("a stack file that is not YAML exits 2", () => {
    const result = runTool("plan", ["--project", project("config: [unclosed\n"), "--stack", "bad"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Pulumi.bad.yaml: not valid YAML");
  });

  it("an unknown option is refused with usage", () => {
    const result = runTool("plan", ["--stack", "dev", "--bogus"]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("unknown option '--bogus'");
  });
});
