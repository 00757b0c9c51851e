import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseAllDocuments, parseDocument } from "yaml";
import { REPO_ROOT, runTool } from "../support/planCli";
import type { PlanReport } from "../../tools/plan/report";

/**
 * The promotion gate end to end: the prod stack's program and the real pack over the Analyzer
 * protocol, as `pulumi preview --policy-pack` runs them. The stack is production by its name.
 */
const work = fs.mkdtempSync(path.join(os.tmpdir(), "promotion-gate-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const NEW_ARTIFACT = "0c1e3d5b7f9a2c4e6b8d0f1a3c9a1d5c3e7b2f4a6d8c0e1b3f5a7d9c2e4b6f8a";

/** The prod stack's config with its endpoint serving a new artifact, and a second endpoint whose approval lapsed. */
function tamperedProdStack(): string {
  const document = parseDocument(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8"));
  const config = document.get("config") as { get(key: string): unknown; set(key: string, value: unknown): void };
  const models = (config.get("secure-ml-platform:models") as { toJSON(): Record<string, unknown>[] }).toJSON();
  const approvals = (config.get("secure-ml-platform:approvals") as { toJSON(): Record<string, unknown>[] }).toJSON();
  const lapsed = { ...approvals[0], id: "nlp-sentiment-3", team: "nlp", model: "sentiment", artifactDigest: `sha256:${"3".repeat(64)}`, approvedOn: "2025-06-01", expires: "2025-12-01" };
  config.set("secure-ml-platform:models", [
    { ...models[0], artifactSha256: NEW_ARTIFACT },
    { ...models[0], team: "nlp", name: "sentiment", artifactPath: "sentiment/3/", artifactSha256: "3".repeat(64), requiredClaims: { groups: ["nlp-inference-clients"] } },
  ]);
  config.set("secure-ml-platform:approvals", [...approvals, lapsed]);
  return document.toString();
}

describe("the prod stack's promotion gate", () => {
  it("passes the sample model, which carries its approval, and exports the approvals with the approver's teams", () => {
    const out = path.join(work, "prod");
    const outputs = path.join(work, "prod-outputs.json");
    const result = runTool("plan", ["--stack", "prod", "--mode", "update", "--out", out, "--outputs", outputs]);
    expect(result.status).toBe(0);
    const isvc = parseAllDocuments(fs.readFileSync(path.join(out, "vision.yaml"), "utf8")).map((doc) => doc.toJS() as { kind: string; metadata: { annotations?: Record<string, string> } })
      .find((object) => object.kind === "InferenceService");
    expect(isvc?.metadata.annotations).toMatchObject({
      "mlops.io/approval-id": "vision-image-classifier-1",
      "mlops.io/approval-artifact-digest": `sha256:${isvc?.metadata.annotations?.["mlops.io/model-sha256"]}`,
      "mlops.io/approval-approver-teams": "ml-risk",
      "mlops.io/approval-training-job": "vision/image-classifier-train-1",
    });
    const exported = (JSON.parse(fs.readFileSync(outputs, "utf8")) as { approvals: Record<string, unknown>[] }).approvals;
    expect(exported).toEqual([expect.objectContaining({ id: "vision-image-classifier-1", approver: "maria.lopez@example.com", approverTeams: ["ml-risk"], lineage: expect.objectContaining({ datasetVersion: expect.stringMatching(/^sha256:/) }) })]);
  });

  it("blocks an endpoint serving an unapproved artifact and one whose approval lapsed; the other rules pass", () => {
    const dir = fs.mkdtempSync(path.join(work, "project-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: secure-ml-platform\nruntime: nodejs\nmain: ${path.join(REPO_ROOT, "index.ts")}\n`);
    fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), tamperedProdStack());
    const json = path.join(dir, "report.json");
    const result = runTool("plan", ["--project", dir, "--stack", "prod", "--mode", "update", "--json", json, "--out", path.join(dir, "out")]);
    expect(result.stderr).toContain("mandatory policy violation(s): the plan is blocked");
    expect(result.status).toBe(1);
    const mandatory = (JSON.parse(fs.readFileSync(json, "utf8")) as PlanReport).violations.filter((v) => v.enforcementLevel === "mandatory");
    expect(mandatory.map((v) => [v.policy, v.urn.split("::").at(-1)])).toEqual([
      ["model-endpoint-missing-approval", "ml-prod-vision-image-classifier"],
      ["model-endpoint-missing-approval", "ml-prod-nlp-sentiment"],
    ]);
    expect(mandatory[0].message).toContain(`vision/image-classifier serves sha256:${NEW_ARTIFACT} in the production stack prod without an approval`);
    expect(mandatory[1].message).toMatch(/the approval expired on 2025-12-01 \(today is \d{4}-\d{2}-\d{2} UTC\)/);
  });
});
