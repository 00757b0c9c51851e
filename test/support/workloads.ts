/** Fixtures: a pod spec that passes every workload rule, and the workload kinds that carry it. */

export const PINNED_IMAGE = "123456789012.dkr.ecr.us-west-2.amazonaws.com/ml/trainer@sha256:" + "a".repeat(64);

export function compliantContainer(name = "main"): Record<string, any> {
  return {
    name,
    image: PINNED_IMAGE,
    resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } },
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
  };
}

export function compliantPodSpec(): Record<string, any> {
  return {
    serviceAccountName: "training",
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
    initContainers: [compliantContainer("init")],
    containers: [compliantContainer("main")],
    volumes: [{ name: "scratch", emptyDir: {} }],
  };
}

export const servingLabels = { "mlops.io/role": "serving", "mlops.io/model-name": "fraud", "mlops.io/model-version": "3" };

/** The same pod spec wrapped in each kind of workload, with the path prefix of its pod spec. */
export function workloadKinds(spec: Record<string, any>, labels: Record<string, string> = {}): [string, string, Record<string, unknown>, string][] {
  const template = { metadata: { labels }, spec };
  const meta = { name: "w", namespace: "vision", labels };
  return [
    ["Pod", "kubernetes:core/v1:Pod", { metadata: meta, spec }, "spec"],
    ["Deployment", "kubernetes:apps/v1:Deployment", { metadata: meta, spec: { template } }, "spec.template.spec"],
    ["StatefulSet", "kubernetes:apps/v1:StatefulSet", { metadata: meta, spec: { template } }, "spec.template.spec"],
    ["DaemonSet", "kubernetes:apps/v1:DaemonSet", { metadata: meta, spec: { template } }, "spec.template.spec"],
    ["Job", "kubernetes:batch/v1:Job", { metadata: meta, spec: { template } }, "spec.template.spec"],
    ["CronJob", "kubernetes:batch/v1:CronJob", { metadata: meta, spec: { jobTemplate: { spec: { template } } } }, "spec.jobTemplate.spec.template.spec"],
    ["PyTorchJob", "kubernetes:kubeflow.org/v1:PyTorchJob", { metadata: meta, spec: { pytorchReplicaSpecs: { Worker: { replicas: 2, template } } } }, "spec.pytorchReplicaSpecs.Worker.template.spec"],
    ["TFJob", "kubernetes:kubeflow.org/v1:TFJob", { metadata: meta, spec: { tfReplicaSpecs: { Chief: { template } } } }, "spec.tfReplicaSpecs.Chief.template.spec"],
    ["InferenceService", "kubernetes:serving.kserve.io/v1beta1:InferenceService", { metadata: meta, spec: { predictor: spec } }, "spec.predictor"],
  ];
}
