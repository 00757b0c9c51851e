import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse, parseDocument } from "yaml";
import { REPO_ROOT } from "../support/planCli";
import { MODEL_APPROVAL_PREDICATE_TYPE } from "../../components/supplychain/approvalAttestations";

/**
 * The production deploy workflow, held to the structure GitHub gives it meaning by (no GitHub workflow
 * JSON schema is among the upstream data): only main, the protected `production` environment, and a
 * deploy that needs the preview with ml-guard. FACT (docs.github.com, "Using environments for
 * deployment"): a job that references an environment waits for its required reviewers and runs only
 * from the branches its deployment branch policy allows; `needs` runs a job only after the jobs it
 * names succeeded; `if: github.ref == ...` skips the job on any other ref.
 */
interface Step { uses?: string; run?: string; name?: string; with?: Record<string, string>; env?: Record<string, string> }
interface Job { if?: string; needs?: string | string[]; environment?: string | { name: string }; permissions?: Record<string, string>; steps: Step[] }
interface Workflow { on: Record<string, unknown>; permissions: Record<string, string>; concurrency: { group: string; "cancel-in-progress": boolean }; jobs: Record<string, Job> }

const file = path.join(REPO_ROOT, ".github/workflows/deploy.yml");
const text = fs.readFileSync(file, "utf8");
const workflow = parse(text) as Workflow;
const { preview, deploy } = workflow.jobs;
const pulumiStep = (job: Job, command: string) => job.steps.find((step) => step.uses?.startsWith("pulumi/actions@") && step.with?.command === command);
const needsOf = (job: Job) => (Array.isArray(job.needs) ? job.needs : job.needs ? [job.needs] : []);

describe(".github/workflows/deploy.yml", () => {
  it("is valid YAML with no duplicate keys", () => {
    expect(parseDocument(text, { uniqueKeys: true }).errors).toEqual([]);
  });

  it("starts only on pushes to main (or by hand), never for a pull request", () => {
    expect(Object.keys(workflow.on).sort()).toEqual(["push", "workflow_dispatch"]);
    expect(workflow.on.push).toEqual({ branches: ["main"] });
  });

  it("deploys from main only, through the protected production environment, after the preview passed", () => {
    expect(deploy.if).toBe("github.ref == 'refs/heads/main'");
    expect(preview.if).toBe("github.ref == 'refs/heads/main'");
    expect(typeof deploy.environment === "string" ? deploy.environment : deploy.environment?.name).toBe("production");
    expect(needsOf(deploy)).toEqual(["preview"]);
    // Only the deploy job is in the environment: the preview needs no reviewer, the update cannot skip one.
    expect(preview.environment).toBeUndefined();
    expect(Object.entries(workflow.jobs).filter(([, job]) => pulumiStep(job, "up")).map(([name]) => name)).toEqual(["deploy"]);
  });

  it("previews and updates the prod stack with the ml-guard pack and its reviewed config", () => {
    for (const step of [pulumiStep(preview, "preview"), pulumiStep(deploy, "up")]) {
      expect(step?.with).toMatchObject({ "stack-name": "${{ vars.PULUMI_ORG }}/prod", policyPacks: "policypacks/ml-guard", policyPackConfigs: "policypacks/ml-guard/policy-config.json" });
    }
    expect(fs.existsSync(path.join(REPO_ROOT, "policypacks/ml-guard/policy-config.json"))).toBe(true);
  });

  it("attests OCI models' approvals before the update, with our predicate type and the workflow's own identity", () => {
    const attest = deploy.steps.findIndex((step) => step.run?.includes("cosign attest"));
    expect(attest).toBeGreaterThan(-1);
    expect(attest).toBeLessThan(deploy.steps.indexOf(pulumiStep(deploy, "up")!));
    expect(deploy.steps[attest].run).toContain(`--type ${MODEL_APPROVAL_PREDICATE_TYPE}`);
    expect(deploy.steps[attest].run).toContain("tools/approvals/cli.ts --stack prod");
    expect(deploy.permissions).toEqual({ contents: "read", "id-token": "write" });
  });

  it("runs one production deploy at a time and never cancels one halfway; reads the repository, nothing more, by default", () => {
    expect(workflow.concurrency).toEqual({ group: "deploy-production", "cancel-in-progress": false });
    expect(workflow.permissions).toEqual({ contents: "read" });
  });

  it("pins every action to a release, not a branch", () => {
    const uses = Object.values(workflow.jobs).flatMap((job) => job.steps.map((step) => step.uses).filter((value): value is string => !!value));
    expect(uses.filter((value) => !/@v\d+(\.\d+)*$/.test(value))).toEqual([]);
  });
});

describe("tools/approvals/cli.ts: what the deploy job attests", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "approvals-cli-"));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  const run = (projectDir: string, out: string) => spawnSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", path.join(REPO_ROOT, "tools/approvals/cli.ts"), "--project", projectDir, "--stack", "prod", "--out", out], { cwd: REPO_ROOT, encoding: "utf8", timeout: 60_000 });

  it("writes the predicate of each OCI model's approval, with the approver's teams, and lists image and file", () => {
    const dir = fs.mkdtempSync(path.join(work, "project-"));
    const document = parseDocument(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8"));
    const config = document.get("config") as { get(key: string): { toJSON(): Record<string, unknown>[] }; set(key: string, value: unknown): void };
    const approvals = config.get("secure-ml-platform:approvals").toJSON();
    const image = `444455556666.dkr.ecr.us-east-1.amazonaws.com/models/detector@sha256:${"f".repeat(64)}`;
    config.set("secure-ml-platform:approvals", [...approvals, { ...approvals[0], id: "vision-detector-2", model: "detector", artifactDigest: `sha256:${"2".repeat(64)}`, artifact: `oci://${image}` }]);
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: secure-ml-platform\nruntime: nodejs\n");
    fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), document.toString());
    const out = path.join(dir, "out");
    const result = run(dir, out);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${image} ${path.join(out, "vision-detector-2.json")}\n`);
    const predicate = JSON.parse(fs.readFileSync(path.join(out, "vision-detector-2.json"), "utf8")) as Record<string, unknown>;
    expect(predicate).toMatchObject({ id: "vision-detector-2", team: "vision", model: "detector", artifact: `oci://${image}`, approver: "maria.lopez@example.com", approverTeams: ["ml-risk"] });
  });

  it("attests nothing for the prod stack's S3 model, and refuses an invalid stack config naming the key", () => {
    expect(run(REPO_ROOT, path.join(work, "prod")).stdout).toBe("");
    const dir = fs.mkdtempSync(path.join(work, "bad-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: secure-ml-platform\nruntime: nodejs\n");
    fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), fs.readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8").replace("approver: maria.lopez@example.com", "approver: sam.chen@example.com"));
    const result = run(dir, path.join(dir, "out"));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('secure-ml-platform:approvals[0].approver = "sam.chen@example.com": belongs to team vision');
  });
});
