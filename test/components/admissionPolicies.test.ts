import { run } from "@bufbuild/cel";
import * as pulumi from "@pulumi/pulumi";
import { installRecordingMocks, settle, single, valueOf } from "../support/pulumiMocks";
import { validateKubernetesObject } from "../support/kubernetesSchemas";
import { compliantPodSpec, servingLabels } from "../support/workloads";

const created = installRecordingMocks();

import { AdmissionPolicies } from "../../components/admission/admissionPolicies";

const admission = new AdmissionPolicies("admission", { allowedRegistries: ["*.dkr.ecr.*.amazonaws.com", "nvcr.io/nvidia"] });

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

  it("require model labels on serving pods and InferenceServices only", () => {
    const labels = policy("admission-ml-guard-serving-model-labels").spec;
    expect(admits(labels, pod(compliantPodSpec(), servingLabels))).toBe(true);
    expect(admits(labels, pod(compliantPodSpec(), { "mlops.io/role": "serving", "mlops.io/model-name": "fraud" }))).toBe(false);
    expect(admits(labels, pod(compliantPodSpec(), { "mlops.io/role": "training" }))).toBe("not matched");
    expect(admits(labels, { apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", metadata: { name: "m" }, spec: {} })).toBe(false);
    expect(admits(labels, { apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", metadata: { name: "m", labels: { "mlops.io/model-name": "m", "mlops.io/model-version": "" } }, spec: {} })).toBe(false);
  });

  it("bind to team namespaces, deny and audit", () => {
    const binding = single(created, "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding", "admission-ml-guard-pinned-images-binding").inputs;
    expect(binding.spec).toMatchObject({ policyName: "ml-guard-pinned-images", validationActions: ["Deny", "Audit"], matchResources: { namespaceSelector: { matchExpressions: [{ key: "mlops.io/team", operator: "Exists" }] } } });
  });

  it("are valid against the published Kubernetes schemas", () => {
    const objects = created.filter((r) => r.type.startsWith("kubernetes:admissionregistration"));
    expect(objects).toHaveLength(4);
    for (const resource of objects) expect(() => validateKubernetesObject(resource.inputs as never)).not.toThrow();
  });
});
