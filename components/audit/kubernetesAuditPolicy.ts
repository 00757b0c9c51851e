/**
 * The Kubernetes API server audit policy (audit.k8s.io/v1): full request and response for what
 * matters in an ML platform, metadata for everything else, noisy system reads dropped. The first
 * matching rule wins, so the order below is the policy.
 */
export interface AuditRule {
  level: "None" | "Metadata" | "Request" | "RequestResponse";
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  namespaces?: string[];
  resources?: { group: string; resources: string[] }[];
  nonResourceURLs?: string[];
  omitStages?: string[];
}

export interface AuditPolicy {
  apiVersion: "audit.k8s.io/v1";
  kind: "Policy";
  omitStages: string[];
  rules: AuditRule[];
}

const WRITES = ["create", "update", "patch", "delete", "deletecollection"];

export function kubernetesAuditPolicy(teamNamespaces: string[]): AuditPolicy {
  return {
    apiVersion: "audit.k8s.io/v1",
    kind: "Policy",
    omitStages: ["RequestReceived"],
    rules: [
      // Health checks, discovery and the control plane's own reads are noise.
      { level: "None", nonResourceURLs: ["/healthz*", "/livez*", "/readyz*", "/version", "/openapi*", "/metrics"] },
      { level: "None", users: ["system:kube-proxy", "system:kube-scheduler", "system:kube-controller-manager"], verbs: ["get", "list", "watch"] },
      { level: "None", userGroups: ["system:nodes"], verbs: ["get", "list", "watch"] },
      { level: "None", resources: [{ group: "", resources: ["events"] }, { group: "coordination.k8s.io", resources: ["leases"] }] },
      // Secrets: who read which one. Metadata only, so the audit log never holds secret values.
      { level: "Metadata", resources: [{ group: "", resources: ["secrets"] }] },
      // External Secrets and their stores: which credentials were requested, and how.
      { level: "RequestResponse", resources: [{ group: "external-secrets.io", resources: ["externalsecrets", "secretstores", "clustersecretstores"] }, { group: "generators.external-secrets.io", resources: ["vaultdynamicsecrets"] }] },
      // Who deployed or changed which model or training job.
      {
        level: "RequestResponse",
        verbs: WRITES,
        resources: [
          { group: "serving.kserve.io", resources: ["inferenceservices"] },
          { group: "kubeflow.org", resources: ["pytorchjobs", "tfjobs", "mpijobs", "xgboostjobs", "paddlejobs", "jaxjobs"] },
          { group: "trainer.kubeflow.org", resources: ["trainjobs"] },
        ],
      },
      // Who gave whom access.
      { level: "RequestResponse", verbs: WRITES, resources: [{ group: "rbac.authorization.k8s.io", resources: ["roles", "rolebindings", "clusterroles", "clusterrolebindings"] }] },
      // Interactive access to pods of team namespaces.
      { level: "RequestResponse", namespaces: teamNamespaces, resources: [{ group: "", resources: ["pods/exec", "pods/attach", "pods/portforward", "pods/ephemeralcontainers"] }] },
      { level: "Metadata", omitStages: ["RequestReceived"] },
    ],
  };
}
