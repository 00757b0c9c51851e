import { run } from "@bufbuild/cel";
import * as pulumi from "@pulumi/pulumi";
import { installRecordingMocks, settle, single, valueOf } from "../support/pulumiMocks";
import { validateKubernetesObject } from "../support/kubernetesSchemas";
import { compliantPodSpec, servingLabels } from "../support/workloads";

const created = installRecordingMocks();

import { AdmissionPolicies } from "../../components/admission/admissionPolicies";

/** The aliases each child is registered with, as a transformation sees its options. */
const aliasesByName = new Map<string, unknown[]>();
const admission = new AdmissionPolicies("admission", { allowedRegistries: ["*.dkr.ecr.*.amazonaws.com", "nvcr.io/nvidia"] }, {
  transformations: [(args) => {
    aliasesByName.set(args.name, args.opts.aliases ?? []);
    return undefined;
  }],
});

type Policy = { metadata: { name: string }; spec: { variables?: { name: string; expression: string }[]; matchConditions?: { expression: string }[]; validations: { expression: string }[] } };
const policy = (name: string) => single(created, "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy", name).inputs as Policy;

/** JSON as CEL sees a Kubernetes object: objects become maps. */
const toCel = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(toCel) : value !== null && typeof value === "object" ? new Map(Object.entries(value).map(([key, inner]) => [key, toCel(inner)])) : value;

/** Evaluates a policy the way the API server does: match conditions, then variables, then every validation. */
function admits(spec: Policy["spec"], object: unknown): boolean | "not matched" {
  const activation: Record<string, unknown> = { object: toCel(object) };
  if ((spec.matchConditions ?? []).some((condition) => run(condition.expression, activation as never) !== true)) return "not matched";
  const variables = new Map<string, unknown>();
  for (const variable of spec.variables ?? []) variables.set(variable.name, run(variable.expression, { ...activation, variables } as never));
  return spec.validations.every((validation) => run(validation.expression, { ...activation, variables } as never) === true);
}

const pod = (spec: Record<string, any>, labels: Record<string, string> = {}) => ({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "vision", labels }, spec });

beforeAll(async () => {
  await valueOf(pulumi.output(admission.urn));
  await settle();
});

describe("in-cluster admission policies", () => {
  const images = () => policy("admission-ml-guard-pinned-images").spec;

  it("admit a pod whose every container is pinned and from an allowed registry", () => {
    const spec = compliantPodSpec();
    spec.initContainers[0].image = `nvcr.io/nvidia/pytorch@sha256:${"c".repeat(64)}`;
    expect(admits(images(), pod(spec))).toBe(true);
  });

  it.each([
    ["a tag instead of a digest", (s: any) => (s.containers[0].image = "nvcr.io/nvidia/pytorch:24.01")],
    ["an unpinned init container", (s: any) => (s.initContainers[0].image = "nvcr.io/nvidia/pytorch:latest")],
    ["an unpinned ephemeral container", (s: any) => (s.ephemeralContainers = [{ name: "debug", image: "busybox" }])],
    ["Docker Hub", (s: any) => (s.containers[0].image = `nginx@sha256:${"d".repeat(64)}`)],
    ["a look-alike registry", (s: any) => (s.containers[0].image = `nvcr.io.evil.com/nvidia/x@sha256:${"d".repeat(64)}`)],
    ["a repository outside the allowed prefix", (s: any) => (s.containers[0].image = `nvcr.io/someone/x@sha256:${"d".repeat(64)}`)],
  ])("deny %s", (_case, mutate) => {
    const spec = compliantPodSpec();
    mutate(spec);
    expect(admits(images(), pod(spec))).toBe(false);
  });

  it("require model labels and the artifact SHA-256 on serving pods and InferenceServices only", () => {
    const pods = policy("admission-ml-guard-serving-pods").spec;
    const inferenceServices = policy("admission-ml-guard-serving-inferenceservices").spec;
    const sha = { "mlops.io/model-sha256": "f".repeat(64) };
    const annotated = (labels: Record<string, string>) => ({ ...pod(compliantPodSpec(), labels), metadata: { name: "p", namespace: "vision", labels, annotations: sha } });
    const isvc = (metadata: Record<string, unknown>) => ({ apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", metadata: { name: "m", ...metadata }, spec: {} });
    expect(admits(pods, annotated(servingLabels))).toBe(true);
    expect(admits(pods, pod(compliantPodSpec(), servingLabels))).toBe(false);
    expect(admits(pods, annotated({ "mlops.io/role": "serving", "mlops.io/model-name": "fraud" }))).toBe(false);
    expect(admits(pods, pod(compliantPodSpec(), { "mlops.io/role": "training" }))).toBe("not matched");
    expect(admits(inferenceServices, isvc({}))).toBe(false);
    expect(admits(inferenceServices, isvc({ labels: { "mlops.io/model-name": "m", "mlops.io/model-version": "" }, annotations: sha }))).toBe(false);
    expect(admits(inferenceServices, isvc({ labels: { "mlops.io/model-name": "m", "mlops.io/model-version": "1" }, annotations: sha }))).toBe(true);
  });

  it("bind to team namespaces outside ml-guard's exempt ones, deny and audit", () => {
    const bindings = created.filter((r) => r.type === "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding");
    expect(bindings.length).toBeGreaterThan(1);
    for (const binding of bindings) {
      expect(binding.inputs.spec).toEqual({
        policyName: binding.inputs.metadata.name,
        validationActions: ["Deny", "Audit"],
        matchResources: { namespaceSelector: { matchExpressions: [{ key: "mlops.io/team", operator: "Exists" }, { key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system", "kube-public", "kube-node-lease"] }] } },
      });
    }
  });

  it("keep the history of the former serving policy: the pods' serving policy and its binding alias ml-guard-serving-model-labels", () => {
    // The Kubernetes provider adds aliases of its own (older API versions of the type); ours rename.
    const renamedFrom = (name: string) => (aliasesByName.get(name) ?? []).filter((alias) => typeof alias === "object" && alias !== null && "name" in alias);
    expect(renamedFrom("admission-ml-guard-serving-pods")).toEqual([{ name: "admission-ml-guard-serving-model-labels" }]);
    expect(renamedFrom("admission-ml-guard-serving-pods-binding")).toEqual([{ name: "admission-ml-guard-serving-model-labels-binding" }]);
    expect(renamedFrom("admission-ml-guard-serving-workloads")).toEqual([]);
  });

  it("are valid against the published Kubernetes schemas", () => {
    const objects = created.filter((r) => r.type.startsWith("kubernetes:admissionregistration"));
    const names = (type: string) => objects.filter((r) => r.type.endsWith(`:${type}`)).map((r) => r.inputs.metadata.name).sort();
    // One binding per policy, of the same name; the pinned-images policy and ml-guard's other rules for pods, workloads and CronJobs.
    expect(names("ValidatingAdmissionPolicyBinding")).toEqual(names("ValidatingAdmissionPolicy"));
    expect(names("ValidatingAdmissionPolicy")).toEqual(expect.arrayContaining(["ml-guard-pinned-images", "ml-guard-read-only-root-filesystem-pods", "ml-guard-api-token-workloads", "ml-guard-serving-cronjobs", "ml-guard-serviceaccount-token-automount"]));
    for (const resource of objects) expect(() => validateKubernetesObject(resource.inputs as never)).not.toThrow();
  });
});
