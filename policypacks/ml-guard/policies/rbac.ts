import type { PolicyConfigSchema, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { DEFAULT_EXEMPT_NAMESPACES, exemptNamespacesSchema, isExemptNamespace, type ExemptNamespacesConfig } from "../lib/config";
import { reportFindings, unverified, violation, type Finding } from "../lib/findings";
import { isKind, podTemplatesOf, type PodView } from "../lib/kubernetes";
import { bindingSubjects, bindingsOf, boundRules, POWERFUL_CLUSTER_ROLES, serviceAccountNamespace, type SubjectClass } from "../lib/rbacBindings";
import { escalationPathFindings, secretReadAllFindings, type BindingScope } from "../lib/rbacRules";
import { objectName, withRawProps, type StackResource } from "../lib/stack";
import { asArray, asRecord, asString, isUnknown, rawProps } from "../lib/values";

const RBAC = "rbac.authorization.k8s.io";
const exempt = (config: ExemptNamespacesConfig) => new Set(config.exemptNamespaces ?? DEFAULT_EXEMPT_NAMESPACES);
const isBinding = (type: string) => isKind(type, RBAC, "RoleBinding") || isKind(type, RBAC, "ClusterRoleBinding");

/** The built-in powerful ClusterRole a binding's roleRef names, `unknown` until apply, or undefined for any other role. */
type PowerfulRole = { role: string } | "unknown" | undefined;

function powerfulRoleOf(props: Record<string, unknown>): PowerfulRole {
  const roleRef = asRecord(props.roleRef);
  if ([props.roleRef, roleRef.kind, roleRef.name].some(isUnknown)) return "unknown";
  const name = asString(roleRef.name);
  // A Role that happens to be named admin is the team's own; only the ClusterRole is the built-in one.
  return roleRef.kind === "ClusterRole" && name !== undefined && POWERFUL_CLUSTER_ROLES.has(name) ? { role: name } : undefined;
}

const serviceAccountAdmin: ResourceValidationPolicy = {
  name: "k8s-rbac-disallow-service-account-admin",
  description: "Workload ServiceAccounts must not be bound to cluster-admin, admin or edit, cluster-wide or in a namespace.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Bind the ServiceAccount to a namespaced Role listing only the verbs and resources the workload calls; most workloads need none.",
  configSchema: exemptNamespacesSchema,
  validateResource: (args, reportViolation) => {
    if (!isBinding(args.type)) return;
    const props = rawProps(args.props);
    const powerful = powerfulRoleOf(props);
    if (powerful === "unknown") return reportFindings(reportViolation, [unverified("roleRef", "the bound role")]);
    if (powerful === undefined) return;
    const { role } = powerful;
    if (isUnknown(props.subjects)) return reportFindings(reportViolation, [unverified("subjects", "the subjects")]);
    const scope = isKind(args.type, RBAC, "ClusterRoleBinding") ? "the whole cluster" : `namespace ${asString(asRecord(props.metadata).namespace) ?? "(unknown)"}`;
    const findings = bindingSubjects(props, exempt(args.getConfig<ExemptNamespacesConfig>())).flatMap(({ kind, path, label }) =>
      kind === "unknown" ? [unverified(path, "the subject")]
        : kind === "workload" ? [violation(path, `${label} gets ${role} on ${scope}: a compromised pod then controls it; bind a Role with only what the workload calls`)]
          : []);
    reportFindings(reportViolation, findings);
  },
};

const teamRoleBindingAdmin: ResourceValidationPolicy = {
  name: "k8s-rolebinding-disallow-admin-cluster-role",
  description: "RoleBindings in team namespaces must not bind the ClusterRoles cluster-admin, admin or edit, for any subject.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Reference a Role of the namespace that lists the verbs and resources the subjects need (admin and edit include Secrets, pods/exec and impersonation).",
  configSchema: exemptNamespacesSchema,
  validateResource: (args, reportViolation) => {
    if (!isKind(args.type, RBAC, "RoleBinding")) return;
    const props = rawProps(args.props);
    const powerful = powerfulRoleOf(props);
    if (powerful === undefined) return;
    const metadata = asRecord(props.metadata);
    if (powerful !== "unknown" && (isUnknown(props.metadata) || isUnknown(metadata.namespace))) {
      return reportFindings(reportViolation, [unverified("metadata.namespace", "the binding's namespace")]);
    }
    const namespace = asString(metadata.namespace);
    if (isExemptNamespace(namespace, args.getConfig<ExemptNamespacesConfig>())) return;
    reportFindings(reportViolation, [powerful === "unknown"
      ? unverified("roleRef", "the bound role")
      : violation("roleRef.name", `binds ClusterRole ${powerful.role} in team namespace ${namespace ?? "default"}: it grants Secrets, pods/exec and impersonation there; reference a Role of the namespace instead`)]);
  },
};

/** Whether a binding grants its role outside the team namespace of each holder (its own namespace for a ServiceAccount). */
function scopeOf(binding: StackResource, holders: { subject: unknown }[], skip: Set<string>): BindingScope {
  if (isKind(binding.resource.type, RBAC, "ClusterRoleBinding")) return "outside";
  const metadata = asRecord(binding.props.metadata);
  if (isUnknown(binding.props.metadata) || isUnknown(metadata.namespace)) return "unknown";
  const namespace = asString(metadata.namespace) ?? "default";
  if (skip.has(namespace)) return "outside";
  const elsewhere = holders.some(({ subject }) => {
    const record = asRecord(subject);
    // system:serviceaccounts holds every service account, so it reaches beyond any one namespace.
    if (record.kind === "Group" && record.name === "system:serviceaccounts") return true;
    const accountNamespace = serviceAccountNamespace(record, namespace);
    return accountNamespace !== undefined && accountNamespace !== namespace;
  });
  return elsewhere ? "outside" : "team-namespace";
}

type RoleCheck = (rules: unknown, path: string, scope: BindingScope) => Finding[];

/**
 * A stack rule over every binding whose subjects include one of `holders`: it resolves the bound role
 * (in the stack, else built-in) and reports `check`'s findings at the role (or, for a built-in role,
 * at the binding's roleRef), naming who holds them and through which binding.
 */
function boundRoleRule(metadata: Pick<StackValidationPolicy, "name" | "description" | "severity" | "remediationSteps">, holders: SubjectClass[], check: RoleCheck): StackValidationPolicy {
  return {
    ...metadata,
    enforcementLevel: "mandatory",
    configSchema: exemptNamespacesSchema,
    validateStack: (args, reportViolation) => {
      const items = withRawProps(args.resources);
      const skip = exempt(args.getConfig<ExemptNamespacesConfig>());
      for (const binding of bindingsOf(items)) {
        const subjects = bindingSubjects(binding.props, skip);
        const held = subjects.filter(({ kind }) => holders.includes(kind));
        const someUnknown = isUnknown(binding.props.subjects) || subjects.some(({ kind }) => kind === "unknown");
        if (held.length === 0 && !someUnknown) continue;
        const bound = boundRules(binding, items);
        if ("unknown" in bound) {
          reportFindings(reportViolation, [bound.unknown], binding.resource.urn);
          continue;
        }
        const findings = check(bound.rules, bound.path, scopeOf(binding, held, skip));
        if (findings.length === 0) continue;
        if (held.length === 0) {
          reportFindings(reportViolation, [unverified("subjects", `who is bound to ${bound.role}, whose rules this rule refuses for team members and workloads,`)], binding.resource.urn);
          continue;
        }
        const via = `${held.map(({ label }) => label).join(", ")} (through ${binding.resource.type.split(":").pop()} ${objectName(binding) ?? binding.resource.name}, ${bound.role})`;
        reportFindings(reportViolation, findings.map((finding) => ({
          ...finding,
          path: bound.builtIn ? "roleRef.name" : finding.path,
          message: finding.unverified ? finding.message : `${via} ${finding.message}`,
        })), bound.urn);
      }
    },
  };
}

const secretReadAll = boundRoleRule(
  {
    name: "k8s-rbac-disallow-secret-read-all",
    description: "Workload ServiceAccounts must not get, list or watch every Secret of a namespace (rules on secrets need resourceNames).",
    severity: "high",
    remediationSteps: "Name the Secrets the workload reads in the rule's resourceNames (get only), or mount them instead of reading them through the API.",
  },
  ["workload"],
  (rules, path) => secretReadAllFindings(rules, path),
);

const escalationPaths = boundRoleRule(
  {
    name: "k8s-rbac-disallow-escalation-paths",
    description: "Roles bound to team groups or workload ServiceAccounts must not grant wildcards, escalate/bind/impersonate, pods/exec or attach outside the team's namespace, nodes/proxy, CSR approval or admission configuration writes.",
    severity: "critical",
    remediationSteps: "List explicit verbs and resources; drop escalate, bind, impersonate, nodes/proxy, certificate approval and admission configuration writes; grant pods/exec only by a RoleBinding in the team's own namespace.",
  },
  ["team", "workload"],
  (rules, path, scope) => escalationPathFindings(rules, path, scope),
);

interface TokenConfig extends ExemptNamespacesConfig {
  allowedTokenServiceAccounts?: string[];
  apiServerAudiences?: string[];
}

/** Audiences the API server accepts by default (its service-account issuer's in-cluster identifiers). */
const DEFAULT_API_SERVER_AUDIENCES = ["https://kubernetes.default.svc", "https://kubernetes.default.svc.cluster.local", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"];

const tokenConfigSchema: PolicyConfigSchema = {
  properties: {
    ...exemptNamespacesSchema.properties,
    allowedTokenServiceAccounts: {
      type: "array",
      items: { type: "string", pattern: "^[^/]+/[^/]+$" },
      default: [],
      description: "ServiceAccounts (namespace/name) whose pods may mount a Kubernetes API token, e.g. an operator that calls the API.",
    },
    apiServerAudiences: {
      type: "array",
      items: { type: "string" },
      default: DEFAULT_API_SERVER_AUDIENCES,
      description: "Audiences the cluster's API server accepts: a projected token for one of them (or without an audience) is an API token.",
    },
  },
};

const allowedAccount = (config: TokenConfig, namespace: string | undefined, name: string) =>
  (config.allowedTokenServiceAccounts ?? []).includes(`${namespace ?? "default"}/${name}`);

/** Projected service account tokens of a pod that the API server accepts: no audience (it defaults to the API server's) or one of its audiences. */
function apiServerTokenVolumes(pod: PodView, audiences: string[]): Finding[] {
  return asArray(pod.spec.volumes).flatMap((volume, index) =>
    asArray(asRecord(asRecord(volume).projected).sources).flatMap((source, sourceIndex) => {
      const token = asRecord(source).serviceAccountToken;
      if (token === undefined || token === null) return [];
      const path = `${pod.specPath}.volumes[${index}].projected.sources[${sourceIndex}].serviceAccountToken.audience`;
      const audience = asRecord(token).audience;
      if (isUnknown(token) || isUnknown(audience)) return [unverified(path, "the projected token's audience")];
      const text = asString(audience) ?? "";
      return text === "" || audiences.includes(text)
        ? [violation(path, `projects a token ${text === "" ? "without an audience (it defaults to the API server's)" : `for the API server's audience ${JSON.stringify(text)}`}; give it the audience of the service that reads it (e.g. vault)`)]
        : [];
    }));
}

function podTokenFindings(pod: PodView, config: TokenConfig): Finding[] {
  const automount = pod.spec.automountServiceAccountToken;
  const automountPath = `${pod.specPath}.automountServiceAccountToken`;
  const mounts: Finding[] = [
    ...(pod.unknownPaths.includes(pod.specPath) || isUnknown(automount) ? [unverified(automountPath, "automountServiceAccountToken")] : []),
    ...(pod.unknownPaths.includes(`${pod.specPath}.volumes`) ? [unverified(`${pod.specPath}.volumes`, "the projected tokens of the pod")] : []),
    ...(automount === true ? [violation(automountPath, "mounts a Kubernetes API token into every container; set it to false (or allowlist the ServiceAccount in allowedTokenServiceAccounts)")] : []),
    ...apiServerTokenVolumes(pod, config.apiServerAudiences ?? DEFAULT_API_SERVER_AUDIENCES),
  ];
  if (mounts.every((finding) => finding.unverified)) return mounts;
  // serviceAccount is the deprecated alias the API server still honours.
  const accountValue = pod.spec.serviceAccountName ?? pod.spec.serviceAccount;
  if (isUnknown(accountValue)) return (config.allowedTokenServiceAccounts ?? []).length > 0 ? [unverified(`${pod.specPath}.serviceAccountName`, "the ServiceAccount allowed an API token")] : mounts;
  return allowedAccount(config, pod.namespace, asString(accountValue) || "default") ? [] : mounts;
}

const podTokenAutomount: ResourceValidationPolicy = {
  name: "pod-restrict-api-token-mount",
  description: "Pods must not mount a Kubernetes API token (automountServiceAccountToken: true or a projected token for the API server) unless their ServiceAccount is allowlisted.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set automountServiceAccountToken: false; for Vault or another service, project a token with that service's audience; a pod that must call the API goes in allowedTokenServiceAccounts.",
  configSchema: tokenConfigSchema,
  validateResource: (args, reportViolation) => {
    const pods = podTemplatesOf(args.type, rawProps(args.props));
    if (pods.length === 0) return;
    const config = args.getConfig<TokenConfig>();
    if (isExemptNamespace(pods[0].namespace, config)) return;
    reportFindings(reportViolation, pods.flatMap((pod) => podTokenFindings(pod, config)));
  },
};

const serviceAccountAutomount: ResourceValidationPolicy = {
  name: "k8s-serviceaccount-disallow-token-automount",
  description: "ServiceAccounts in team namespaces must not set automountServiceAccountToken: true unless allowlisted.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set automountServiceAccountToken: false on the ServiceAccount; a workload that must call the API goes in allowedTokenServiceAccounts.",
  configSchema: tokenConfigSchema,
  validateResource: (args, reportViolation) => {
    if (!isKind(args.type, "", "ServiceAccount")) return;
    const props = rawProps(args.props);
    const metadata = asRecord(props.metadata);
    const config = args.getConfig<TokenConfig>();
    const namespace = asString(metadata.namespace);
    if (isExemptNamespace(namespace, config)) return;
    const value = props.automountServiceAccountToken;
    const path = "automountServiceAccountToken";
    if (isUnknown(value)) return reportFindings(reportViolation, [unverified(path, "automountServiceAccountToken")]);
    if (value !== true) return;
    const allowlisting = (config.allowedTokenServiceAccounts ?? []).length > 0;
    if (allowlisting && (isUnknown(metadata.name) || isUnknown(metadata.namespace))) return reportFindings(reportViolation, [unverified("metadata", "the ServiceAccount allowed an API token")]);
    const name = asString(metadata.name) ?? "";
    if (allowedAccount(config, namespace, name)) return;
    reportFindings(reportViolation, [violation(path, `ServiceAccount ${namespace ?? "default"}/${name} mounts a Kubernetes API token into every pod that does not opt out; set it to false`)]);
  },
};

export const rbacPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  serviceAccountAdmin, teamRoleBindingAdmin, secretReadAll, escalationPaths, podTokenAutomount, serviceAccountAutomount,
];
