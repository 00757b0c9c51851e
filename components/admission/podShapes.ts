/**
 * Where the pod sits in each kind of object the admission policies check. Each rule is one policy per
 * shape, so every expression reads only fields that every kind the policy matches has: the API
 * server type-checks a policy's expressions against each matched kind's schema.
 */
import type { IValidatingAdmissionPolicy } from "kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy" with { "resolution-mode": "import" };

export type PolicySpec = NonNullable<IValidatingAdmissionPolicy["spec"]>;
type ResourceRule = NonNullable<NonNullable<PolicySpec["matchConstraints"]>["resourceRules"]>[number];
export type Operation = "CREATE" | "UPDATE";

/** What a rule needs to see of Pods themselves: which operations, and kubectl debug's ephemeral containers. */
export interface PodRequests {
  operations: Operation[];
  ephemeralContainers?: boolean;
}

export interface PodShape {
  /** Suffix of the policy names. */
  name: "pods" | "workloads" | "cronjobs";
  /** CEL path of the pod spec. */
  spec: string;
  /** CEL path of the pod metadata (a template may omit it). */
  metadata: string;
  /** CEL path of the workload's own metadata, when it is not the pod's (a Deployment's own labels). */
  workloadMetadata?: string;
  resourceRules(pods: PodRequests): ResourceRule[];
}

const WORKLOAD_OPERATIONS: Operation[] = ["CREATE", "UPDATE"];
const EPHEMERAL_CONTAINERS: ResourceRule = { apiGroups: [""], apiVersions: ["v1"], operations: ["UPDATE"], resources: ["pods/ephemeralcontainers"] };

/**
 * Pods catch every controller, including ones no policy names (operators, CRDs); they are checked as
 * the API server stores them, after the mutating admission plugins and webhooks (ServiceAccount,
 * Istio, KServe) ran.
 */
export const PODS: PodShape = {
  name: "pods",
  spec: "object.spec",
  metadata: "object.metadata",
  resourceRules: ({ operations, ephemeralContainers }) => [
    { apiGroups: [""], apiVersions: ["v1"], operations, resources: ["pods"] },
    ...(ephemeralContainers ? [EPHEMERAL_CONTAINERS] : []),
  ],
};

/**
 * Workloads with a `spec.template`: refused when kubectl, Helm or Argo CD creates or updates them,
 * instead of only in the ReplicaSet's or Job's events when their pods are refused.
 */
export const TEMPLATE_WORKLOADS: PodShape = {
  name: "workloads",
  spec: "object.spec.template.spec",
  metadata: "object.spec.template.metadata",
  workloadMetadata: "object.metadata",
  resourceRules: () => [
    { apiGroups: ["apps"], apiVersions: ["v1"], operations: WORKLOAD_OPERATIONS, resources: ["deployments", "statefulsets", "daemonsets", "replicasets"] },
    { apiGroups: ["batch"], apiVersions: ["v1"], operations: WORKLOAD_OPERATIONS, resources: ["jobs"] },
    { apiGroups: [""], apiVersions: ["v1"], operations: WORKLOAD_OPERATIONS, resources: ["replicationcontrollers"] },
  ],
};

export const CRONJOBS: PodShape = {
  name: "cronjobs",
  spec: "object.spec.jobTemplate.spec.template.spec",
  metadata: "object.spec.jobTemplate.spec.template.metadata",
  workloadMetadata: "object.metadata",
  resourceRules: () => [{ apiGroups: ["batch"], apiVersions: ["v1"], operations: WORKLOAD_OPERATIONS, resources: ["cronjobs"] }],
};

export const POD_SHAPES: PodShape[] = [PODS, TEMPLATE_WORKLOADS, CRONJOBS];

/**
 * An object being deleted is let through, so the garbage collector can remove its finalizers even
 * when it predates the policy; the pods any controller still creates are checked on their own.
 */
export const NOT_BEING_DELETED = { name: "not-being-deleted", expression: "!has(object.metadata.deletionTimestamp)" };

/**
 * The ServiceAccount the pods run as, as the API server resolves it: serviceAccountName, else the
 * deprecated serviceAccount alias, else `default`.
 * FACT: kubernetes pkg/apis/core/v1/conversion.go Convert_v1_PodSpec_To_core_PodSpec (an empty
 * serviceAccountName takes serviceAccount) and plugin/pkg/admission/serviceaccount/admission.go
 * Admit (an empty name becomes "default" on pod create), release branches 1.2x-1.3x.
 */
export const serviceAccountOf = (spec: string): string =>
  `has(${spec}.serviceAccountName) && ${spec}.serviceAccountName != '' ? ${spec}.serviceAccountName : (has(${spec}.serviceAccount) && ${spec}.serviceAccount != '' ? ${spec}.serviceAccount : 'default')`;
