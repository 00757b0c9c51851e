/**
 * Every pod rule applies to the pod templates of the workload CRDs ML teams run, through the one
 * walker, with the template's own paths in findings.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { policies } from "../../policypacks/ml-guard/policies";
import { crdWorkloadKinds } from "../support/crdWorkloads";
import { enforced, messages, validateResourceAsync } from "../support/policyArgs";
import { compliantPodSpec, servingLabels } from "../support/workloads";

const SHA = { "mlops.io/model-sha256": "a".repeat(64) };
const resourceRules = policies.filter((policy): policy is ResourceValidationPolicy => "validateResource" in policy).map((policy) => policy.name);

describe("workload CRDs", () => {
  const enforcedByAnyRule = async (type: string, props: Record<string, unknown>) =>
    (await Promise.all(resourceRules.map((rule) => validateResourceAsync(rule, type, props)))).flatMap((found) => messages(enforced(found)));

  it.each(crdWorkloadKinds(compliantPodSpec()))("a compliant training %s passes every resource rule", async (_kind, type, props) => {
    expect(await enforcedByAnyRule(type, props)).toEqual([]);
  });

  it.each(crdWorkloadKinds(compliantPodSpec(), servingLabels, SHA).filter(([kind]) => kind !== "Notebook"))("a compliant serving %s passes every resource rule", async (_kind, type, props) => {
    expect(await enforcedByAnyRule(type, props)).toEqual([]);
  });
});

/**
 * Where each CRD keeps the containers of its (first) pod, as upstream defines the types:
 * FACT: JobSet spec.replicatedJobs[].template is a batchv1.JobTemplateSpec (its pod template at
 *   .spec.template): kubernetes-sigs/jobset api/jobset/v1alpha2/jobset_types.go ReplicatedJob.Template, v0.8.
 * FACT: TrainingRuntime and ClusterTrainingRuntime spec.template is a JobSetTemplateSpec (spec.replicatedJobs[]):
 *   kubeflow/trainer pkg/apis/trainer/v1alpha1/trainingruntime_types.go TrainingRuntimeSpec.Template, v2.0/v2.1
 *   (unchanged at commit ec2c640789b4ba1580c286d1639ef39e5921936f).
 * FACT: LeaderWorkerSet spec.leaderWorkerTemplate.leaderTemplate (*PodTemplateSpec, optional) and
 *   .workerTemplate (PodTemplateSpec): kubernetes-sigs/lws api/leaderworkerset/v1/leaderworkerset_types.go, v0.7.
 * FACT: RayCluster spec.headGroupSpec.template and spec.workerGroupSpecs[].template (PodTemplateSpec); RayJob
 *   spec.rayClusterSpec (a RayClusterSpec) and spec.submitterPodTemplate; RayService spec.rayClusterConfig:
 *   ray-project/kuberay ray-operator/apis/ray/v1/{raycluster,rayjob,rayservice}_types.go, v1.4
 *   (rayjob_types.go at commit 0057210ed5a94e830c864af372577328c3542b44).
 * FACT: Argo Template has container (*Container), script (ScriptTemplate, a Container plus source), containerSet
 *   (.containers), initContainers and sidecars ([]UserContainer), volumes; a template's pod securityContext wins
 *   over the workflow's (`if tmpl.SecurityContext != nil ... else if wfSpec.SecurityContext != nil`):
 *   argoproj/argo-workflows pkg/apis/workflow/v1alpha1/workflow_types.go Template and
 *   workflow/controller/workflowpod.go, v3.6/v3.7; CronWorkflow spec.workflowSpec is a WorkflowSpec.
 * FACT: ServingRuntimeSpec inlines ServingRuntimePodSpec (containers, volumes, labels, annotations, pod fields)
 *   and has workerSpec for multi-node runtimes: kserve/kserve pkg/apis/serving/v1alpha1/servingruntime_types.go, v0.15-v0.20.
 * FACT: Notebook spec.template.spec is a PodSpec; the controller copies the Notebook's labels (not its
 *   annotations) to the pod: kubeflow/kubeflow components/notebook-controller controllers/notebook_controller.go
 *   generateStatefulSet ("copy all of the Notebook labels to the pod"), v1.9.
 * FACT: OpenShift DeploymentConfigSpec.Template is a *corev1.PodTemplateSpec: openshift/api apps/v1/types.go, 4.x.
 */
const CONTAINER_PATHS: Record<string, string> = {
  JobSet: "spec.replicatedJobs[0].template.spec.template.spec.containers[0]",
  TrainingRuntime: "spec.template.spec.replicatedJobs[0].template.spec.template.spec.containers[0]",
  ClusterTrainingRuntime: "spec.template.spec.replicatedJobs[0].template.spec.template.spec.containers[0]",
  LeaderWorkerSet: "spec.leaderWorkerTemplate.workerTemplate.spec.containers[0]",
  RayCluster: "spec.headGroupSpec.template.spec.containers[0]",
  RayJob: "spec.rayClusterSpec.headGroupSpec.template.spec.containers[0]",
  RayService: "spec.rayClusterConfig.headGroupSpec.template.spec.containers[0]",
  Workflow: "spec.templates[1].containerSet.containers[0]",
  WorkflowTemplate: "spec.templates[1].containerSet.containers[0]",
  ClusterWorkflowTemplate: "spec.templates[1].containerSet.containers[0]",
  CronWorkflow: "spec.workflowSpec.templates[1].containerSet.containers[0]",
  ServingRuntime: "spec.containers[0]",
  ClusterServingRuntime: "spec.containers[0]",
  Notebook: "spec.template.spec.containers[0]",
  DeploymentConfig: "spec.template.spec.containers[0]",
};

describe("findings in workload CRDs name the template's own paths", () => {
  it.each(crdWorkloadKinds(compliantPodSpec()).map(([kind, type]) => [kind, type]))("a privileged container of a %s", async (kind, type) => {
    const spec = compliantPodSpec();
    spec.containers[0].securityContext.privileged = true;
    const [, , props] = crdWorkloadKinds(spec).find(([candidate]) => candidate === kind)!;
    expect(messages(enforced(await validateResourceAsync("pod-disallow-privileged-containers", type, props)))).toEqual([
      `${CONTAINER_PATHS[kind]}.securityContext.privileged: container "main" is privileged (all host devices and capabilities); set privileged to false`,
    ]);
  });

  it.each(crdWorkloadKinds(compliantPodSpec()).map(([kind, type]) => [kind, type]))("a hostPath volume and a mutable image in a %s", async (kind, type) => {
    const spec = compliantPodSpec();
    spec.volumes.push({ name: "node", hostPath: { path: "/" } });
    spec.initContainers[0].image = "nvcr.io/nvidia/pytorch:24.01";
    const [, , props] = crdWorkloadKinds(spec).find(([candidate]) => candidate === kind)!;
    const specPath = CONTAINER_PATHS[kind].replace(/\.(containerSet\.)?containers\[0\]$/, "");
    expect(messages(enforced(await validateResourceAsync("pod-disallow-host-path", type, props)))).toEqual([
      expect.stringMatching(new RegExp(`^${specPath.replace(/[.[\]]/g, "\\$&")}\\.volumes\\[1\\]\\.hostPath: volume "node" mounts a path of the node`)),
    ]);
    expect(messages(enforced(await validateResourceAsync("pod-require-pinned-images", type, props)))).toEqual([
      expect.stringContaining(`${specPath}.initContainers[0].image: initContainer "init" uses "nvcr.io/nvidia/pytorch:24.01", tag 24.01`),
    ]);
  });

  it.each(crdWorkloadKinds(compliantPodSpec()).map(([kind, type]) => [kind, type]))("a %s running as the default ServiceAccount with no pod securityContext", async (kind, type) => {
    const spec = compliantPodSpec();
    delete spec.serviceAccountName;
    delete spec.securityContext;
    const [, , props] = crdWorkloadKinds(spec).find(([candidate]) => candidate === kind)!;
    expect(enforced(await validateResourceAsync("pod-disallow-default-service-account", type, props))).toHaveLength(1);
    expect(enforced(await validateResourceAsync("pod-require-run-as-non-root", type, props)).length).toBeGreaterThan(0);
    expect(enforced(await validateResourceAsync("pod-require-seccomp-profile", type, props)).length).toBeGreaterThan(0);
  });
});
