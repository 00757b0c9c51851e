/** workload-unreadable-pod-template: no document that carries pods passes without a rule having read them. */
import { advisories, enforced, messages, UNKNOWN, validateResource } from "../support/policyArgs";
import { compliantPodSpec, workloadKinds } from "../support/workloads";

const RULE = "workload-unreadable-pod-template";
const meta = { name: "w", namespace: "vision" };
const check = (type: string, props: Record<string, unknown>, config = {}) => validateResource(RULE, type, props, config);

describe(RULE, () => {
  it.each(workloadKinds(compliantPodSpec()))("passes a well-formed %s", (_kind, type, props) => {
    expect(check(type, props)).toEqual([]);
  });

  it("passes objects that carry no pods, and a TrainJob that only names its runtime", () => {
    expect(check("kubernetes:core/v1:ConfigMap", { metadata: meta, data: { containers: "[{}]" } })).toEqual([]);
    // A CRD's schema describes containers without being one.
    const crd = { metadata: { name: "x" }, spec: { versions: [{ schema: { openAPIV3Schema: { properties: { containers: { type: "array", items: { type: "object" } } } } } }] } };
    expect(check("kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition", crd)).toEqual([]);
    expect(check("kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob", { metadata: meta, spec: { runtimeRef: { name: "torch-distributed" }, trainer: { numNodes: 2 } } })).toEqual([]);
  });

  // FACT: extensions/v1beta1 and apps/v1beta1-2 Deployment, DaemonSet, ReplicaSet (and StatefulSet) stopped being
  // served in Kubernetes 1.16, batch/v1beta1 CronJob in 1.25: kubernetes.io/docs/reference/using-api/deprecation-guide.
  it.each([
    ["kubernetes:extensions/v1beta1:DaemonSet", "extensions/v1beta1 DaemonSet is not served since Kubernetes 1.16; write it as apps/v1"],
    ["kubernetes:apps/v1beta2:StatefulSet", "apps/v1beta2 StatefulSet is not served since Kubernetes 1.16; write it as apps/v1"],
  ])("refuses %s and still has every pod rule read its template", (type, message) => {
    const spec = compliantPodSpec();
    spec.containers[0].securityContext.privileged = true;
    const props = { metadata: meta, spec: { template: { spec } } };
    expect(messages(enforced(check(type, props)))).toEqual([`apiVersion: ${message}: the API server refuses it`]);
    expect(messages(enforced(validateResource("pod-disallow-privileged-containers", type, props)))).toEqual([expect.stringContaining("spec.template.spec.containers[0].securityContext.privileged")]);
  });

  it("refuses a batch/v1beta1 CronJob", () => {
    const props = { metadata: meta, spec: { jobTemplate: { spec: { template: { spec: compliantPodSpec() } } } } };
    expect(messages(enforced(check("kubernetes:batch/v1beta1:CronJob", props)))).toEqual([expect.stringContaining("batch/v1beta1 CronJob is not served since Kubernetes 1.25")]);
  });

  it("refuses a kind it cannot place, at each pod spec it carries, wherever it is", () => {
    const props = { metadata: meta, spec: { predictor: { server: { containers: [{ name: "m", image: "x" }] } }, replicas: [{ pod: { containers: [{ name: "w" }] } }] } };
    expect(messages(enforced(check("kubernetes:example.com/v1:ModelServer", props)))).toEqual([
      "spec.predictor.server: ModelServer (example.com/v1) carries containers here in a pod template ml-guard cannot place, so no pod rule (Pod Security, images, ServiceAccount, secrets...) checked the pods it creates; use a workload kind ml-guard reads, or have its walker taught this kind",
      expect.stringContaining("spec.replicas[0].pod: ModelServer (example.com/v1) carries containers here"),
    ]);
  });

  it.each([
    ["a Pod whose containers are an object", "kubernetes:core/v1:Pod", { metadata: meta, spec: { containers: { name: "main" } } }, "spec.containers: containers is an object, not a list of containers"],
    ["a Deployment with no template", "kubernetes:apps/v1:Deployment", { metadata: meta, spec: { replicas: 1 } }, "spec.template: the pod template is missing"],
    ["a Pod that lists no containers", "kubernetes:core/v1:Pod", { metadata: meta, spec: { containers: [] } }, "spec.containers: the pod spec lists no containers"],
  ])("refuses %s, saying what is wrong", (_case, type, props, start) => {
    expect(messages(enforced(check(type, props)))).toEqual([`${start}: the pod template is malformed, so no pod rule (Pod Security, images, ServiceAccount, secrets...) checked the pods it creates`]);
  });

  it("reports an Argo podSpecPatch and a TrainJob's pod patches as advisory, once each", () => {
    const workflow = { metadata: meta, spec: { podSpecPatch: '{"hostNetwork": true}', templates: [{ name: "a", container: compliantPodSpec().containers[0] }, { name: "b", script: { ...compliantPodSpec().containers[0], source: "x" } }] } };
    const reported = check("kubernetes:argoproj.io/v1alpha1:Workflow", workflow);
    expect(enforced(reported)).toEqual([]);
    expect(messages(advisories(reported))).toEqual(["spec.podSpecPatch: podSpecPatch rewrites the pod after ml-guard reads it, so no rule can vouch for the result; review it by hand"]);
    const trainJob = { metadata: meta, spec: { runtimeRef: { name: "torch" }, podTemplateOverrides: [{ targetJobs: [{ name: "node" }], spec: { volumes: [{ name: "h", hostPath: { path: "/" } }] } }] } };
    expect(messages(advisories(check("kubernetes:trainer.kubeflow.org/v1alpha1:TrainJob", trainJob)))).toEqual([expect.stringContaining("spec.podTemplateOverrides: podTemplateOverrides patches the pods of the training runtime")]);
  });

  it("leaves unknown parts to the pod rules' own preview findings, and skips exempt namespaces", () => {
    expect(check("kubernetes:apps/v1:Deployment", { metadata: meta, spec: { template: UNKNOWN } })).toEqual([]);
    expect(check("kubernetes:apps/v1:Deployment", { metadata: meta, spec: { template: { spec: UNKNOWN } } })).toEqual([]);
    expect(check("kubernetes:core/v1:Pod", { metadata: { ...meta, namespace: "kube-system" }, spec: { containers: {} } })).toEqual([]);
  });
});
