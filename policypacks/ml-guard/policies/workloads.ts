import type { ResourceValidationPolicy } from "@pulumi/policy";
import { exemptNamespacesSchema, isExemptNamespace, type ExemptNamespacesConfig } from "../lib/config";
import { reportFindings, unverified, violation, type Finding } from "../lib/findings";
import { isDigestPinned, isFromAllowedRegistry, parseImageReference } from "../lib/images";
import { describeContainer, podTemplatesOf, type ContainerView, type PodView } from "../lib/kubernetes";
import { coverageFindings } from "../lib/podTemplateCoverage";
import { sameQuantity } from "../lib/quantities";
import { servesModel, servingWorkloadSchema, type ServingWorkloadConfig } from "../lib/servingWorkloads";
import { asRecord, asString, isUnknown, rawProps } from "../lib/values";
import { workloadPolicy } from "../lib/workloadPolicy";

const isWindows = (pod: PodView) => asString(asRecord(pod.spec.os).name) === "windows";

/** Containers that carry their own image (a KServe model spec may leave it to the serving runtime). */
const withImage = (pod: PodView) => pod.containers.filter((view) => view.list !== "model" || view.container.image !== undefined);

export const DEFAULT_ALLOWED_REGISTRIES = ["*.dkr.ecr.*.amazonaws.com", "public.ecr.aws", "registry.k8s.io", "nvcr.io"];
export const DEFAULT_MODEL_LABELS = ["mlops.io/model-name", "mlops.io/model-version"];
/** Extended resources that are GPUs (NVIDIA, AMD, Intel) and so must be limited explicitly. */
const GPU_RESOURCE = /^(nvidia\.com|amd\.com|gpu\.intel\.com)\/gpu/;

const readOnlyRootFilesystem = workloadPolicy(
  {
    name: "pod-require-read-only-root-filesystem",
    description: "Containers must run with a read-only root filesystem.",
    severity: "medium",
    remediationSteps: "Set securityContext.readOnlyRootFilesystem: true; mount an emptyDir where the process must write (e.g. /tmp).",
  },
  (pod) =>
    isWindows(pod)
      ? []
      : pod.containers.flatMap((view) => {
          const value = asRecord(view.container.securityContext).readOnlyRootFilesystem;
          const path = `${view.path}.securityContext.readOnlyRootFilesystem`;
          if (isUnknown(value)) return [unverified(path, `readOnlyRootFilesystem of ${describeContainer(view)}`)];
          return value === true ? [] : [violation(path, `${describeContainer(view)} can write to its root filesystem; set readOnlyRootFilesystem: true and mount an emptyDir for scratch space`)];
        }),
);

const pinnedImages = workloadPolicy(
  {
    name: "pod-require-pinned-images",
    description: "Container images must be pinned by sha256 digest (a tag such as :latest can be moved).",
    severity: "high",
    remediationSteps: "Reference images as registry/repository@sha256:<digest> (crane digest or docker buildx imagetools inspect prints it).",
  },
  (pod) =>
    withImage(pod).flatMap((view) => {
      const image = view.container.image;
      const path = `${view.path}.image`;
      if (isUnknown(image)) return [unverified(path, `image of ${describeContainer(view)}`)];
      if (typeof image !== "string" || image === "") return [violation(path, `${describeContainer(view)} names no image`)];
      const reference = parseImageReference(image);
      if (isDigestPinned(reference)) return [];
      if (reference.digest !== undefined) {
        return [violation(path, `${describeContainer(view)} uses ${JSON.stringify(image)}, whose malformed digest ${JSON.stringify(reference.digest)} pins nothing; a digest is sha256: followed by 64 lower-case hex characters`)];
      }
      const tag = reference.tag ?? "latest (implicit)";
      return [violation(path, `${describeContainer(view)} uses ${JSON.stringify(image)}, tag ${tag}, not a digest; pin it as ${reference.registry}/${reference.repository}@sha256:<digest>`)];
    }),
);

interface RegistryConfig extends ExemptNamespacesConfig {
  allowedRegistries?: string[];
}

const allowedRegistries = workloadPolicy<RegistryConfig>(
  {
    name: "pod-restrict-image-registries",
    description: "Container images must come from an allowed registry.",
    severity: "high",
    remediationSteps: "Mirror the image into an allowed registry, or add the registry to allowedRegistries in the policy config.",
  },
  (pod, config) => {
    const patterns = config.allowedRegistries ?? DEFAULT_ALLOWED_REGISTRIES;
    return withImage(pod).flatMap((view) => {
      const image = view.container.image;
      const path = `${view.path}.image`;
      if (isUnknown(image)) return [unverified(path, `image of ${describeContainer(view)}`)];
      if (typeof image !== "string" || image === "") return [];
      const reference = parseImageReference(image);
      return isFromAllowedRegistry(reference, patterns)
        ? []
        : [violation(path, `${describeContainer(view)} pulls from ${reference.registry}/${reference.repository}, which is not an allowed registry (${patterns.join(", ")})`)];
    });
  },
  {
    allowedRegistries: {
      type: "array",
      items: { type: "string" },
      default: DEFAULT_ALLOWED_REGISTRIES,
      description: "Registry hosts, optionally with a repository prefix; `*` matches one DNS label.",
    },
  },
);

function resourceFindings(view: ContainerView): Finding[] {
  const resources = view.container.resources;
  const path = `${view.path}.resources`;
  if (isUnknown(resources)) return [unverified(path, `resources of ${describeContainer(view)}`)];
  return (["requests", "limits"] as const).flatMap((kind) => {
    const values = asRecord(asRecord(resources)[kind]);
    const missing = ["cpu", "memory"].filter((name) => values[name] === undefined || values[name] === null || values[name] === "");
    return missing.length > 0
      ? [violation(`${path}.${kind}`, `${describeContainer(view)} sets no ${kind} for ${missing.join(" and ")}; set both so scheduling and the quota do not depend on namespace defaults`)]
      : [];
  });
}

function gpuLimitFindings(view: ContainerView): Finding[] {
  const resources = asRecord(view.container.resources);
  const path = `${view.path}.resources`;
  const requests = asRecord(resources.requests);
  const limits = asRecord(resources.limits);
  return Object.keys(requests).filter((key) => GPU_RESOURCE.test(key)).flatMap((name) => {
    if (isUnknown(limits[name]) || isUnknown(requests[name])) return [unverified(`${path}.limits["${name}"]`, `the ${name} limit of ${describeContainer(view)}`)];
    if (limits[name] === undefined) {
      return [violation(`${path}.limits["${name}"]`, `${describeContainer(view)} requests ${name} without a limit; GPUs cannot be overcommitted, set limits["${name}"] equal to the request`)];
    }
    return !sameQuantity(limits[name], requests[name])
      ? [violation(`${path}.limits["${name}"]`, `${describeContainer(view)} requests ${JSON.stringify(requests[name])} ${name} but limits ${JSON.stringify(limits[name])}; they must be equal`)]
      : [];
  });
}

// Ephemeral debug containers cannot declare resources, so neither rule holds them to it.
const withResources = (pod: PodView) => pod.containers.filter((view) => view.list !== "ephemeralContainers");

const requireResources = workloadPolicy(
  {
    name: "pod-require-resources",
    description: "Containers should set CPU and memory requests and limits.",
    // Advisory: team namespaces have a LimitRange that fills in defaults at admission.
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps: "Set resources.requests and resources.limits for cpu and memory.",
  },
  (pod) => withResources(pod).flatMap(resourceFindings),
);

const requireGpuLimits = workloadPolicy(
  {
    name: "pod-require-gpu-limits",
    description: "Containers that request GPUs must set an equal GPU limit.",
    severity: "medium",
    remediationSteps: "Set resources.limits[\"nvidia.com/gpu\"] equal to the request (or only the limit: the request defaults to it).",
  },
  (pod) => withResources(pod).flatMap(gpuLimitFindings),
);

interface ModelLabelConfig extends ExemptNamespacesConfig, ServingWorkloadConfig {
  requiredLabels?: string[];
  requireOnEveryDeployment?: boolean;
}

const isDeployment = (pod: PodView) => pod.kind === "Deployment" && pod.specPath === "spec.template.spec";

const modelLabels = workloadPolicy<ModelLabelConfig>(
  {
    name: "serving-missing-model-labels",
    description: "Model-serving workloads (InferenceServices, workloads labelled mlops.io/role=serving, pods running as the serving ServiceAccount) must carry the model name and version labels.",
    severity: "medium",
    remediationSteps: "Add the labels (default mlops.io/model-name and mlops.io/model-version) to the InferenceService or the pod template.",
  },
  (pod, config) => {
    const serving = (config.requireOnEveryDeployment === true && isDeployment(pod)) || servesModel(pod, config);
    if (serving === undefined) return [unverified(`${pod.specPath}.serviceAccountName`, "whether the workload serves a model (its role label or ServiceAccount)")];
    if (!serving) return [];
    const labels = asRecord(pod.metadata.labels);
    return (config.requiredLabels ?? DEFAULT_MODEL_LABELS).flatMap((label) => {
      const value = labels[label];
      const path = `${pod.metadataPath}.labels["${label}"]`;
      if (isUnknown(value)) return [unverified(path, `label ${label}`)];
      return typeof value === "string" && value.trim() !== "" ? [] : [violation(path, `the serving workload has no ${label} label; add it so the served model is identifiable`)];
    });
  },
  {
    requiredLabels: { type: "array", items: { type: "string" }, default: DEFAULT_MODEL_LABELS, description: "Labels every serving workload must carry." },
    requireOnEveryDeployment: { type: "boolean", default: false, description: "Stricter form: every Deployment outside the exempt namespaces carries the labels, whether or not it is marked as serving." },
    ...servingWorkloadSchema,
  },
);

const defaultServiceAccount = workloadPolicy(
  {
    name: "pod-disallow-default-service-account",
    description: "Workloads must run as a dedicated ServiceAccount, not the namespace's default one.",
    severity: "medium",
    remediationSteps: "Set serviceAccountName to the team's training or serving ServiceAccount.",
  },
  (pod) => {
    const name = pod.spec.serviceAccountName ?? pod.spec.serviceAccount;
    const path = `${pod.specPath}.serviceAccountName`;
    if (isUnknown(name)) return [unverified(path, "the ServiceAccount name")];
    return name === undefined || name === "" || name === "default"
      ? [violation(path, "the workload runs as the default ServiceAccount; set serviceAccountName to a dedicated account (training or serving)")]
      : [];
  },
);

const tokenAutomount = workloadPolicy(
  {
    name: "pod-disallow-token-automount",
    description: "Pods must not mount a ServiceAccount token unless they opt in explicitly.",
    severity: "medium",
    remediationSteps: "Set automountServiceAccountToken: false on the pod spec; true passes only for a ServiceAccount in allowedTokenServiceAccounts (pod-restrict-api-token-mount).",
  },
  (pod) => {
    const value = pod.spec.automountServiceAccountToken;
    const path = `${pod.specPath}.automountServiceAccountToken`;
    if (isUnknown(value)) return [unverified(path, "automountServiceAccountToken")];
    // null is how a JSON/YAML manifest leaves the field unset: the pod inherits just the same.
    return value === undefined || value === null
      ? [violation(path, "the pod inherits token automount from its ServiceAccount; set automountServiceAccountToken: false (true is refused unless the ServiceAccount is allowlisted)")]
      : [];
  },
);

/**
 * Mandatory: a pod template no rule could read may hold anything (privileged, hostPath, a root
 * user), and what it holds is mostly refused by the API server anyway, so blocking costs nothing
 * that would have worked. Parts that rewrite pods by design (podSpecPatch, TrainJob patches) are
 * reported as advisory: they are supported features, the finding only makes the gap visible.
 */
const unreadablePodTemplates: ResourceValidationPolicy = {
  name: "workload-unreadable-pod-template",
  description: "Every pod template must be one ml-guard can place and read: no unknown kinds carrying containers, no malformed templates, no removed workload API versions.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Write the workload with a served apiVersion and a well-formed pod template, in a kind listed under \"Workload kinds covered\"; review podSpecPatch and TrainJob patches by hand.",
  configSchema: exemptNamespacesSchema,
  validateResource: (args, reportViolation) => {
    const props = rawProps(args.props);
    if (isExemptNamespace(asString(asRecord(props.metadata).namespace), args.getConfig<ExemptNamespacesConfig>())) return;
    reportFindings(reportViolation, coverageFindings(args.type, props, podTemplatesOf(args.type, props)));
  },
};

export const workloadPolicies: ResourceValidationPolicy[] = [
  readOnlyRootFilesystem, pinnedImages, allowedRegistries, requireResources, requireGpuLimits, modelLabels, defaultServiceAccount, tokenAutomount, unreadablePodTemplates,
];
