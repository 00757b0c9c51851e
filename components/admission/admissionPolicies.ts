import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LABELS, MANAGED_BY, WORKLOAD_ROLES } from "../tenancy/labels";
import { admissionPolicySet } from "./policySet";

export interface AdmissionPoliciesArgs {
  /** Registry patterns images may come from (`*` matches one DNS label; an optional repository prefix may follow). */
  allowedRegistries: string[];
  /** ServiceAccounts (`namespace/name`) whose pods may mount a Kubernetes API token, e.g. an operator that calls the API. Default none. */
  allowedTokenServiceAccounts?: string[];
  /** Namespaces no policy applies to, even when labelled as a team's. Default kube-system, kube-public, kube-node-lease (ml-guard's exemptNamespaces default). */
  exemptNamespaces?: string[];
  /** Name of the teams' serving ServiceAccount: pods running as it serve a model, whatever their labels. Default `serving` (TeamNamespace's). */
  servingServiceAccount?: string;
  /** Audiences the cluster's API server accepts: a projected token for one of them is an API token. Default the in-cluster names of kubernetes.default.svc (ml-guard's apiServerAudiences default). */
  apiServerAudiences?: string[];
}

export const DEFAULT_EXEMPT_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease"];
export const DEFAULT_API_SERVER_AUDIENCES = ["https://kubernetes.default.svc", "https://kubernetes.default.svc.cluster.local", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"];

/** namespace/name of a ServiceAccount (DNS label / DNS subdomain). */
const SERVICE_ACCOUNT_REFERENCE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * The namespaces the policies apply to: team namespaces (the label TeamNamespace sets), minus the
 * exempt ones by name. FACT: the API server labels every namespace kubernetes.io/metadata.name with
 * its name (kubernetes pkg/apis/core/v1/defaults.go SetDefaults_Namespace, not feature-gated in
 * current releases; the label exists since v1.21).
 */
function namespaceSelector(exempt: string[]) {
  return {
    matchExpressions: [
      { key: LABELS.team, operator: "Exists" },
      // A selector's NotIn needs values.
      ...(exempt.length > 0 ? [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: exempt }] : []),
    ],
  };
}

/**
 * ml-guard's workload rules enforced by the API server itself (ValidatingAdmissionPolicy, no extra
 * operator), so workloads deployed without Pulumi (kubectl, Helm, Argo CD) meet them too: pinned
 * images from allowed registries, read-only root filesystems, no default ServiceAccount, no
 * Kubernetes API token unless allowlisted, and model labels and artifact SHA-256 on serving
 * workloads. Bound to team namespaces outside the exempt ones.
 */
export class AdmissionPolicies extends pulumi.ComponentResource {
  constructor(name: string, args: AdmissionPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    const badReference = (args.allowedTokenServiceAccounts ?? []).find((entry) => !SERVICE_ACCOUNT_REFERENCE.test(entry));
    if (badReference !== undefined) throw new Error(`AdmissionPolicies ${name}: allowedTokenServiceAccounts entry ${JSON.stringify(badReference)} must be namespace/name of a ServiceAccount, e.g. vision/model-operator`);
    super("secure-ml:admission:AdmissionPolicies", name, {}, opts);
    const labels = { [LABELS.managedBy]: MANAGED_BY };
    const policies = admissionPolicySet({
      allowedRegistries: args.allowedRegistries,
      allowedServiceAccounts: args.allowedTokenServiceAccounts ?? [],
      apiServerAudiences: args.apiServerAudiences ?? DEFAULT_API_SERVER_AUDIENCES,
      servingServiceAccount: args.servingServiceAccount ?? WORKLOAD_ROLES.serving,
    });
    const matchResources = { namespaceSelector: namespaceSelector(args.exemptNamespaces ?? DEFAULT_EXEMPT_NAMESPACES) };
    for (const { name: policyName, spec, formerName } of policies) {
      const aliases = (suffix: string) => (formerName ? { aliases: [{ name: `${name}-${formerName}${suffix}` }] } : {});
      const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(`${name}-${policyName}`, { metadata: { name: policyName, labels }, spec }, { parent: this, ...aliases("") });
      new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(`${name}-${policyName}-binding`, {
        metadata: { name: policyName, labels },
        spec: { policyName: policy.metadata.name, validationActions: ["Deny", "Audit"], matchResources },
      }, { parent: this, ...aliases("-binding") });
    }
    this.registerOutputs({});
  }
}
