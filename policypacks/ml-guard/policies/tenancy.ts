import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { DEFAULT_EXEMPT_NAMESPACES, exemptNamespacesSchema, type ExemptNamespacesConfig } from "../lib/config";
import { reportFindings, unverified, violation, type Finding } from "../lib/findings";
import { givenSelectorIsEmpty, isKind, labelSelectorIsEmpty } from "../lib/kubernetes";
import { perSubjectStackRule } from "../lib/stackRule";
import { dependsOnThrough, namespaceName, objectName, ofKind, withRawProps, type StackResource } from "../lib/stack";
import { ofKindInNamespace } from "../lib/stackIndexes";
import { asArray, asRecord, asString, containsUnknown, isUnknown, rawProps } from "../lib/values";

const PSA_ENFORCE = "pod-security.kubernetes.io/enforce";
const GPU_QUOTA_KEYS = ["requests.nvidia.com/gpu", "requests.amd.com/gpu", "requests.gpu.intel.com/gpu"];

const exempt = (config: ExemptNamespacesConfig) => new Set(config.exemptNamespaces ?? DEFAULT_EXEMPT_NAMESPACES);

/** Platform namespaces whose pods need the host (Falco's eBPF probe and host mounts): they may enforce a weaker Pod Security level, and only they. */
export const DEFAULT_PRIVILEGED_NAMESPACES = ["falco"];
interface NamespaceRestrictedConfig extends ExemptNamespacesConfig {
  privilegedNamespaces?: string[];
}

const namespaceRestricted: ResourceValidationPolicy = {
  name: "k8s-namespace-missing-restricted-pss",
  description: "Namespaces must enforce the Pod Security Standards restricted profile.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: `Label the namespace ${PSA_ENFORCE}=restricted (plus enforce-version, audit and warn).`,
  configSchema: {
    properties: {
      ...exemptNamespacesSchema.properties,
      privilegedNamespaces: {
        type: "array",
        items: { type: "string" },
        default: DEFAULT_PRIVILEGED_NAMESPACES,
        description: "Platform namespaces allowed a Pod Security level below restricted, by name (Falco's); every other team-namespace rule still applies to them.",
      },
    },
  },
  validateResource: (args, reportViolation) => {
    if (!isKind(args.type, "", "Namespace")) return;
    const metadata = asRecord(rawProps(args.props).metadata);
    const name = asString(metadata.name);
    const config = args.getConfig<NamespaceRestrictedConfig>();
    if (name !== undefined && (exempt(config).has(name) || (config.privilegedNamespaces ?? DEFAULT_PRIVILEGED_NAMESPACES).includes(name))) return;
    const path = `metadata.labels["${PSA_ENFORCE}"]`;
    const labels = metadata.labels;
    const value = asRecord(labels)[PSA_ENFORCE];
    const findings: Finding[] = isUnknown(labels) || isUnknown(value)
      ? [unverified(path, "the Pod Security enforce label")]
      : value === "restricted"
        ? []
        : [violation(path, `namespace ${name ?? "(unnamed)"} enforces ${value === undefined ? "no Pod Security level" : JSON.stringify(value)}; set the label to restricted`)];
    reportFindings(reportViolation, findings);
  },
};

/** Team namespaces of the stack: every Namespace except the exempt ones. */
function teamNamespaces(items: StackResource[], config: ExemptNamespacesConfig): StackResource[] {
  const skip = exempt(config);
  return ofKind(items, "", "Namespace").filter((namespace) => !skip.has(objectName(namespace) ?? ""));
}

function namespaceGuardrail(
  name: string,
  description: string,
  remediationSteps: string,
  find: (namespace: StackResource, items: StackResource[]) => Finding[],
): StackValidationPolicy {
  return perSubjectStackRule({ name, description, remediationSteps, configSchema: exemptNamespacesSchema }, teamNamespaces, find);
}

const label = (namespace: StackResource) => objectName(namespace) ?? namespace.resource.name;

const gpuQuota = namespaceGuardrail(
  "k8s-namespace-missing-gpu-quota",
  "Every team namespace must have a ResourceQuota that bounds GPUs.",
  "Add a ResourceQuota with hard[\"requests.nvidia.com/gpu\"] (0 for a team without GPUs).",
  (namespace, items) => {
    const quotas = ofKindInNamespace(items, "", "ResourceQuota", namespace);
    // An unknown spec hides its hard limits as much as an unknown hard does.
    const hards = quotas.map((quota) => (isUnknown(quota.props.spec) ? quota.props.spec : asRecord(quota.props.spec).hard));
    if (hards.some((hard) => GPU_QUOTA_KEYS.some((key) => asRecord(hard)[key] !== undefined))) return [];
    return hards.some(isUnknown) ? [unverified("ResourceQuota.spec.hard", `the quota of namespace ${label(namespace)}`)] : [violation("metadata.name", `namespace ${label(namespace)} has no ResourceQuota bounding requests.nvidia.com/gpu; one team could take every GPU of the cluster`)];
  },
);

const limitRange = namespaceGuardrail(
  "k8s-namespace-missing-limit-range",
  "Every team namespace must have a LimitRange giving containers default requests and limits.",
  "Add a LimitRange of type Container with default and defaultRequest for cpu and memory.",
  (namespace, items) =>
    ofKindInNamespace(items, "", "LimitRange", namespace).length > 0
      ? []
      : [violation("metadata.name", `namespace ${label(namespace)} has no LimitRange; containers without requests escape the quota's accounting`)],
);

/**
 * Whether a policy selecting every pod with the given type and no rule for it denies that direction;
 * undefined when the parts deciding it are unknown until apply. Without policyTypes, Kubernetes
 * applies the policy to Ingress always and to Egress only when it has egress rules.
 */
function deniesAll(policy: StackResource, direction: "Ingress" | "Egress"): boolean | undefined {
  const spec = asRecord(policy.props.spec);
  const rulesValue = spec[direction === "Ingress" ? "ingress" : "egress"];
  if (isUnknown(policy.props.spec) || [spec.podSelector, spec.policyTypes, rulesValue].some(containsUnknown)) return undefined;
  const declared = asArray(spec.policyTypes);
  const types = declared.length === 0 ? ["Ingress"] : declared;
  return labelSelectorIsEmpty(spec.podSelector) && types.includes(direction) && asArray(rulesValue).length === 0;
}

const defaultDeny = namespaceGuardrail(
  "k8s-namespace-missing-default-deny",
  "Every team namespace must have a default-deny NetworkPolicy for ingress and egress.",
  "Add a NetworkPolicy with podSelector: {} and policyTypes [Ingress, Egress] and no rules, then allow what is needed.",
  (namespace, items) => {
    const policies = ofKindInNamespace(items, "networking.k8s.io", "NetworkPolicy", namespace);
    const verdicts = (["Ingress", "Egress"] as const).map((direction) => ({ direction, denies: policies.map((policy) => deniesAll(policy, direction)) }));
    const missing = verdicts.filter(({ denies }) => !denies.includes(true));
    const unknown = missing.filter(({ denies }) => denies.includes(undefined)).map(({ direction }) => direction);
    const absent = missing.filter(({ denies }) => !denies.includes(undefined)).map(({ direction }) => direction);
    return [
      ...(unknown.length > 0 ? [unverified("NetworkPolicy.spec", `the default deny for ${unknown.join(" and ")} of namespace ${label(namespace)}`)] : []),
      ...(absent.length > 0 ? [violation("metadata.name", `namespace ${label(namespace)} has no default-deny NetworkPolicy for ${absent.join(" and ")}; every pod is reachable / can reach anything until one exists`)] : []),
    ];
  },
);

interface NetworkPolicyConfig {
  minPrefixLength?: number;
}

/** The prefix length of an IPv4 or IPv6 CIDR, or undefined if it is not one. */
function prefixLength(cidr: string): number | undefined {
  const match = /^[0-9a-fA-F:.]+\/(\d{1,3})$/.exec(cidr.trim());
  return match ? Number(match[1]) : undefined;
}

function peerFindings(peers: unknown, path: string, direction: string, minPrefix: number): Finding[] {
  if (isUnknown(peers)) return [unverified(path, `the ${direction} peers`)];
  const list = asArray(peers);
  if (list.length === 0) return [violation(path, `the rule allows all ${direction === "ingress" ? "sources" : "destinations"} (no ${path.endsWith("from") ? "from" : "to"}); name the peers`)];
  return list.flatMap((peer, index) => {
    const entry = asRecord(peer);
    const peerPath = `${path}[${index}]`;
    if (isUnknown(peer)) return [unverified(peerPath, `the ${direction} peer`)];
    // An empty namespace selector with no (or an empty) pod selector is every pod of every namespace.
    const everyNamespace = givenSelectorIsEmpty(entry.namespaceSelector);
    const everyPod = entry.podSelector === undefined || givenSelectorIsEmpty(entry.podSelector);
    if (everyNamespace === true && everyPod === true) {
      return [violation(`${peerPath}.namespaceSelector`, `an empty namespaceSelector matches every pod of every namespace; select the namespaces by label`)];
    }
    if (everyNamespace !== false && everyPod !== false) return [unverified(`${peerPath}.namespaceSelector`, "the peer's selectors")];
    const cidr = isUnknown(entry.ipBlock) ? entry.ipBlock : asRecord(entry.ipBlock).cidr;
    if (isUnknown(cidr)) return [unverified(`${peerPath}.ipBlock.cidr`, "the CIDR")];
    const length = typeof cidr === "string" ? prefixLength(cidr) : undefined;
    if (length !== undefined && length < minPrefix) {
      return [violation(`${peerPath}.ipBlock.cidr`, `${String(cidr)} is /${length}, wider than /${minPrefix}: it opens ${length === 0 ? "the whole internet" : "a large part of the address space"}; name the endpoint's own CIDR`)];
    }
    return [];
  });
}

const networkPolicyAllowAll: ResourceValidationPolicy = {
  name: "k8s-networkpolicy-disallow-allow-all",
  description: "NetworkPolicies must not allow all ingress or all egress (no empty peer lists, empty namespace selectors or /0 ranges).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "List the peers (pod/namespace selectors or narrow ipBlocks) each rule needs.",
  configSchema: {
    properties: { minPrefixLength: { type: "integer", minimum: 0, maximum: 32, default: 8, description: "Narrowest allowed ipBlock prefix length (8 forbids /0-/7)." } },
  },
  validateResource: (args, reportViolation) => {
    if (!isKind(args.type, "networking.k8s.io", "NetworkPolicy")) return;
    const minPrefix = args.getConfig<NetworkPolicyConfig>().minPrefixLength ?? 8;
    const rawSpec = rawProps(args.props).spec;
    if (isUnknown(rawSpec)) return reportFindings(reportViolation, [unverified("spec", "the NetworkPolicy spec")]);
    const spec = asRecord(rawSpec);
    const findings = (["ingress", "egress"] as const).flatMap((direction) => {
      const rules = spec[direction];
      if (isUnknown(rules)) return [unverified(`spec.${direction}`, `the ${direction} rules`)];
      return asArray(rules).flatMap((rule, index) => isUnknown(rule) ? [unverified(`spec.${direction}[${index}]`, `the ${direction} rule`)] :
        peerFindings(asRecord(rule)[direction === "ingress" ? "from" : "to"], `spec.${direction}[${index}].${direction === "ingress" ? "from" : "to"}`, direction, minPrefix));
    });
    reportFindings(reportViolation, findings);
  },
};

/** Built-in ClusterRoles that give full control (admin and edit include Secrets write). */
const POWERFUL_CLUSTER_ROLES = new Set(["cluster-admin", "admin", "edit"]);
/** The system: groups (and user) that stand for every caller: binding them grants everyone. */
const EVERYONE = new Set(["system:authenticated", "system:unauthenticated", "system:anonymous", "system:serviceaccounts"]);
const isHumanSubject = (subject: Record<string, unknown>) => {
  const name = asString(subject.name) ?? "";
  return (subject.kind === "Group" || subject.kind === "User") && (!name.startsWith("system:") || EVERYONE.has(name));
};
/** A subject whose kind or name is unknown until apply: it may be a team group. */
const isUnknownSubject = (subject: unknown) => isUnknown(subject) || isUnknown(asRecord(subject).kind) || isUnknown(asRecord(subject).name);

const clusterRoleBinding: ResourceValidationPolicy = {
  name: "k8s-clusterrolebinding-disallow-team-admin",
  description: "Users and groups must not be bound cluster-wide to cluster-admin, admin or edit.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Bind the team's group to a namespaced Role with a RoleBinding in the team's namespace.",
  validateResource: (args, reportViolation) => {
    if (!isKind(args.type, "rbac.authorization.k8s.io", "ClusterRoleBinding")) return;
    const props = rawProps(args.props);
    const roleName = asRecord(props.roleRef).name;
    if (isUnknown(roleName)) return reportFindings(reportViolation, [unverified("roleRef.name", "the bound ClusterRole")]);
    const role = asString(roleName);
    if (!role || !POWERFUL_CLUSTER_ROLES.has(role)) return;
    if (isUnknown(props.subjects)) return reportFindings(reportViolation, [unverified("subjects", "the subjects")]);
    const findings = asArray(props.subjects).flatMap((subject, index) =>
      isUnknownSubject(subject) ? [unverified(`subjects[${index}]`, "the subject")] : isHumanSubject(asRecord(subject))
        ? [violation(`subjects[${index}]`, `${String(asRecord(subject).kind)} ${String(asRecord(subject).name)} gets ${role} on the whole cluster; use a RoleBinding to a namespaced Role instead`)]
        : []);
    reportFindings(reportViolation, findings);
  },
};

const WRITE_VERBS = new Set(["create", "update", "patch", "delete", "deletecollection", "*"]);

/** Whether a Role's rules let the holder write Secrets. */
function grantsSecretsWrite(rules: unknown): boolean {
  return asArray(rules).some((rule) => {
    const { apiGroups, resources, verbs } = asRecord(rule);
    return asArray(apiGroups).some((group) => group === "" || group === "*") &&
      asArray(resources).some((resource) => resource === "secrets" || resource === "*") &&
      asArray(verbs).some((verb) => WRITE_VERBS.has(String(verb).toLowerCase()));
  });
}

/** The Role or ClusterRole of the stack a RoleBinding refers to: by name, or through its roleRef's dependency. */
function boundRole(binding: StackResource, roles: StackResource[]): StackResource | undefined {
  const roleRef = asRecord(binding.props.roleRef);
  return roles.find((role) => {
    if (!role.resource.type.endsWith(`:${String(roleRef.kind)}`)) return false;
    const named = objectName(role) === asString(roleRef.name) || dependsOnThrough(binding.resource, "roleRef", role.resource);
    // A Role only serves bindings in its own namespace; a ClusterRole serves all.
    const sameNamespace = roleRef.kind === "ClusterRole" || namespaceName(role) === undefined || namespaceName(role) === namespaceName(binding);
    return named && sameNamespace;
  });
}

const roleBindingSecretsWrite: StackValidationPolicy = {
  name: "k8s-rolebinding-disallow-secrets-write",
  description: "Team groups and users must not be granted write access to Secrets (secrets come through External Secrets).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Remove create/update/patch/delete on secrets from the Role, or bind the group to a Role without them.",
  validateStack: (args, reportViolation) => {
    const items = withRawProps(args.resources);
    const roles = [...ofKind(items, "rbac.authorization.k8s.io", "Role"), ...ofKind(items, "rbac.authorization.k8s.io", "ClusterRole")];
    for (const binding of ofKind(items, "rbac.authorization.k8s.io", "RoleBinding")) {
      const subjects = asArray(binding.props.subjects).map(asRecord).filter(isHumanSubject);
      if (subjects.length === 0) continue;
      const roleRef = asRecord(binding.props.roleRef);
      const roleName = asString(roleRef.name);
      const bound = boundRole(binding, roles);
      const writes = roleRef.kind === "ClusterRole" && roleName !== undefined && POWERFUL_CLUSTER_ROLES.has(roleName)
        ? true
        : grantsSecretsWrite(bound?.props.rules);
      if (!writes && (containsUnknown(bound?.props.rules) || (bound === undefined && isUnknown(roleRef.name)))) {
        reportFindings(reportViolation, [unverified("roleRef", `the rules of the bound ${String(roleRef.kind)}`)], binding.resource.urn);
      }
      if (writes) {
        reportFindings(reportViolation, [violation("roleRef", `${subjects.map((subject) => `${String(subject.kind)} ${String(subject.name)}`).join(", ")} can write Secrets through ${String(roleRef.kind)} ${roleName ?? "(unknown)"}; remove secrets write from the role`)], binding.resource.urn);
      }
    }
  },
};

export const tenancyPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  namespaceRestricted, gpuQuota, limitRange, defaultDeny, networkPolicyAllowAll, clusterRoleBinding, roleBindingSecretsWrite,
];
