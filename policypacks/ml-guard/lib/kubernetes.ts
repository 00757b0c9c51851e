import { asArray, asRecord, asString, isRecord, isUnknown } from "./values";

/** `kubernetes:apps/v1:Deployment` -> group `apps`, version `v1`, kind `Deployment` (core group is ""). */
export interface KubernetesType {
  group: string;
  version: string;
  kind: string;
}

export function parseKubernetesType(type: string): KubernetesType | undefined {
  const match = /^kubernetes:([^:]+):([A-Za-z0-9]+)$/.exec(type);
  if (!match) return undefined;
  const [groupVersion, kind] = [match[1], match[2]];
  const slash = groupVersion.lastIndexOf("/");
  const group = slash < 0 ? "" : groupVersion.slice(0, slash);
  return { group: group === "core" ? "" : group, version: groupVersion.slice(slash + 1), kind };
}

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
}

const CONTAINER_LISTS: ContainerList[] = ["containers", "initContainers", "ephemeralContainers"];
const TEMPLATE_WORKLOADS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"]);
/** KServe predictor keys that hold a model server container (the `model` spec or a framework shortcut). */
const KSERVE_MODEL_KEYS = ["model", "sklearn", "xgboost", "tensorflow", "pytorch", "triton", "onnx", "huggingface", "lightgbm", "pmml", "paddle"];
const KSERVE_COMPONENTS = ["predictor", "transformer", "explainer"];

function containersOf(spec: Record<string, unknown>, specPath: string, extra: ContainerView[] = []): ContainerView[] {
  const views = CONTAINER_LISTS.flatMap((list) =>
    asArray(spec[list]).map((container, index) => ({
      list,
      name: asString(asRecord(container).name) ?? `#${index}`,
      path: `${specPath}.${list}[${index}]`,
      container: asRecord(container),
    })),
  );
  return [...views, ...extra];
}

/** The structural parts of a template that, when unknown, hide what the rules look at. */
function unknownPathsOf(metadata: unknown, metadataPath: string, spec: unknown, specPath: string, containers: ContainerView[]): string[] {
  const record = asRecord(spec);
  const candidates: [string, unknown][] = [
    [metadataPath, metadata],
    [specPath, spec],
    [`${specPath}.securityContext`, record.securityContext],
    [`${specPath}.volumes`, record.volumes],
    ...CONTAINER_LISTS.map((list): [string, unknown] => [`${specPath}.${list}`, record[list]]),
    ...CONTAINER_LISTS.flatMap((list) => asArray(record[list]).map((container, index): [string, unknown] => [`${specPath}.${list}[${index}]`, container])),
    ...containers.map((view): [string, unknown] => [`${view.path}.securityContext`, view.container.securityContext]),
  ];
  return candidates.filter(([, value]) => isUnknown(value)).map(([path]) => path);
}

function podView(kind: string, metadata: unknown, metadataPath: string, spec: unknown, specPath: string, namespace?: string, extra?: ContainerView[]): PodView {
  const podSpec = asRecord(spec);
  const containers = containersOf(podSpec, specPath, extra);
  return {
    kind, metadata: asRecord(metadata), metadataPath, spec: podSpec, specPath, containers, namespace,
    unknownPaths: unknownPathsOf(metadata, metadataPath, spec, specPath, containers),
  };
}

function templateView(kind: string, template: unknown, path: string, namespace?: string): PodView {
  const record = asRecord(template);
  const view = podView(kind, record.metadata, `${path}.metadata`, record.spec, `${path}.spec`, namespace);
  return isUnknown(template) ? { ...view, unknownPaths: [path, ...view.unknownPaths] } : view;
}

/**
 * Every pod template a resource carries: a Pod itself, the template of Deployments and the like, a
 * CronJob's job template, each replica of a Kubeflow training job, each KServe InferenceService
 * component (whose model server is a container too). Empty for anything else.
 */
export function podTemplatesOf(type: string, props: Record<string, unknown>): PodView[] {
  const parsed = parseKubernetesType(type);
  if (!parsed) return [];
  const { kind, group } = parsed;
  const spec = asRecord(props.spec);
  const namespace = asString(asRecord(props.metadata).namespace);
  if (group === "" && kind === "Pod") return [podView(kind, props.metadata, "metadata", props.spec, "spec", namespace)];
  if (TEMPLATE_WORKLOADS.has(kind) && (group === "apps" || group === "batch" || group === "")) {
    return [templateView(kind, spec.template, "spec.template", namespace)];
  }
  if (kind === "CronJob" && group === "batch") {
    return [templateView(kind, asRecord(asRecord(spec.jobTemplate).spec).template, "spec.jobTemplate.spec.template", namespace)];
  }
  if (group === "kubeflow.org") {
    // PyTorchJob.spec.pytorchReplicaSpecs, TFJob.spec.tfReplicaSpecs, MPIJob.spec.mpiReplicaSpecs, ...
    return Object.entries(spec)
      .filter(([key, value]) => key.endsWith("ReplicaSpecs") && isRecord(value))
      .flatMap(([key, replicas]) =>
        Object.entries(asRecord(replicas)).map(([role, replica]) =>
          templateView(kind, asRecord(replica).template, `spec.${key}.${role}.template`, namespace)),
      );
  }
  if (group === "serving.kserve.io" && kind === "InferenceService") {
    return KSERVE_COMPONENTS.filter((component) => isRecord(spec[component])).map((component) => {
      const componentSpec = asRecord(spec[component]);
      const specPath = `spec.${component}`;
      const modelContainers = KSERVE_MODEL_KEYS.filter((key) => isRecord(componentSpec[key])).map((key) => ({
        list: "model" as const,
        name: asString(asRecord(componentSpec[key]).name) ?? "kserve-container",
        path: `${specPath}.${key}`,
        container: asRecord(componentSpec[key]),
      }));
      // An InferenceService's own metadata is what KServe propagates to the pods it creates.
      return podView(kind, props.metadata, "metadata", componentSpec, specPath, namespace, modelContainers);
    });
  }
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
