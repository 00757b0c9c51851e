/**
 * What the PolicyRules of a Role or ClusterRole grant, matched the way the Kubernetes RBAC authorizer
 * matches a request: `*` in apiGroups, resources or verbs matches everything, resourceNames narrow a
 * rule to those objects, names are compared exactly. A resource such as `*` + `/exec` (that subresource
 * of every resource) is refused as a wildcard before any finer check, so the matcher need not expand it.
 */
import { unverified, violation, type Finding } from "./findings";
import { asArray, asRecord, containsUnknown, isUnknown } from "./values";

/** A request a rule may allow: API group, resource (with `/subresource`), verbs (`any`: whatever the rule lists). */
interface Request {
  group: string;
  resource: string;
  verbs: string[] | "any";
}

const strings = (value: unknown): string[] => asArray(value).filter((item): item is string => typeof item === "string");

/** Whether a rule allows one of the request's verbs on its group and resource (any object name). */
function allows(rule: Record<string, unknown>, request: Request): boolean {
  const verbs = strings(rule.verbs);
  const groups = strings(rule.apiGroups);
  const resources = strings(rule.resources);
  const verbMatches = request.verbs === "any" ? verbs.length > 0 : verbs.includes("*") || request.verbs.some((verb) => verbs.includes(verb));
  return verbMatches &&
    (groups.includes("*") || groups.includes(request.group)) &&
    (resources.includes("*") || resources.includes(request.resource));
}

const WRITE_VERBS = ["create", "update", "patch", "delete", "deletecollection"];
const ADMISSION_CONFIGURATIONS = [
  "validatingwebhookconfigurations", "mutatingwebhookconfigurations",
  "validatingadmissionpolicies", "validatingadmissionpolicybindings", "mutatingadmissionpolicies", "mutatingadmissionpolicybindings",
];

/** Grants that give a holder more than its own rights, each with why it is refused. */
const ESCALATIONS: { requests: Request[]; why: string }[] = [
  { requests: [{ group: "", resource: "nodes/proxy", verbs: "any" }], why: "nodes/proxy reaches the kubelet API of every node (exec into any pod)" },
  {
    requests: [
      { group: "certificates.k8s.io", resource: "certificatesigningrequests/approval", verbs: ["update", "patch"] },
      { group: "certificates.k8s.io", resource: "signers", verbs: ["approve"] },
    ],
    why: "approving CertificateSigningRequests mints client certificates for any identity",
  },
  {
    requests: ADMISSION_CONFIGURATIONS.map((resource) => ({ group: "admissionregistration.k8s.io", resource, verbs: WRITE_VERBS })),
    why: "writing admission webhook or policy configurations switches off (or rewrites) what the cluster admits",
  },
];
const EXEC_REQUESTS: Request[] = ["pods/exec", "pods/attach"].map((resource) => ({ group: "", resource, verbs: "any" }));
const ESCALATING_VERBS = ["escalate", "bind", "impersonate"];

/** Where a binding grants its role: inside the subjects' own team namespace, outside it, or not known yet. */
export type BindingScope = "team-namespace" | "outside" | "unknown";

/** The findings of one rule of a role for escalation paths; `where` names the rule (`rules[2]`). */
function escalationFindings(rule: Record<string, unknown>, where: string, scope: BindingScope): Finding[] {
  const verbs = strings(rule.verbs);
  const resources = strings(rule.resources);
  const wildcards = [
    ...(verbs.includes("*") ? [violation(`${where}.verbs`, `grants every verb ("*"); list the verbs the holder needs`)] : []),
    ...(resources.some((resource) => resource.includes("*")) ? [violation(`${where}.resources`, `grants every resource (${resources.filter((resource) => resource.includes("*")).map((resource) => JSON.stringify(resource)).join(", ")}); list the resources the holder needs`)] : []),
  ];
  // A wildcard already includes everything below; one finding per rule says it.
  if (wildcards.length > 0) return wildcards;
  const escalating = verbs.filter((verb) => ESCALATING_VERBS.includes(verb));
  const findings: Finding[] = escalating.length > 0
    ? [violation(`${where}.verbs`, `grants ${escalating.join(", ")}: the holder can give itself or act as anyone with more rights`)]
    : [];
  for (const { requests, why } of ESCALATIONS) {
    if (requests.some((request) => allows(rule, request))) findings.push(violation(`${where}.resources`, why));
  }
  if (EXEC_REQUESTS.some((request) => allows(rule, request))) {
    if (scope === "outside") findings.push(violation(`${where}.resources`, "grants pods/exec or pods/attach outside the team's namespace: the holder runs commands in other teams' or the platform's pods"));
    if (scope === "unknown") findings.push(unverified(`${where}.resources`, "the namespace where pods/exec or pods/attach is granted"));
  }
  return findings;
}

/** Whether a rule lets the holder read every Secret of a namespace (get, list or watch without resourceNames). */
function readsEverySecret(rule: Record<string, unknown>): boolean {
  return allows(rule, { group: "", resource: "secrets", verbs: ["get", "list", "watch"] }) && strings(rule.resourceNames).length === 0;
}

/** Runs a per-rule check over a role's rules, reporting rules whose deciding parts are unknown until apply. */
function eachRule(rules: unknown, path: string, check: (rule: Record<string, unknown>, where: string) => Finding[]): Finding[] {
  if (isUnknown(rules)) return [unverified(path, "the role's rules")];
  return asArray(rules).flatMap((rule, index) => {
    const where = `${path}[${index}]`;
    const record = asRecord(rule);
    if (isUnknown(rule) || [record.verbs, record.apiGroups, record.resources, record.resourceNames].some(containsUnknown)) {
      return [unverified(where, "a rule of the role")];
    }
    return check(record, where);
  });
}

export const escalationPathFindings = (rules: unknown, path: string, scope: BindingScope): Finding[] =>
  eachRule(rules, path, (rule, where) => escalationFindings(rule, where, scope));

export const secretReadAllFindings = (rules: unknown, path: string): Finding[] =>
  eachRule(rules, path, (rule, where) =>
    readsEverySecret(rule) ? [violation(where, "may get/list/watch every Secret of the namespace; name the Secrets it needs in resourceNames")] : []);
