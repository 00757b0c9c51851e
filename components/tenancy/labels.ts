/** Label keys shared by the components, the policy pack and the workloads teams deploy. */
export const LABELS = {
  team: "mlops.io/team",
  environment: "mlops.io/environment",
  dataClassification: "mlops.io/data-classification",
  /** Which kind of ML pod this is: `training` or `serving`. NetworkPolicies select on it. */
  workloadRole: "mlops.io/role",
  modelName: "mlops.io/model-name",
  modelVersion: "mlops.io/model-version",
  managedBy: "app.kubernetes.io/managed-by",
} as const;

export const WORKLOAD_ROLES = { training: "training", serving: "serving" } as const;
export const MANAGED_BY = "secure-ml-platform";

/** Annotation the EKS Pod Identity Webhook reads to give a service account's pods web-identity (IRSA) credentials. */
export const IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";
