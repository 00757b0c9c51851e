import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT, runTool } from "../support/planCli";

const FIXTURES = path.join(REPO_ROOT, "test/fixtures/manifests");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "check-test-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const file = (name: string, content: string | Buffer) => {
  const target = path.join(work, name);
  fs.writeFileSync(target, content);
  return target;
};

interface CheckReport {
  resources: { urn: string; type: string; name: string; source: string }[];
  violations: { policy: string; urn: string; message: string; enforcementLevel: string }[];
}

describe("npm run images", () => {
  it("lists every image the manifests' workloads run, once, in order", () => {
    const result = runTool("images", [path.join(FIXTURES, "compliant"), path.join(FIXTURES, "violating")]);
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split("\n")).toEqual([
      `123456789012.dkr.ecr.us-west-2.amazonaws.com/ml/fraud@sha256:${"a".repeat(64)}`,
      "pytorch/pytorch:latest",
    ]);
  });

  it("exits 2 on unreadable input", () => {
    expect(runTool("images", [path.join(work, "missing")]).status).toBe(2);
  });
});

describe("npm run check", () => {
  it("passes a compliant team namespace applied with kubectl (exit 0), stack rules included", () => {
    const json = path.join(work, "compliant.json");
    const result = runTool("check", ["--json", json, path.join(FIXTURES, "compliant")]);
    expect(result.stdout).toContain("ml-guard: 8 object(s) checked, 0 violation(s), 0 mandatory");
    expect(result.status).toBe(0);
    const report = JSON.parse(fs.readFileSync(json, "utf8")) as CheckReport;
    expect(report.resources.map((r) => r.type)).toContain("kubernetes:apps/v1:Deployment");
  });

  it("blocks Helm output and JSON resource lists that violate mandatory rules (exit 1), naming file and field", () => {
    const json = path.join(work, "violating.json");
    const result = runTool("check", ["--json", json, path.join(FIXTURES, "violating")]);
    expect(result.status).toBe(1);
    const report = JSON.parse(fs.readFileSync(json, "utf8")) as CheckReport;
    const policies = new Set(report.violations.map((v) => v.policy));
    for (const expected of ["pod-disallow-host-namespaces", "pod-require-pinned-images", "k8s-secret-disallow-literal-data", "s3-public-access-block-disallow-disabled-flags", "kms-key-missing-rotation", "kms-key-deletion-window-too-short", "k8s-namespace-missing-default-deny"]) {
      expect(policies).toContain(expected);
    }
    expect(result.stdout).toContain("helm-output.yaml#1 (batch/v1:CronJob vision/nightly-train)");
    expect(result.stdout).toContain("spec.jobTemplate.spec.template.spec.hostNetwork");
    expect(JSON.stringify(report)).not.toContain("not-a-real-key");
    for (const violation of report.violations) expect(Object.keys(violation).sort()).toEqual(["enforcementLevel", "message", "policy", "urn"]);
  });

  it("applies --config like --policy-pack-config", () => {
    const config = file("config.json", JSON.stringify({ all: "advisory" }));
    const result = runTool("check", ["--config", config, path.join(FIXTURES, "violating")]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/violation\(s\), 0 mandatory/);
  });

  it("expands a kind: List and skips empty documents", () => {
    const list = file("list.yaml", "---\n---\napiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Secret\n    metadata: {name: s, namespace: vision}\n    data: {k: dg==}\n");
    const result = runTool("check", [list]);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain("k8s-secret-disallow-literal-data");
  });

  it("an object of an unknown kind is checked (by the rules that apply to any object) and passes", () => {
    const result = runTool("check", [file("widget.yaml", "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: vision}\nspec: {replicas: 3}\n")]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("1 object(s) checked, 0 violation(s)");
  });

  it("an empty file checks nothing and passes", () => {
    const result = runTool("check", [file("empty.yaml", "")]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("0 object(s) checked");
  });

  it.each([
    ["a missing path", () => path.join(work, "nope.yaml"), "no such file or directory"],
    ["malformed YAML", () => file("bad.yaml", "kind: Pod\nmetadata: {name: [unclosed\n"), "not valid YAML"],
    ["binary garbage", () => file("garbage.yaml", Buffer.from([0x00, 0xff, 0x10, 0x80, 0x00])), "binary data, not YAML or JSON"],
    ["a YAML bomb (billion laughs)", () => file("bomb.yaml", ["a: &a [x,x,x,x,x,x,x,x,x]", ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)].join("\n") + "\n"), "cannot be expanded safely"],
    ["a scalar document", () => file("scalar.yaml", "just a string\n"), "not a Kubernetes object"],
    ["an object without kind", () => file("nokind.yaml", "apiVersion: v1\nmetadata: {name: x}\n"), "apiVersion and kind are required"],
    ["a JSON list of the wrong shape", () => file("wrong.json", "[{\"kind\": \"Pod\"}]"), "expected { \"type\""],
    ["malformed JSON", () => file("bad.json", "[{"), "not valid JSON"],
    ["an unreadable --config", () => file("ok.yaml", ""), "not a readable JSON policy config"],
    ["deeply nested YAML", () => file("deep.yaml", `a: ${"[".repeat(20000)}${"]".repeat(20000)}\n`), "not valid YAML"],
    ["deeply nested JSON", () => file("deep.json", `{"apiVersion":"v1","kind":"ConfigMap","data":${'{"a":'.repeat(5000)}1${"}".repeat(5000)}}`), "nested deeper than 100 levels"],
    ["a 50 MB file", () => file("big.yaml", Buffer.alloc(50 * 1024 * 1024, "#")), "larger than the 16 MiB limit"],
  ])("%s exits 2 with a clear error and no stack trace", (_case, target, message) => {
    const args = message.includes("policy config") ? ["--config", path.join(work, "missing-config.json"), target()] : [target()];
    const result = runTool("check", args);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
