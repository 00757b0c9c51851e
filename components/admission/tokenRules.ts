/**
 * ml-guard's API token rules at admission: pod-restrict-api-token-mount (pods and workloads) and
 * k8s-serviceaccount-disallow-token-automount (ServiceAccounts). A ServiceAccount in the allowlist
 * (`namespace/name`, e.g. an operator that calls the API) may mount a token.
 */
import { celList } from "./celText";
import { NOT_BEING_DELETED, serviceAccountOf, type PodShape, type PolicySpec } from "./podShapes";

export interface TokenSettings {
  /** ServiceAccounts (`namespace/name`) whose pods may mount a Kubernetes API token. */
  allowedServiceAccounts: string[];
  /** Audiences the API server accepts: a projected token for one of them is an API token. */
  apiServerAudiences: string[];
}

/**
 * What the API server sees of a pod that inherits token automount: the ServiceAccount admission
 * plugin, a mutating plugin that runs before every validating one, sets an empty serviceAccountName
 * to "default" and, unless the pod or else its ServiceAccount sets automountServiceAccountToken:
 * false, adds to each init and regular container without a mount at
 * /var/run/secrets/kubernetes.io/serviceaccount a volume `kube-api-access-<random>` (or reuses a
 * volume whose name has that prefix): projected, with a serviceAccountToken source WITHOUT audience
 * (path token, expirationSeconds 3607), the kube-root-ca.crt ConfigMap and the namespace. So on pods
 * an inherited token shows as a projected token without audience, which the second validation
 * refuses; on a workload's template it does not show yet (the plugin mutates Pods only), and its pods
 * are refused when created.
 * FACT: kubernetes plugin/pkg/admission/serviceaccount/admission.go (Admit, shouldAutomount,
 * mountServiceAccountToken, TokenVolumeSource; shouldIgnore: pods only), as in the 1.2x-1.3x
 * release branches (read in aks-lts/kubernetes a359a61; unchanged in structure since v1.22, when
 * bound token volumes became the default); pkg/kubeapiserver/options/plugins.go AllOrderedPlugins
 * (ServiceAccount ... MutatingAdmissionWebhook, ValidatingAdmissionPolicy) and apiserver
 * pkg/server/options/admission.go ("always runs the validating ones after all the mutating ones").
 */
const API_TOKEN_SOURCE = (audiences: string) =>
  `has(s.serviceAccountToken) && (!has(s.serviceAccountToken.audience) || s.serviceAccountToken.audience in ${audiences})`;

const allowlisted = (allowed: string[], name: string) => `(request.namespace + '/' + ${name}) in ${celList(allowed)}`;

export function apiTokenPolicy(shape: PodShape, settings: TokenSettings): PolicySpec {
  const spec = shape.spec;
  // An empty audience is the API server's own too.
  const audiences = celList(["", ...settings.apiServerAudiences]);
  return {
    failurePolicy: "Fail",
    // A pod's volumes and automount cannot change after creation.
    matchConstraints: { resourceRules: shape.resourceRules({ operations: ["CREATE"] }) },
    matchConditions: [NOT_BEING_DELETED],
    variables: [
      { name: "serviceAccount", expression: serviceAccountOf(spec) },
      { name: "allowed", expression: allowlisted(settings.allowedServiceAccounts, "variables.serviceAccount") },
    ],
    validations: [
      {
        expression: `variables.allowed || !has(${spec}.automountServiceAccountToken) || !${spec}.automountServiceAccountToken`,
        message: "pod-restrict-api-token-mount: automountServiceAccountToken: true mounts a Kubernetes API token into every container; set it to false, or allowlist the ServiceAccount (kubernetes.allowedTokenServiceAccounts)",
        reason: "Forbidden",
      },
      {
        expression: `variables.allowed || !has(${spec}.volumes) || !${spec}.volumes.exists(v, has(v.projected) && has(v.projected.sources) && v.projected.sources.exists(s, ${API_TOKEN_SOURCE(audiences)}))`,
        message: "pod-restrict-api-token-mount: a projected service account token without audience or for the API server's audience is a Kubernetes API token; the kube-api-access volume means the token is inherited from a ServiceAccount that does not set automountServiceAccountToken: false. Set it to false on the pod, give other projected tokens the audience of the service that reads them (e.g. vault), or allowlist the ServiceAccount",
        reason: "Forbidden",
      },
    ],
  };
}

export function serviceAccountAutomountPolicy(settings: TokenSettings): PolicySpec {
  return {
    failurePolicy: "Fail",
    matchConstraints: { resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["serviceaccounts"] }] },
    matchConditions: [NOT_BEING_DELETED],
    validations: [{
      // Unset is allowed here, as in ml-guard: the pods' own setting wins, and the pod policy sees the result.
      expression: `!has(object.automountServiceAccountToken) || !object.automountServiceAccountToken || ${allowlisted(settings.allowedServiceAccounts, "object.metadata.name")}`,
      message: "k8s-serviceaccount-disallow-token-automount: automountServiceAccountToken: true mounts a Kubernetes API token into every pod of this ServiceAccount that does not opt out; set it to false, or allowlist the ServiceAccount (kubernetes.allowedTokenServiceAccounts)",
      reason: "Forbidden",
    }],
  };
}
