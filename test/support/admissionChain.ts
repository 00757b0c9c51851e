/**
 * What the API server admits of a workload, step by step: the workload itself when kubectl, Helm or
 * Argo CD apply it, then each pod its controller creates, as stored after the ServiceAccount
 * admission plugin. Judged by the ValidatingAdmissionPolicies AdmissionPolicies installs.
 */
import { KSERVE_POD_LABEL } from "../../components/admission/servingRules";
import { parseKubernetesType, podTemplatesOf, type PodView } from "../../policypacks/ml-guard/lib/kubernetes";
import { admissionDenials, type AdmissionRequest, type InstalledPolicy, type LabelSelector, type PolicySpec } from "./admissionSimulator";
import type { CreatedResource } from "./pulumiMocks";
import { serviceAccountAdmission, type ServiceAccountState } from "./serviceAccountAdmission";

const VAP = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";
const BINDING = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding";

/** The policies a component registered (as the mocks recorded them), each with its binding's namespace selector. */
export function installedPolicies(created: CreatedResource[], componentName: string): InstalledPolicy[] {
  const ours = (resource: CreatedResource, type: string) => resource.type === type && resource.name.startsWith(`${componentName}-ml-guard-`);
  const bindings = new Map(created.filter((resource) => ours(resource, BINDING)).map((resource) => [resource.inputs.metadata.name as string, resource.inputs.spec]));
  return created.filter((resource) => ours(resource, VAP)).map((resource) => {
    const name = resource.inputs.metadata.name as string;
    const binding = bindings.get(name);
    if (!binding) throw new Error(`policy ${name} has no binding`);
    return { name, spec: resource.inputs.spec as PolicySpec, namespaceSelector: binding.matchResources.namespaceSelector as LabelSelector };
  });
}

/** Plural resource names of the kinds the policies match by kind, as the API server names them. */
const RESOURCES: Record<string, string> = {
  Deployment: "deployments", StatefulSet: "statefulsets", DaemonSet: "daemonsets", ReplicaSet: "replicasets", ReplicationController: "replicationcontrollers",
  Job: "jobs", CronJob: "cronjobs", Pod: "pods", ServiceAccount: "serviceaccounts", InferenceService: "inferenceservices",
};

/** The request that creates (or updates) a Kubernetes object given as its Pulumi type and props. */
export function requestFor(type: string, props: Record<string, any>, operation: AdmissionRequest["operation"] = "CREATE", oldObject?: Record<string, any>): AdmissionRequest {
  const parsed = parseKubernetesType(type);
  if (!parsed) throw new Error(`not a Kubernetes type: ${type}`);
  const resource = RESOURCES[parsed.kind] ?? `${parsed.kind.toLowerCase()}s`;
  const apiVersion = parsed.group === "" ? parsed.version : `${parsed.group}/${parsed.version}`;
  return { group: parsed.group, resource, operation, namespace: props.metadata?.namespace ?? "default", object: { apiVersion, kind: parsed.kind, ...props }, oldObject };
}

/**
 * A pod its controller would create from a pod template: the template's metadata and spec. For an
 * InferenceService component, as KServe builds it: the InferenceService's labels and annotations
 * plus its pod label, the model server first as `kserve-container` (FACT: kserve/kserve
 * pkg/controller/v1beta1/inferenceservice/components/predictor.go buildObjectMeta, buildPodSpec).
 */
function podOf(view: PodView, namespace: string): { apiVersion: string; kind: string; metadata: Record<string, unknown>; spec: Record<string, any> } {
  const models = view.containers.filter((container) => container.list === "model").map((container) => ({ ...container.container, name: "kserve-container" }));
  const spec = { ...view.spec, containers: [...models, ...((view.spec.containers as unknown[]) ?? [])] };
  const labels = { ...(view.metadata.labels as Record<string, string> | undefined), ...(view.kind === "InferenceService" ? { [KSERVE_POD_LABEL]: String(view.metadata.name) } : {}) };
  return { apiVersion: "v1", kind: "Pod", metadata: { ...view.metadata, labels, name: "pod", namespace }, spec };
}

type Pod = ReturnType<typeof podOf>;

/**
 * The pods a workload's controllers create, as stored after the ServiceAccount plugin and then the
 * mutating webhooks given (which the API server calls after its own mutating plugins).
 */
export function admittedPods(type: string, props: Record<string, any>, accounts: Record<string, ServiceAccountState>, webhooks: ((pod: Pod) => Pod)[] = []): Pod[] {
  const namespace = props.metadata?.namespace ?? "default";
  return podTemplatesOf(type, props).map((view) => {
    const pod = podOf(view, namespace);
    const account = pod.spec.serviceAccountName || pod.spec.serviceAccount || "default";
    return webhooks.reduce((mutated, webhook) => webhook(mutated), serviceAccountAdmission(pod, accounts[account] ?? {}));
  });
}

/** The ml-guard rules (message prefixes) the denials name, sorted. */
export const refusedRules = (denials: Record<string, string[]>): string[] =>
  [...new Set(Object.values(denials).flat().map((message) => message.split(":")[0]))].sort();

export interface ChainVerdict {
  /** Rules refusing the workload itself (absent for kinds no policy matches, such as CRD jobs). */
  workload?: string[];
  /** Rules refusing any of its pods. */
  pods: string[];
}

/** Which rules refuse the workload when applied, and which refuse its pods. */
export function chainVerdict(policies: InstalledPolicy[], type: string, props: Record<string, any>, namespaceLabels: Record<string, string>, accounts: Record<string, ServiceAccountState>): ChainVerdict {
  const kind = parseKubernetesType(type)?.kind ?? "";
  const pods = admittedPods(type, props, accounts).flatMap((pod) => refusedRules(admissionDenials(policies, requestFor("kubernetes:core/v1:Pod", pod), namespaceLabels)));
  const workload = kind !== "Pod" && kind in RESOURCES ? refusedRules(admissionDenials(policies, requestFor(type, props), namespaceLabels)) : undefined;
  return { workload, pods: [...new Set(pods)].sort() };
}
