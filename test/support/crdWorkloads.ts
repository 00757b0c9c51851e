/**
 * The compliant pod spec of test/support/workloads.ts written into each workload CRD ml-guard walks,
 * at the CRD's own paths (the upstream facts are in test/policies/lib/podTemplates.test.ts).
 */

type Spec = Record<string, any>;

/** An Argo template runs one pod: its containers move to a containerSet, pod-level fields to the template. */
function argoTemplate(spec: Spec, labels: Record<string, string>, annotations: Record<string, string>): Spec {
  const { containers = [], initContainers, ephemeralContainers = [], securityContext, serviceAccountName, automountServiceAccountToken, volumes } = spec;
  return {
    name: "train",
    metadata: { labels, annotations },
    // Argo has no ephemeral containers: the fixture runs them as sidecars, which are containers of the pod too.
    containerSet: { containers },
    ...(initContainers ? { initContainers } : {}),
    ...(ephemeralContainers.length > 0 ? { sidecars: ephemeralContainers } : {}),
    securityContext, serviceAccountName, automountServiceAccountToken, volumes,
  };
}

/**
 * [kind, Pulumi type token, props] for every CRD kind, each carrying `spec` as its (only) pod, with
 * `labels` and `annotations` on the pod (a Notebook's pods get its labels only: no annotations).
 */
export function crdWorkloadKinds(spec: Spec, labels: Record<string, string> = {}, annotations: Record<string, string> = {}): [string, string, Record<string, unknown>][] {
  const template = { metadata: { labels, annotations }, spec };
  const meta = { name: "w", namespace: "vision", labels };
  const replicatedJobs = [{ name: "node", replicas: 1, template: { spec: { template } } }];
  const rayCluster = { headGroupSpec: { rayStartParams: {}, template } };
  const workflow = { entrypoint: "train", templates: [{ name: "main", steps: [[{ name: "s", template: "train" }]] }, argoTemplate(spec, labels, annotations)] };
  return [
    ["JobSet", "kubernetes:jobset.x-k8s.io/v1alpha2:JobSet", { metadata: meta, spec: { replicatedJobs } }],
    ["TrainingRuntime", "kubernetes:trainer.kubeflow.org/v1alpha1:TrainingRuntime", { metadata: meta, spec: { template: { spec: { replicatedJobs } } } }],
    ["ClusterTrainingRuntime", "kubernetes:trainer.kubeflow.org/v1alpha1:ClusterTrainingRuntime", { metadata: { name: "w", labels }, spec: { template: { spec: { replicatedJobs } } } }],
    ["LeaderWorkerSet", "kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet", { metadata: meta, spec: { leaderWorkerTemplate: { size: 2, workerTemplate: template } } }],
    ["RayCluster", "kubernetes:ray.io/v1:RayCluster", { metadata: meta, spec: rayCluster }],
    ["RayJob", "kubernetes:ray.io/v1:RayJob", { metadata: meta, spec: { entrypoint: "python train.py", rayClusterSpec: rayCluster } }],
    ["RayService", "kubernetes:ray.io/v1:RayService", { metadata: meta, spec: { rayClusterConfig: rayCluster } }],
    ["Workflow", "kubernetes:argoproj.io/v1alpha1:Workflow", { metadata: meta, spec: workflow }],
    ["WorkflowTemplate", "kubernetes:argoproj.io/v1alpha1:WorkflowTemplate", { metadata: meta, spec: workflow }],
    ["ClusterWorkflowTemplate", "kubernetes:argoproj.io/v1alpha1:ClusterWorkflowTemplate", { metadata: { name: "w", labels }, spec: workflow }],
    ["CronWorkflow", "kubernetes:argoproj.io/v1alpha1:CronWorkflow", { metadata: meta, spec: { schedules: ["0 * * * *"], workflowSpec: workflow } }],
    ["ServingRuntime", "kubernetes:serving.kserve.io/v1alpha1:ServingRuntime", { metadata: meta, spec: { supportedModelFormats: [{ name: "sklearn" }], ...spec, labels, annotations } }],
    ["ClusterServingRuntime", "kubernetes:serving.kserve.io/v1alpha1:ClusterServingRuntime", { metadata: { name: "w" }, spec: { supportedModelFormats: [{ name: "sklearn" }], ...spec, labels, annotations } }],
    ["Notebook", "kubernetes:kubeflow.org/v1:Notebook", { metadata: meta, spec: { template: { spec } } }],
    ["DeploymentConfig", "kubernetes:apps.openshift.io/v1:DeploymentConfig", { metadata: meta, spec: { replicas: 1, template } }],
  ];
}
