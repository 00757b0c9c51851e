import type { PolicyConfigSchema } from "@pulumi/policy";
import type { PodView } from "./kubernetes";
import { asRecord, isUnknown } from "./values";

/**
 * Which pod templates serve a model. Any one marker is enough, so dropping one (the role label, say)
 * does not take a serving workload out of the serving rules: it is an InferenceService, it or its
 * pods carry mlops.io/role=serving, or its pods run as the team's serving ServiceAccount.
 */

export const SERVING_ROLE_LABEL = "mlops.io/role";
export const DEFAULT_SERVING_SERVICE_ACCOUNT = "serving";

export interface ServingWorkloadConfig {
  servingServiceAccount?: string;
}

export const servingWorkloadSchema: PolicyConfigSchema["properties"] = {
  servingServiceAccount: {
    type: "string",
    default: DEFAULT_SERVING_SERVICE_ACCOUNT,
    description: "Name of the teams' serving ServiceAccount: pods that run as it serve a model, whatever their labels.",
  },
};

/** true, false, or undefined when a marker that could decide it is unknown until apply (first preview). */
export function servesModel(pod: PodView, config: ServingWorkloadConfig): boolean | undefined {
  if (pod.kind === "InferenceService") return true;
  const roles = [asRecord(pod.metadata.labels)[SERVING_ROLE_LABEL], asRecord(pod.workloadMetadata?.labels)[SERVING_ROLE_LABEL]];
  // serviceAccount is the deprecated alias the API server still honours.
  const account = pod.spec.serviceAccountName ?? pod.spec.serviceAccount;
  const servingAccount = config.servingServiceAccount ?? DEFAULT_SERVING_SERVICE_ACCOUNT;
  if (roles.includes("serving") || account === servingAccount) return true;
  const hidden = [pod.metadata.labels, pod.workloadMetadata?.labels, ...roles, account];
  return hidden.some(isUnknown) ? undefined : false;
}
