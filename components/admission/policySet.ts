/**
 * Every ValidatingAdmissionPolicy AdmissionPolicies installs, by name: ml-guard's mandatory workload
 * rules that Pod Security admission does not cover, each for Pods (every controller's pods, as
 * stored after the mutating admission plugins ran) and for the workload kinds people apply
 * (Deployments and the like, CronJobs), so kubectl, Helm and Argo CD report the refusal at once.
 *
 * Every expression is linear in the pod's containers, volumes and projected sources, well inside the
 * API server's CEL budgets (FACT: k8s.io/apiserver pkg/apis/cel/config.go PerCallLimit 1,000,000 per
 * expression, RuntimeCELCostBudget 10,000,000 per binding, MaxRequestSizeBytes 3 MiB bounds the
 * lists), and guards optional fields with has(), as an absent field is an error to read.
 */
import { pinnedImagesPolicy } from "./admissionRules";
import { POD_SHAPES, PODS, type PodShape, type PolicySpec } from "./podShapes";
import { defaultServiceAccountPolicy, readOnlyRootFilesystemPolicy } from "./podRules";
import { inferenceServiceServingPolicy, servingPolicy, type ServingSettings } from "./servingRules";
import { apiTokenPolicy, serviceAccountAutomountPolicy, type TokenSettings } from "./tokenRules";

export interface PolicySettings extends TokenSettings, ServingSettings {
  allowedRegistries: string[];
}

export interface NamedPolicy {
  name: string;
  spec: PolicySpec;
  /** The name an earlier release gave this policy, so an update keeps its history (a Pulumi alias). */
  formerName?: string;
}

const perShape = (rule: string, build: (shape: PodShape) => PolicySpec, formerNames: Partial<Record<PodShape["name"], string>> = {}): NamedPolicy[] =>
  POD_SHAPES.map((shape) => ({ name: `ml-guard-${rule}-${shape.name}`, spec: build(shape), formerName: formerNames[shape.name] }));

export function admissionPolicySet(settings: PolicySettings): NamedPolicy[] {
  return [
    { name: "ml-guard-pinned-images", spec: pinnedImagesPolicy(settings.allowedRegistries) },
    ...perShape("read-only-root-filesystem", readOnlyRootFilesystemPolicy),
    ...perShape("default-service-account", defaultServiceAccountPolicy),
    ...perShape("api-token", (shape) => apiTokenPolicy(shape, settings)),
    { name: "ml-guard-serviceaccount-token-automount", spec: serviceAccountAutomountPolicy(settings) },
    ...perShape("serving", (shape) => servingPolicy(shape, settings), { [PODS.name]: "ml-guard-serving-model-labels" }),
    { name: "ml-guard-serving-inferenceservices", spec: inferenceServiceServingPolicy() },
  ];
}
