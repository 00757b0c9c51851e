import type { RegisteredResource } from "../../tools/plan/runProgram";
import { PolicyConfigError } from "../../tools/analyzer/policyConfig";
import { PolicyPackSession } from "../../tools/analyzer/runPolicies";
import type { StackContext } from "../../tools/analyzer/requests";
import { extraResource, PACK_DIR, runRepoStack } from "../support/stackRun";

const SECRET_SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

let session: PolicyPackSession;
let resources: RegisteredResource[];
let context: StackContext;
let stackUrn: string;

beforeAll(async () => {
  ({ run: { resources }, context } = await runRepoStack("dev", "update"));
  stackUrn = resources.find((r) => r.type === "pulumi:pulumi:Stack")!.urn;
  session = await PolicyPackSession.start(PACK_DIR);
}, 120_000);

afterAll(() => session?.stop());

/** A changed resource as the engine would see it: new inputs, and outputs that reflect them. */
const changed = (resource: RegisteredResource, inputs: Record<string, unknown>): RegisteredResource => ({ ...resource, inputs, outputs: { ...resource.outputs, ...inputs } });
const mandatory = (violations: { enforcementLevel: string; policy: string }[]) => violations.filter((v) => v.enforcementLevel === "mandatory");
const privilegedPod = () => extraResource(stackUrn, "kubernetes:core/v1:Pod", "debug", {
  apiVersion: "v1", kind: "Pod", metadata: { name: "debug", namespace: "vision" },
  spec: { containers: [{ name: "shell", image: "busybox", securityContext: { privileged: true } }] },
});

describe("the ml-guard pack over the Analyzer protocol, dev stack as after pulumi up", () => {
  it("reports nothing at all: every value is known and compliant", async () => {
    expect((await session.analyze(resources, context)).violations).toEqual([]);
  });

  it("blocks a weakened copy: a bucket without SSE and a privileged pod", async () => {
    const weakened = [...resources.filter((r) => r.name !== "ml-dev-datasets-sse"), privilegedPod()];
    const found = mandatory((await session.analyze(weakened, context)).violations);
    const datasets = resources.find((r) => r.name === "ml-dev-datasets" && r.type === "aws:s3/bucket:Bucket")!.urn;
    expect(found).toContainEqual(expect.objectContaining({ policy: "s3-bucket-missing-kms-encryption", urn: datasets }));
    expect(found).toContainEqual(expect.objectContaining({ policy: "pod-disallow-privileged-containers", urn: expect.stringContaining("Pod::debug") }));
  });

  it("blocks a bucket whose encryption was switched to SSE-S3 and a key whose rotation was turned off", async () => {
    const weakened = resources.map((r) => {
      if (r.name === "ml-dev-datasets-sse") return changed(r, { ...r.inputs, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] });
      if (r.name === "ml-dev-datasets-key") return changed(r, { ...r.inputs, enableKeyRotation: false });
      return r;
    });
    const policies = mandatory((await session.analyze(weakened, context)).violations).map((v) => v.policy);
    expect(policies).toEqual(expect.arrayContaining(["s3-encryption-disallow-non-kms", "kms-key-missing-rotation"]));
  });

  it("blocks a weakened Vault: a role open to every namespace, a static-token store, no audit device, a stale refresh", async () => {
    const weakened = resources.filter((r) => r.type !== "vault:index/audit:Audit").map((r) => {
      if (r.name === "ml-dev-vault-dev-vision-training-role") return changed(r, { ...r.inputs, boundServiceAccountNamespaces: ["*"] });
      if (r.name === "ml-dev-external-secrets-vision-store") {
        const spec = r.inputs.spec as { provider: { vault: Record<string, unknown> } };
        return changed(r, { ...r.inputs, spec: { provider: { vault: { ...spec.provider.vault, auth: { tokenSecretRef: { name: "root-token", key: "token" } } } } } });
      }
      if (r.name === "ml-dev-external-secrets-nlp-mlflow-db-serving") return changed(r, { ...r.inputs, spec: { ...(r.inputs.spec as object), refreshInterval: "2h" } });
      return r;
    });
    const policies = mandatory((await session.analyze(weakened, context)).violations).map((v) => v.policy);
    expect(policies).toEqual(expect.arrayContaining([
      "vault-auth-role-disallow-wildcard-bindings", "eso-store-require-vault-kubernetes-auth", "vault-audit-device-missing", "eso-refresh-interval-exceeds-lease",
    ]));
  });

  it("sees through Pulumi secrets: a Secret whose data is a secret output is still literal data", async () => {
    const secret = extraResource(stackUrn, "kubernetes:core/v1:Secret", "db", {
      apiVersion: "v1", kind: "Secret", metadata: { name: "db", namespace: "vision" }, stringData: { ...SECRET_SIG, value: { password: "hunter2" } },
    });
    const found = mandatory((await session.analyze([...resources, secret], context)).violations);
    expect(found).toEqual([expect.objectContaining({ policy: "k8s-secret-disallow-literal-data" })]);
    expect(JSON.stringify(found)).not.toContain("hunter2");
  });

  it("remediates a public access block at the remediate level, before analyzing it", async () => {
    const weakened = resources.map((r) => r.name === "ml-dev-datasets-public-access-block" ? changed(r, { ...r.inputs, restrictPublicBuckets: false }) : r);
    const asIs = await session.analyze(weakened, context);
    expect(mandatory(asIs.violations).map((v) => v.policy)).toContain("s3-public-access-block-disallow-disabled-flags");
    const remediated = await session.analyze(weakened, context, { "s3-public-access-block-disallow-disabled-flags": "remediate" });
    expect(remediated.remediations).toEqual([{ policy: "s3-public-access-block-disallow-disabled-flags", urn: expect.stringContaining("ml-dev-datasets-public-access-block") }]);
    expect(remediated.violations.filter((v) => v.policy === "s3-public-access-block-disallow-disabled-flags")).toEqual([]);
  });

  it("takes policy config as --policy-pack-config does: levels, properties, and the all key", async () => {
    const weakened = [...resources, privilegedPod()];
    const advisory = await session.analyze(weakened, context, { all: "advisory" });
    expect(mandatory(advisory.violations)).toEqual([]);
    expect(advisory.violations.length).toBeGreaterThan(0);
    const exempted = await session.analyze(weakened, context, { "pod-disallow-privileged-containers": { exemptNamespaces: ["vision"] } });
    expect(exempted.violations.map((v) => v.policy)).not.toContain("pod-disallow-privileged-containers");
    const disabled = await session.analyze(weakened, context, { "pod-require-pinned-images": "disabled" });
    expect(disabled.violations.map((v) => v.policy)).not.toContain("pod-require-pinned-images");
    expect(disabled.violations.map((v) => v.policy)).toContain("pod-disallow-privileged-containers");
  });

  it("refuses config for unknown policies or with properties outside a policy's schema", async () => {
    await expect(session.analyze(resources, context, { "no-such-policy": "advisory" })).rejects.toThrow(PolicyConfigError);
    await expect(session.analyze(resources, context, { "kms-key-deletion-window-too-short": { minDeletionWindowDays: 3 } })).rejects.toThrow("must be >= 7");
    await expect(session.analyze(resources, context, { "pod-restrict-image-registries": { allowedRegistries: "docker.io" } })).rejects.toThrow("must be array");
  });
});
