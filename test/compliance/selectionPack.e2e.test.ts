import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { controlsOf } from "../../policypacks/ml-guard/lib/compliance/ruleControls";
import { SELECTION_POLICY } from "../../policypacks/ml-guard/lib/compliance/selectionPolicy";
import { isControlId } from "../../policypacks/ml-guard/lib/compliance/vocabulary";
import { loadInputs } from "../../tools/check/loadInputs";
import { PolicyConfigError } from "../../tools/analyzer/policyConfig";
import { PolicyPackSession, type PolicyRun } from "../../tools/analyzer/runPolicies";
import { PACK_DIR } from "../support/stackRun";

/*
 * The pack as its own process, driven over the Analyzer protocol in the engine's order (ConfigureStack,
 * GetAnalyzerInfo, Configure, per resource Remediate then Analyze, AnalyzeStack): the path `pulumi
 * preview --policy-pack-config` takes. One process serves every run, reconfigured before each.
 */
const work = fs.mkdtempSync(path.join(os.tmpdir(), "selection-pack-"));
fs.writeFileSync(path.join(work, "pod.yaml"), `apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: vision}
spec:
  containers:
    - name: main
      image: registry.k8s.io/pause@sha256:${"b".repeat(64)}
      securityContext: {privileged: true}
`);
fs.writeFileSync(path.join(work, "key.json"), JSON.stringify([{ type: "aws:kms/key:Key", name: "data", props: { enableKeyRotation: false, deletionWindowInDays: 30 } }]));
const resources = loadInputs([work], "check", "manifests");
const context = { project: "manifests", stack: "check", organization: "organization", dryRun: true, config: {}, secretKeys: [], tags: {} };

let session: PolicyPackSession;
beforeAll(async () => {
  session = await PolicyPackSession.start(PACK_DIR);
}, 120_000);
afterAll(async () => {
  await session?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

const REMEDIATE_KEYS = { "kms-key-missing-rotation": "remediate" } as const;
const policiesOf = (run: PolicyRun) => new Set(run.violations.map((violation) => violation.policy));

describe("rule selection through the pack process", () => {
  it("publishes every policy's controls as its tags in GetAnalyzerInfo, each in the vocabulary", async () => {
    const run = await session.analyze(resources, context);
    expect(run.rules.length).toBeGreaterThan(80);
    for (const rule of run.rules) {
      expect({ rule: rule.name, tags: rule.tags }).toEqual({ rule: rule.name, tags: [...controlsOf(rule.name)] });
      expect(rule.tags.length).toBeGreaterThan(0);
      expect(rule.tags.filter((tag) => !isControlId(tag))).toEqual([]);
    }
  });

  it("without selection config, every rule runs and remediates", async () => {
    const run = await session.analyze(resources, context, REMEDIATE_KEYS);
    expect(run.remediations.map((item) => item.policy)).toEqual(["kms-key-missing-rotation"]);
    expect(policiesOf(run)).toContain("pod-disallow-privileged-containers");
    expect(policiesOf(run)).not.toContain(SELECTION_POLICY);
  });

  it("a selection from --policy-pack-config turns rules off, remediation included, and says which", async () => {
    const run = await session.analyze(resources, context, { ...REMEDIATE_KEYS, [SELECTION_POLICY]: { severities: ["critical"] } });
    expect(run.remediations).toEqual([]);
    expect(policiesOf(run)).not.toContain("pod-disallow-privileged-containers");
    const [note, ...others] = run.violations.filter((violation) => violation.policy === SELECTION_POLICY);
    expect(others).toEqual([]);
    expect(note.enforcementLevel).toBe("advisory");
    expect(note.message).toMatch(/^The rule selection \(severities critical\) turned off \d+ of \d+ rules; .*kms-key-missing-rotation.*pod-disallow-privileged-containers/);
  });

  it("the same process, reconfigured with no selection, runs every rule again", async () => {
    const run = await session.analyze(resources, context, REMEDIATE_KEYS);
    expect(run.remediations.map((item) => item.policy)).toEqual(["kms-key-missing-rotation"]);
    expect(policiesOf(run)).toContain("pod-disallow-privileged-containers");
  });

  it("refuses an unknown framework or severity before any rule runs, naming the value and what is allowed", async () => {
    await expect(session.analyze(resources, context, { [SELECTION_POLICY]: { frameworks: ["pci-dss"] } })).rejects.toThrow(PolicyConfigError);
    await expect(session.analyze(resources, context, { [SELECTION_POLICY]: { severities: ["urgent"] } })).rejects.toThrow(
      `${SELECTION_POLICY}: config/severities/0 must be equal to one of the allowed values (got "urgent"; allowed: low, medium, high, critical)`,
    );
  });
});
