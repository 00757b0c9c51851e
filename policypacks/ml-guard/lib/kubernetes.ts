import * as crd from "./crdPodTemplates";
import { memoizedByText } from "./memo";
import { containerView, podView, templateView } from "./podViews";
import { asArray, asRecord, asString, isRecord, isUnknown } from "./values";

/** `kubernetes:apps/v1:Deployment` -> group `apps`, version `v1`, kind `Deployment` (core group is ""). */
export interface KubernetesType {
  group: string;
  version: string;
  kind: string;
}

/** Parsed once per type token: every rule asks for the type of every resource, and a stack has few distinct types. */
export const parseKubernetesType = memoizedByText((type): Readonly<KubernetesType> | undefined => {
  const match = /^kubernetes:([^:]+):([A-Za-z0-9]+)$/.exec(type);
  if (!match) return undefined;
  const [groupVersion, kind] = [match[1], match[2]];
  const slash = groupVersion.lastIndexOf("/");
  const group = slash < 0 ? "" : groupVersion.slice(0, slash);
  return Object.freeze({ group: group === "core" ? "" : group, version: groupVersion.slice(slash + 1), kind });
});

/** The Pulumi type token of a Kubernetes object given as YAML (apiVersion + kind). */
export function kubernetesTypeToken(apiVersion: string, kind: string): string {
  return `kubernetes:${apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`}:${kind}`;
}

export const isKind = (type: string, group: string, kind: string): boolean => {
  const parsed = parseKubernetesType(type);
  return parsed !== undefined && parsed.group === group && parsed.kind === kind;
};

export type ContainerList = "containers" | "initContainers" | "ephemeralContainers" | "model";

/** A container of a pod template, with where it sits in the resource. */
export interface ContainerView {
  list: ContainerList;
  name: string;
  path: string;
  container: Record<string, unknown>;
}

/** How a message names a container: `container "main"`, `initContainer "init"`, `model container "kserve-container"`. */
export const describeContainer = (view: ContainerView): string =>
  `${view.list === "model" ? "model container" : view.list.replace(/s$/, "")} "${view.name}"`;

/** A pod template found in a workload: its metadata and spec, with their paths in the resource. */
export interface PodView {
  kind: string;
  metadata: Record<string, unknown>;
  metadataPath: string;
  spec: Record<string, unknown>;
  specPath: string;
  containers: ContainerView[];
  /** The namespace of the workload (metadata.namespace of the resource). */
  namespace?: string;
  /** Parts of the template that are unknown until apply, so no rule can vouch for them in preview. */
  unknownPaths: string[];
  /** The metadata of the resource that carries the template (the Deployment's own, not its pods'). */
  workloadMetadata?: Record<string, unknown>;
  /** Parts that make the template unreadable as a pod (wrong types, no containers): what is wrong with each. */
  malformedParts?: PodTemplateProblem[];
  /** Parts no rule can read (e.g. Argo's podSpecPatch), so the pods they produce are not vouched for. */
  uncheckedParts?: PodTemplateProblem[];
}

export interface PodTemplateProblem {
  path: string;
  problem: string;
}

const TEMPLATE_WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"]);
/** Groups that serve (or served) those kinds: extensions/v1beta1 is long removed but still written, so still read. */
const TEMPLATE_WORKLOAD_GROUPS = new Set(["apps", "batch", "", "extensions"]);
/** KServe predictor keys that hold a model server container (the `model` spec or a framework shortcut). */
const KSERVE_MODEL_KEYS = ["model", "sklearn", "xgboost", "tensorflow", "pytorch", "triton", "onnx", "huggingface", "lightgbm", "pmml", "paddle"];
const KSERVE_COMPONENTS = ["predictor", "transformer", "explainer"];

type CrdWalk = (kind: string, spec: Record<string, unknown>, namespace: string | undefined, workloadMetadata: Record<string, unknown>) => PodView[];

/** `group` -> kind -> walker, for the CRDs whose pod templates sit at their own paths. */
const CRD_WALKS: Record<string, Record<string, CrdWalk>> = {
  "jobset.x-k8s.io": { JobSet: crd.jobSetTemplates },
  "trainer.kubeflow.org": { TrainingRuntime: crd.trainingRuntimeTemplates, ClusterTrainingRuntime: crd.trainingRuntimeTemplates },
  "leaderworkerset.x-k8s.io": { LeaderWorkerSet: crd.leaderWorkerTemplates },
  "ray.io": { RayCluster: crd.rayTemplates, RayJob: crd.rayTemplates, RayService: crd.rayTemplates },
  "argoproj.io": { Workflow: crd.argoTemplates, WorkflowTemplate: crd.argoTemplates, ClusterWorkflowTemplate: crd.argoTemplates, CronWorkflow: crd.argoTemplates },
  "serving.kserve.io": { ServingRuntime: crd.servingRuntimeTemplates, ClusterServingRuntime: crd.servingRuntimeTemplates },
  "kubeflow.org": { Notebook: crd.notebookTemplates },
};

function inferenceServiceViews(kind: string, props: Record<string, unknown>, spec: Record<string, unknown>, namespace: string | undefined): PodView[] {
  return KSERVE_COMPONENTS.filter((component) => isRecord(spec[component])).map((component) => {
    const componentSpec = asRecord(spec[component]);
    const specPath = `spec.${component}`;
    const modelContainers = KSERVE_MODEL_KEYS.filter((key) => isRecord(componentSpec[key])).map((key) =>
      containerView("model", componentSpec[key], `${specPath}.${key}`, "kserve-container"));
    // An InferenceService's own metadata is what KServe propagates to the pods it creates.
    return podView({ kind, metadata: props.metadata, metadataPath: "metadata", spec: componentSpec, specPath, namespace, workloadMetadata: asRecord(props.metadata), extra: modelContainers, needsContainers: false });
  });
}

/**
 * Every pod template a resource carries: a Pod itself, the template of Deployments and the like
 * (OpenShift DeploymentConfigs too), a CronJob's job template, each replica of a Kubeflow training
 * job, each KServe InferenceService component (whose model server is a container too), and the
 * templates of the workload CRDs in CRD_WALKS. Empty for anything else.
 */
export function podTemplatesOf(type: string, props: Record<string, unknown>): PodView[] {
  const parsed = parseKubernetesType(type);
  if (!parsed) return [];
  const { kind, group } = parsed;
  const spec = asRecord(props.spec);
  const workloadMetadata = asRecord(props.metadata);
  const namespace = asString(workloadMetadata.namespace);
  if (group === "" && kind === "Pod") return [podView({ kind, metadata: props.metadata, metadataPath: "metadata", spec: props.spec, specPath: "spec", namespace, workloadMetadata })];
  if (group === "" && kind === "PodTemplate") return [templateView(kind, props.template, "template", namespace, workloadMetadata)];
  if ((TEMPLATE_WORKLOADS.has(kind) && TEMPLATE_WORKLOAD_GROUPS.has(group)) || (group === "apps.openshift.io" && kind === "DeploymentConfig")) {
    return [templateView(kind, spec.template, "spec.template", namespace, workloadMetadata)];
  }
  if (kind === "CronJob" && group === "batch") {
    return [templateView(kind, asRecord(asRecord(spec.jobTemplate).spec).template, "spec.jobTemplate.spec.template", namespace, workloadMetadata)];
  }
  const walk = CRD_WALKS[group]?.[kind];
  if (walk) return walk(kind, spec, namespace, workloadMetadata);
  if (group === "kubeflow.org") {
    // PyTorchJob.spec.pytorchReplicaSpecs, TFJob.spec.tfReplicaSpecs, MPIJob.spec.mpiReplicaSpecs, ...
    return Object.entries(spec)
      .filter(([key, value]) => key.endsWith("ReplicaSpecs") && isRecord(value))
      .flatMap(([key, replicas]) =>
        Object.entries(asRecord(replicas)).map(([role, replica]) =>
          templateView(kind, asRecord(replica).template, `spec.${key}.${role}.template`, namespace, workloadMetadata)),
      );
  }
  if (group === "serving.kserve.io" && kind === "InferenceService") return inferenceServiceViews(kind, props, spec, namespace);
  return [];
}

/** Whether a label selector has no matchLabels and no matchExpressions, so it matches everything (a missing one counts as empty). */
export function labelSelectorIsEmpty(selector: unknown): boolean {
  const record = asRecord(selector);
  return Object.keys(asRecord(record.matchLabels)).length === 0 && asArray(record.matchExpressions).length === 0;
}

/** Whether a label selector is given and empty (matches everything); undefined when it, or its parts, are unknown until apply. */
export function givenSelectorIsEmpty(selector: unknown): boolean | undefined {
  const record = asRecord(selector);
  if ([selector, record.matchLabels, record.matchExpressions].some(isUnknown)) return undefined;
  return isRecord(selector) && labelSelectorIsEmpty(record);
}
