/**
 * Where the workload CRDs ML teams run keep their pod templates (upstream field paths, with versions,
 * are in test/policies/lib/podTemplates.test.ts). Each walker returns a PodView per template, with the
 * template's own paths, so every pod rule reads them exactly as it reads a Deployment.
 */
import type { ContainerView, PodView } from "./kubernetes";
import { containerView, podView, templateView } from "./podViews";
import { asArray, asRecord, isUnknown } from "./values";

type Walk = (kind: string, spec: Record<string, unknown>, namespace: string | undefined, workloadMetadata: Record<string, unknown>) => PodView[];

/** A list at `path` that is unknown in preview is one unknown template, not zero templates. */
function eachOf(list: unknown, path: string, kind: string, namespace: string | undefined, walk: (item: unknown, itemPath: string) => PodView[]): PodView[] {
  if (isUnknown(list)) return [unknownView(kind, path, namespace)];
  return asArray(list).flatMap((item, index) => walk(item, `${path}[${index}]`));
}

function unknownView(kind: string, path: string, namespace: string | undefined): PodView {
  return { kind, metadata: {}, metadataPath: `${path}.metadata`, spec: {}, specPath: `${path}.spec`, containers: [], namespace, unknownPaths: [path] };
}

/** JobSet's `replicatedJobs[].template` is a batch JobTemplateSpec: its pod template is `.spec.template`. */
const replicatedJobs = (kind: string, jobSetSpec: Record<string, unknown>, path: string, namespace: string | undefined, workloadMetadata: Record<string, unknown>) =>
  eachOf(jobSetSpec.replicatedJobs, `${path}.replicatedJobs`, kind, namespace, (job, jobPath) => {
    const jobTemplate = asRecord(job).template;
    if ([job, jobTemplate, asRecord(jobTemplate).spec].some(isUnknown)) return [unknownView(kind, jobPath, namespace)];
    return [templateView(kind, asRecord(asRecord(jobTemplate).spec).template, `${jobPath}.template.spec.template`, namespace, workloadMetadata)];
  });

export const jobSetTemplates: Walk = (kind, spec, namespace, meta) => replicatedJobs(kind, spec, "spec", namespace, meta);

/** TrainingRuntime and ClusterTrainingRuntime hold a JobSet template at spec.template. */
export const trainingRuntimeTemplates: Walk = (kind, spec, namespace, meta) =>
  [spec.template, asRecord(spec.template).spec].some(isUnknown)
    ? [unknownView(kind, "spec.template", namespace)]
    : replicatedJobs(kind, asRecord(asRecord(spec.template).spec), "spec.template.spec", namespace, meta);

/** LeaderWorkerSet: the worker template always, the leader template when given (it defaults to the worker's). */
export const leaderWorkerTemplates: Walk = (kind, spec, namespace, meta) => {
  if (isUnknown(spec.leaderWorkerTemplate)) return [unknownView(kind, "spec.leaderWorkerTemplate", namespace)];
  const templates = asRecord(spec.leaderWorkerTemplate);
  const leader = templates.leaderTemplate;
  return [
    ...(leader === undefined || leader === null ? [] : [templateView(kind, leader, "spec.leaderWorkerTemplate.leaderTemplate", namespace, meta)]),
    templateView(kind, templates.workerTemplate, "spec.leaderWorkerTemplate.workerTemplate", namespace, meta),
  ];
};

/** A RayClusterSpec: the head group's template and each worker group's. */
function rayClusterTemplates(kind: string, clusterSpec: unknown, path: string, namespace: string | undefined, meta: Record<string, unknown>): PodView[] {
  if (isUnknown(clusterSpec)) return [unknownView(kind, path, namespace)];
  const cluster = asRecord(clusterSpec);
  if (isUnknown(cluster.headGroupSpec)) return [unknownView(kind, `${path}.headGroupSpec`, namespace)];
  return [
    templateView(kind, asRecord(cluster.headGroupSpec).template, `${path}.headGroupSpec.template`, namespace, meta),
    ...eachOf(cluster.workerGroupSpecs, `${path}.workerGroupSpecs`, kind, namespace, (group, groupPath) => [templateView(kind, asRecord(group).template, `${groupPath}.template`, namespace, meta)]),
  ];
}

export const rayTemplates: Walk = (kind, spec, namespace, meta) => {
  if (kind === "RayCluster") return rayClusterTemplates(kind, spec, "spec", namespace, meta);
  if (kind === "RayService") return rayClusterTemplates(kind, spec.rayClusterConfig, "spec.rayClusterConfig", namespace, meta);
  // A RayJob may run on an existing cluster (clusterSelector) and so carry no cluster spec.
  const cluster = spec.rayClusterSpec === undefined || spec.rayClusterSpec === null ? [] : rayClusterTemplates(kind, spec.rayClusterSpec, "spec.rayClusterSpec", namespace, meta);
  const submitter = spec.submitterPodTemplate === undefined || spec.submitterPodTemplate === null ? [] : [templateView(kind, spec.submitterPodTemplate, "spec.submitterPodTemplate", namespace, meta)];
  return [...cluster, ...submitter];
};

/** ServingRuntime's pod spec is inlined in its spec (labels and annotations too); a multi-node runtime adds workerSpec. */
export const servingRuntimeTemplates: Walk = (kind, spec, namespace, meta) => {
  const worker = spec.workerSpec;
  return [
    podView({ kind, metadata: spec, metadataPath: "spec", spec, specPath: "spec", namespace, workloadMetadata: meta }),
    ...(worker === undefined || worker === null ? [] : [podView({ kind, metadata: worker, metadataPath: "spec.workerSpec", spec: worker, specPath: "spec.workerSpec", namespace, workloadMetadata: meta })]),
  ];
};

/** A Notebook's template has a pod spec and no metadata: the controller gives the pod the Notebook's own labels. */
export const notebookTemplates: Walk = (kind, spec, namespace, meta) => {
  const template = spec.template;
  if (isUnknown(template)) return [unknownView(kind, "spec.template", namespace)];
  // Labels only: the controller copies the Notebook's labels to the pod, not its annotations.
  return [podView({ kind, metadata: { labels: meta.labels }, metadataPath: "metadata", spec: asRecord(template).spec, specPath: "spec.template.spec", namespace, workloadMetadata: meta })];
};

const ARGO_INHERITED = ["securityContext", "serviceAccountName", "automountServiceAccountToken"] as const;

/** First set value: the template's, then templateDefaults', then the workflow's (Argo's order for pod-level fields). */
const firstSet = (...values: unknown[]) => values.find((value) => value !== undefined && value !== null);

function argoContainers(template: Record<string, unknown>, path: string): { views: ContainerView[]; unknown: string[] } {
  const entries: [ContainerView["list"], unknown, string, string][] = [
    ...(["container", "script"] as const).filter((field) => template[field] !== undefined && template[field] !== null)
      .map((field): [ContainerView["list"], unknown, string, string] => ["containers", template[field], `${path}.${field}`, "main"]),
    ...asArray(asRecord(template.containerSet).containers).map((c, i): [ContainerView["list"], unknown, string, string] => ["containers", c, `${path}.containerSet.containers[${i}]`, `#${i}`]),
    ...asArray(template.initContainers).map((c, i): [ContainerView["list"], unknown, string, string] => ["initContainers", c, `${path}.initContainers[${i}]`, `#${i}`]),
    ...asArray(template.sidecars).map((c, i): [ContainerView["list"], unknown, string, string] => ["containers", c, `${path}.sidecars[${i}]`, `#${i}`]),
  ];
  const listsUnknown = [["containerSet", template.containerSet], ["containerSet.containers", asRecord(template.containerSet).containers], ["initContainers", template.initContainers], ["sidecars", template.sidecars]]
    .filter(([, value]) => isUnknown(value)).map(([field]) => `${path}.${String(field)}`);
  return {
    views: entries.map(([list, container, containerPath, name]) => containerView(list, container, containerPath, name)),
    unknown: [...listsUnknown, ...entries.filter(([, container]) => isUnknown(container)).map(([, , containerPath]) => containerPath)],
  };
}

/** Templates that run a pod of the user's containers; steps, dag, suspend and resource templates do not. */
const runsContainers = (template: Record<string, unknown>) => ["container", "script", "containerSet"].some((field) => template[field] !== undefined && template[field] !== null);

/** Labels (or annotations) of the workflow's podMetadata, templateDefaults and the template, later ones winning; an unknown one hides them all. */
function mergedLabels(field: "labels" | "annotations", ...sources: unknown[]): unknown {
  const values = sources.map((source) => asRecord(source)[field]);
  return values.find(isUnknown) ?? values.reduce<Record<string, unknown>>((merged, value) => ({ ...merged, ...asRecord(value) }), {});
}

/** A Workflow spec (also a WorkflowTemplate's, a ClusterWorkflowTemplate's and a CronWorkflow's workflowSpec) at `path`. */
function argoWorkflowTemplates(kind: string, workflowSpec: unknown, path: string, namespace: string | undefined, meta: Record<string, unknown>): PodView[] {
  if (isUnknown(workflowSpec)) return [unknownView(kind, path, namespace)];
  const workflow = asRecord(workflowSpec);
  const defaults = asRecord(workflow.templateDefaults);
  return eachOf(workflow.templates, `${path}.templates`, kind, namespace, (entry, templatePath) => {
    if (isUnknown(entry)) return [unknownView(kind, templatePath, namespace)];
    const template = asRecord(entry);
    if (!runsContainers(template)) return [];
    const containers = argoContainers(template, templatePath);
    const volumeSources = [workflow.volumes, defaults.volumes, template.volumes];
    const spec: Record<string, unknown> = {
      ...Object.fromEntries(ARGO_INHERITED.map((field) => [field, firstSet(template[field], defaults[field], workflow[field])])),
      hostNetwork: workflow.hostNetwork,
      volumes: volumeSources.find(isUnknown) ?? volumeSources.flatMap(asArray),
    };
    const metadata = { labels: mergedLabels("labels", workflow.podMetadata, defaults.metadata, template.metadata), annotations: mergedLabels("annotations", workflow.podMetadata, defaults.metadata, template.metadata) };
    const view = podView({ kind, metadata, metadataPath: `${templatePath}.metadata`, spec, specPath: templatePath, namespace, workloadMetadata: meta, extra: containers.views, needsContainers: false });
    // podSpecPatch is a JSON/YAML patch (often with {{...}} parameters) applied to the pod last: it can change anything.
    const patches = [[`${path}.podSpecPatch`, workflow.podSpecPatch], [`${path}.templateDefaults.podSpecPatch`, defaults.podSpecPatch], [`${templatePath}.podSpecPatch`, template.podSpecPatch]]
      .filter(([, value]) => value !== undefined && value !== null && value !== "").map(([patchPath]) => ({ path: String(patchPath), problem: "podSpecPatch rewrites the pod after ml-guard reads it, so no rule can vouch for the result" }));
    return [{ ...view, unknownPaths: [...view.unknownPaths, ...containers.unknown], uncheckedParts: patches }];
  });
}

export const argoTemplates: Walk = (kind, spec, namespace, meta) =>
  kind === "CronWorkflow" ? argoWorkflowTemplates(kind, spec.workflowSpec, "spec.workflowSpec", namespace, meta) : argoWorkflowTemplates(kind, spec, "spec", namespace, meta);

/**
 * A TrainJob patches the pods of its runtime (the TrainingRuntime, checked in its own right). The
 * patches are partial containers and pod fields, not pod templates, so the pod rules cannot read them
 * as pods: they are reported as unchecked rather than passed silently.
 */
const TRAIN_JOB_PATCH_FIELDS = ["podSpecOverrides", "podTemplateOverrides", "runtimePatches"];

export function trainJobPatches(spec: Record<string, unknown>): { path: string; problem: string }[] {
  return TRAIN_JOB_PATCH_FIELDS.filter((field) => spec[field] !== undefined && spec[field] !== null && !(Array.isArray(spec[field]) && (spec[field] as unknown[]).length === 0))
    .map((field) => ({ path: `spec.${field}`, problem: `${field} patches the pods of the training runtime; ml-guard checks the runtime's templates, not the pods as patched` }));
}
