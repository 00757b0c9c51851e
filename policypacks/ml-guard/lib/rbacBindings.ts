/**
 * Who a RoleBinding or ClusterRoleBinding grants to, and which rules it grants: the bound Role or
 * ClusterRole of the stack (by name and namespace, or through the roleRef's dependency), else a
 * built-in ClusterRole known by name. Anything else is unknown until apply.
 */
import { unverified, type Finding } from "./findings";
import { namespaceName, objectName, ofKind, type StackResource } from "./stack";
import { ofKindNamedOrReferenced } from "./stackIndexes";
import { asArray, asRecord, asString, isUnknown } from "./values";

const RBAC_GROUP = "rbac.authorization.k8s.io";
/** Built-in ClusterRoles that give full control of a namespace or the cluster. */
export const POWERFUL_CLUSTER_ROLES = new Set(["cluster-admin", "admin", "edit"]);
/** The groups Kubernetes puts every service account in (`system:serviceaccounts`) or every one of a namespace. */
const ALL_SERVICE_ACCOUNTS = "system:serviceaccounts";
/** The user name of a service account, `system:serviceaccount:<namespace>:<name>`: a User subject so named is that account. */
const SERVICE_ACCOUNT_USER = /^system:serviceaccount:([^:]+):[^:]+$/;
/** The namespace of a subject that is a service account (or every one of a namespace), when the subject names one. */
export function serviceAccountNamespace(subject: Record<string, unknown>, bindingNamespace: string | undefined): string | undefined {
  const name = asString(subject.name) ?? "";
  if (subject.kind === "ServiceAccount") return asString(subject.namespace) || bindingNamespace;
  if (subject.kind === "User") return SERVICE_ACCOUNT_USER.exec(name)?.[1];
  return subject.kind === "Group" && name.startsWith(`${ALL_SERVICE_ACCOUNTS}:`) ? name.slice(ALL_SERVICE_ACCOUNTS.length + 1) : undefined;
}

/** The groups that stand for every caller: binding them grants everyone, team members included. */
const EVERYONE = new Set(["system:authenticated", "system:unauthenticated", "system:anonymous"]);

/**
 * Who a subject is: a team member (a non-system user or group, or everyone), a workload (a service
 * account outside the exempt namespaces, or a group of them), unknown until apply, or other (the
 * control plane's own identities, service accounts of exempt namespaces).
 */
export type SubjectClass = "team" | "workload" | "unknown" | "other";

function classifySubject(subject: unknown, bindingNamespace: string | undefined, exempt: Set<string>): SubjectClass {
  const record = asRecord(subject);
  if ([subject, record.kind, record.name, record.namespace].some(isUnknown)) return "unknown";
  const name = asString(record.name) ?? "";
  if (record.kind !== "ServiceAccount" && record.kind !== "Group" && record.kind !== "User") return "other";
  if (record.kind === "Group" && name === ALL_SERVICE_ACCOUNTS) return "workload";
  // A RoleBinding's service account subject defaults to the binding's namespace; with none it matches no one.
  const accountNamespace = serviceAccountNamespace(record, bindingNamespace);
  if (accountNamespace !== undefined) return exempt.has(accountNamespace) ? "other" : "workload";
  if (record.kind === "ServiceAccount") return "other";
  return !name.startsWith("system:") || EVERYONE.has(name) ? "team" : "other";
}

const describeSubject = (subject: unknown, bindingNamespace?: string): string => {
  const record = asRecord(subject);
  const namespace = asString(record.namespace) || bindingNamespace;
  return record.kind === "ServiceAccount" ? `ServiceAccount ${namespace ?? "?"}/${String(record.name)}` : `${String(record.kind)} ${String(record.name)}`;
};

/** The subjects of a binding, each with where it sits and who it is. */
export function bindingSubjects(props: Record<string, unknown>, exempt: Set<string>) {
  const metadata = asRecord(props.metadata);
  const namespace = asString(metadata.namespace);
  // A service account named without a namespace lives in the binding's: unknown while that is.
  const namespaceUnknown = isUnknown(props.metadata) || isUnknown(metadata.namespace);
  const defaultsToBinding = (subject: unknown) => asRecord(subject).kind === "ServiceAccount" && !asString(asRecord(subject).namespace);
  return asArray(props.subjects).map((subject, index) => ({
    subject, path: `subjects[${index}]`, label: describeSubject(subject, namespace),
    kind: namespaceUnknown && defaultsToBinding(subject) ? "unknown" as const : classifySubject(subject, namespace, exempt),
  }));
}

/**
 * The parts of built-in ClusterRoles the RBAC rules look at (a summary, not the full role): which
 * grant Secrets read, pods/exec and impersonation, and which grant none of it.
 */
const BUILT_IN_CLUSTER_ROLES: Record<string, Record<string, string[]>[]> = {
  "cluster-admin": [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
  admin: [
    { apiGroups: [""], resources: ["pods", "pods/attach", "pods/exec", "pods/proxy", "pods/portforward", "secrets", "serviceaccounts"], verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"] },
    { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] },
    { apiGroups: [RBAC_GROUP], resources: ["roles", "rolebindings"], verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"] },
  ],
  edit: [
    { apiGroups: [""], resources: ["pods", "pods/attach", "pods/exec", "pods/proxy", "pods/portforward", "secrets", "serviceaccounts"], verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"] },
    { apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] },
  ],
  view: [{ apiGroups: [""], resources: ["pods", "configmaps", "services", "serviceaccounts", "events", "pods/log"], verbs: ["get", "list", "watch"] }],
  "system:auth-delegator": [
    { apiGroups: ["authentication.k8s.io"], resources: ["tokenreviews"], verbs: ["create"] },
    { apiGroups: ["authorization.k8s.io"], resources: ["subjectaccessreviews"], verbs: ["create"] },
  ],
};

/** The rules a binding grants, where to report on them (the role's URN and `rules`, or the binding's `roleRef.name`), or why they are not known. */
export type BoundRules = { rules: unknown; path: string; urn: string; role: string; builtIn: boolean } | { unknown: Finding };

export function boundRules(binding: StackResource, items: StackResource[]): BoundRules {
  const roleRef = asRecord(binding.props.roleRef);
  if (isUnknown(binding.props.roleRef) || isUnknown(roleRef.kind)) return { unknown: unverified("roleRef", "the bound role") };
  const kind = roleRef.kind === "Role" ? "Role" : "ClusterRole";
  const name = asString(roleRef.name);
  // The role it names, or the one its roleRef was computed from; a Role serves only bindings in its own namespace, a ClusterRole all.
  const role = ofKindNamedOrReferenced(items, RBAC_GROUP, kind, name, binding.resource, "roleRef").find((candidate) =>
    kind === "ClusterRole" || namespaceName(candidate) === undefined || namespaceName(candidate) === namespaceName(binding));
  const label = `${kind} ${name ?? objectName(role ?? binding) ?? "(unknown)"}`;
  if (role !== undefined) {
    const aggregation = role.props.aggregationRule;
    // The aggregation controller overwrites the rules with those of every ClusterRole its selectors match, now or later.
    if (aggregation !== undefined && aggregation !== null) return { unknown: unverified("roleRef", `the rules of aggregated ${label} (filled in by the cluster from the roles its selectors match)`) };
    return { rules: role.props.rules, path: "rules", urn: role.resource.urn, role: label, builtIn: false };
  }
  if (name === undefined) return { unknown: unverified("roleRef.name", "the bound role") };
  const builtIn = kind === "ClusterRole" ? BUILT_IN_CLUSTER_ROLES[name] : undefined;
  if (builtIn !== undefined) return { rules: builtIn, path: "rules", urn: binding.resource.urn, role: `built-in ${label}`, builtIn: true };
  return { unknown: unverified("roleRef.name", `the rules of ${label}, which this stack does not define,`) };
}

/** Every RoleBinding and ClusterRoleBinding of the stack. */
export const bindingsOf = (items: StackResource[]) => [...ofKind(items, RBAC_GROUP, "RoleBinding"), ...ofKind(items, RBAC_GROUP, "ClusterRoleBinding")];
