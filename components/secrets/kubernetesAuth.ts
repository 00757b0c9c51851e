import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { LABELS, MANAGED_BY } from "../tenancy/labels";

/**
 * Where Vault runs, which decides how it checks a service account token with the API server
 * (TokenReview):
 * - `in-cluster`: Vault reviews with its own pod's service account token and CA, which the kubelet
 *   rotates and Vault re-reads (Vault's chart binds that account to `system:auth-delegator`).
 * - `external`: Vault has no pod identity, and a client's own token (audience `vault`) is refused
 *   by the API server as a reviewer, so a dedicated token-reviewer account bound to
 *   `system:auth-delegator` is created and its token handed to Vault write-only.
 */
export type VaultTopology =
  | { kind: "in-cluster" }
  | { kind: "external"; /** PEM CA of the API server. */ kubernetesCaCert: string; /** Namespace of the token-reviewer account. */ reviewerNamespace: string };

export interface KubernetesAuthArgs {
  /** Mount path of the auth method. */
  path: string;
  /** The API server as Vault reaches it. */
  kubernetesHost: string;
  topology: VaultTopology;
  /**
   * Issuer to require in tokens. Unset by default: the TokenReview already proves the token is the
   * cluster's (and EKS issuers are per-cluster OIDC URLs, not `kubernetes.default.svc`).
   */
  issuer?: string;
  /** Tune of the mount: default and longest token lifetime it grants. */
  defaultTokenTtlSeconds: number;
  maxTokenTtlSeconds: number;
}

export const TOKEN_REVIEWER_SERVICE_ACCOUNT = "vault-token-reviewer";

/** The Kubernetes auth method, configured for Vault inside or outside the cluster. */
export function kubernetesAuth(owner: pulumi.ComponentResource, name: string, args: KubernetesAuthArgs): vault.AuthBackend {
  const backend = new vault.AuthBackend(`${name}-kubernetes-auth`, {
    type: "kubernetes",
    path: args.path,
    tune: { defaultLeaseTtl: `${args.defaultTokenTtlSeconds}s`, maxLeaseTtl: `${args.maxTokenTtlSeconds}s` },
  }, { parent: owner });
  const issuerCheck = { issuer: args.issuer, disableIssValidation: args.issuer === undefined };
  if (args.topology.kind === "in-cluster") {
    new vault.kubernetes.AuthBackendConfig(`${name}-kubernetes-auth-config`, {
      backend: backend.path, kubernetesHost: args.kubernetesHost, disableLocalCaJwt: false, ...issuerCheck,
    }, { parent: owner });
  } else {
    new vault.kubernetes.AuthBackendConfig(`${name}-kubernetes-auth-config`, {
      backend: backend.path,
      kubernetesHost: args.kubernetesHost,
      kubernetesCaCert: args.topology.kubernetesCaCert,
      disableLocalCaJwt: true,
      tokenReviewerJwtWo: tokenReviewerJwt(owner, name, args.topology.reviewerNamespace),
      tokenReviewerJwtWoVersion: 1,
      ...issuerCheck,
    }, { parent: owner });
  }
  return backend;
}

/** A service account that may only create TokenReviews and SubjectAccessReviews, and its token. */
function tokenReviewerJwt(owner: pulumi.ComponentResource, name: string, namespace: string): pulumi.Output<string> {
  const labels = { [LABELS.managedBy]: MANAGED_BY };
  const account = new k8s.core.v1.ServiceAccount(`${name}-token-reviewer`, {
    metadata: { name: TOKEN_REVIEWER_SERVICE_ACCOUNT, namespace, labels },
    automountServiceAccountToken: false,
  }, { parent: owner });
  new k8s.rbac.v1.ClusterRoleBinding(`${name}-token-reviewer`, {
    metadata: { name: `${namespace}-${TOKEN_REVIEWER_SERVICE_ACCOUNT}`, labels },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
    subjects: [{ kind: "ServiceAccount", name: TOKEN_REVIEWER_SERVICE_ACCOUNT, namespace }],
  }, { parent: owner });
  const tokenSecret = new k8s.core.v1.Secret(`${name}-token-reviewer-secret`, {
    metadata: { name: `${TOKEN_REVIEWER_SERVICE_ACCOUNT}-token`, namespace, labels, annotations: { "kubernetes.io/service-account.name": TOKEN_REVIEWER_SERVICE_ACCOUNT } },
    type: "kubernetes.io/service-account-token",
  }, { parent: owner, dependsOn: [account] });
  // The token controller fills the token in after creation, so it is read back from the cluster
  // (by the id, which a preview does not know yet: the read then waits for the update).
  const filled = k8s.core.v1.Secret.get(`${name}-token-reviewer-filled`, tokenSecret.id, { parent: owner, dependsOn: [tokenSecret] });
  return pulumi.secret(filled.data.apply((data) => {
    const token = data?.token;
    if (token === undefined) throw new Error(`the token controller has not filled ${namespace}/${TOKEN_REVIEWER_SERVICE_ACCOUNT}-token yet; run the update again`);
    return Buffer.from(token, "base64").toString("utf8");
  }));
}
