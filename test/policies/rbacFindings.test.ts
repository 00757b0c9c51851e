/**
 * Findings of the RBAC and API token rules (issue 17, families 1-4 and 8), held exactly: the message,
 * the field path it starts with and the level, including what is unknown until apply.
 */
import { UNKNOWN, validateResource, validateStack, type FakeResource, type Reported } from "../support/policyArgs";
import { compliantPodSpec } from "../support/workloads";

const RBAC = "kubernetes:rbac.authorization.k8s.io/v1";
const CRB = `${RBAC}:ClusterRoleBinding`;
const RB = `${RBAC}:RoleBinding`;
const SA = "kubernetes:core/v1:ServiceAccount";
const DEP = "kubernetes:apps/v1:Deployment";
const binding = (role: unknown, subjects: unknown, namespace?: unknown, kind: unknown = "ClusterRole") => ({ metadata: { name: "b", ...(namespace === undefined ? {} : { namespace }) }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind, name: role }, subjects });
const sa = (name: string, namespace?: string) => ({ kind: "ServiceAccount", name, ...(namespace ? { namespace } : {}) });
const role = (name: string, rules: unknown, namespace = "vision"): FakeResource => ({ type: `${RBAC}:Role`, name: "role", props: { metadata: { name, namespace }, rules } });
const roleBinding = (roleRef: Record<string, unknown>, subjects: unknown, namespace: unknown = "vision"): FakeResource => ({ type: RB, name: "binding", props: { metadata: { name: "b", namespace }, roleRef, subjects } });
const deployment = (spec: Record<string, unknown>, namespace: unknown = "vision") => ({ metadata: { name: "d", namespace }, spec: { template: { metadata: { labels: {} }, spec: { ...compliantPodSpec(), ...spec } } } });
const tokenVolume = (serviceAccountToken: unknown) => ({ name: "token", projected: { sources: [{ serviceAccountToken }] } });
const SECRETS = [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"] }];
const ADMIN = "k8s-rbac-disallow-service-account-admin";
const TEAM = "k8s-rolebinding-disallow-admin-cluster-role";
const POD = "pod-restrict-api-token-mount";
const SAR = "k8s-serviceaccount-disallow-token-automount";
const READ = "k8s-rbac-disallow-secret-read-all";
const ESCALATION = "k8s-rbac-disallow-escalation-paths";
const LATER = "is not known until apply, so this preview cannot check it; pulumi up checks it again once it is known";

/** Every RBAC and token rule's exact finding, path and level, at the edges of what it reads. */
describe("RBAC and API token rules: what each finding says, and where", () => {
  const CASES: [string, () => Reported[], string[]][] = [
    ["a workload given edit by a RoleBinding of unknown namespace", () => validateResource(ADMIN, RB, binding("edit", [sa("serving", "vision")], UNKNOWN)), [`policy|subjects[0]: ServiceAccount vision/serving gets edit on namespace (unknown): a compromised pod then controls it; bind a Role with only what the workload calls`]],
    ["a workload given edit by a RoleBinding without a namespace", () => validateResource(ADMIN, RB, { ...binding("edit", [sa("serving", "vision")]), metadata: {} }), [`policy|subjects[0]: ServiceAccount vision/serving gets edit on namespace (unknown): a compromised pod then controls it; bind a Role with only what the workload calls`]],
    ["a ServiceAccount without a namespace takes the binding's", () => validateResource(ADMIN, RB, binding("admin", [sa("serving")], "vision")), [`policy|subjects[0]: ServiceAccount vision/serving gets admin on namespace vision: a compromised pod then controls it; bind a Role with only what the workload calls`]],
    ["a Role named admin is the team's own, not the ClusterRole", () => validateResource(ADMIN, RB, binding("admin", [sa("serving")], "vision", "Role")), []],
    ["a Role is not a binding", () => validateResource(ADMIN, `${RBAC}:Role`, binding("admin", [sa("serving")], "vision")), []],
    ["a team binding of edit whose namespace is unknown", () => validateResource(TEAM, RB, binding("edit", [{ kind: "Group", name: "ml-vision" }], UNKNOWN)), [`advisory|metadata.namespace: the binding's namespace ${LATER}`]],
    ["a team binding of edit whose metadata is unknown", () => validateResource(TEAM, RB, { ...binding("edit", [{ kind: "Group", name: "ml-vision" }]), metadata: UNKNOWN }), [`advisory|metadata.namespace: the binding's namespace ${LATER}`]],
    ["a team binding of an unknown role and namespace", () => validateResource(TEAM, RB, binding(UNKNOWN, [{ kind: "Group", name: "ml-vision" }], UNKNOWN)), [`advisory|roleRef: the bound role ${LATER}`]],
    ["a team binding of an unknown role", () => validateResource(TEAM, RB, binding(UNKNOWN, [{ kind: "Group", name: "ml-vision" }], "vision")), [`advisory|roleRef: the bound role ${LATER}`]],
    ["a team binding without a namespace lands in default", () => validateResource(TEAM, RB, binding("edit", [{ kind: "Group", name: "ml-vision" }])), [`policy|roleRef.name: binds ClusterRole edit in team namespace default: it grants Secrets, pods/exec and impersonation there; reference a Role of the namespace instead`]],
    ["a ClusterRoleBinding is the other rule's", () => validateResource(TEAM, CRB, binding("edit", [{ kind: "Group", name: "ml-vision" }])), []],
    ["the group of every ServiceAccount reads every Secret", () => validateStack(READ, [role("reader", SECRETS), roleBinding({ kind: "Role", name: "reader" }, [{ kind: "Group", name: "system:serviceaccounts" }, sa("serving", "vision")])]), [`policy|rules[0]: Group system:serviceaccounts, ServiceAccount vision/serving (through RoleBinding b, Role reader) may get/list/watch every Secret of the namespace; name the Secrets it needs in resourceNames`]],
    ["an unknown subject of a reader of every Secret", () => validateStack(READ, [role("reader", SECRETS), roleBinding({ kind: "Role", name: "reader" }, [UNKNOWN])]), [`advisory|subjects: who is bound to Role reader, whose rules this rule refuses for team members and workloads, ${LATER}`]],
    ["unknown subjects of a reader of every Secret", () => validateStack(READ, [role("reader", SECRETS), roleBinding({ kind: "Role", name: "reader" }, UNKNOWN)]), [`advisory|subjects: who is bound to Role reader, whose rules this rule refuses for team members and workloads, ${LATER}`]],
    ["a workload beside an unknown subject", () => validateStack(READ, [role("reader", SECRETS), roleBinding({ kind: "Role", name: "reader" }, [sa("serving", "vision"), UNKNOWN])]), [`policy|rules[0]: ServiceAccount vision/serving (through RoleBinding b, Role reader) may get/list/watch every Secret of the namespace; name the Secrets it needs in resourceNames`]],
    ["a team group reading Secrets is not a workload", () => validateStack(READ, [role("reader", SECRETS), roleBinding({ kind: "Role", name: "reader" }, [{ kind: "Group", name: "ml-vision" }])]), []],
    ["two workloads through one binding", () => validateStack(READ, [role("reader", SECRETS), roleBinding({ kind: "Role", name: "reader" }, [sa("serving", "vision"), sa("training", "vision")])]), [`policy|rules[0]: ServiceAccount vision/serving, ServiceAccount vision/training (through RoleBinding b, Role reader) may get/list/watch every Secret of the namespace; name the Secrets it needs in resourceNames`]],
    ["unknown subjects of a role that names its Secrets", () => validateStack(READ, [role("reader", [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["x"] }]), roleBinding({ kind: "Role", name: "reader" }, [UNKNOWN])]), []],
    ["pods/exec for a ServiceAccount of another namespace", () => validateStack(ESCALATION, [role("exec", [{ apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }], "vision"), roleBinding({ kind: "Role", name: "exec" }, [sa("serving", "nlp")])]), [`policy|rules[0].resources: ServiceAccount nlp/serving (through RoleBinding b, Role exec) grants pods/exec or pods/attach outside the team's namespace: the holder runs commands in other teams' or the platform's pods`]],
    ["pods/exec for every ServiceAccount", () => validateStack(ESCALATION, [role("exec", [{ apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }], "vision"), roleBinding({ kind: "Role", name: "exec" }, [{ kind: "Group", name: "system:serviceaccounts" }])]), [`policy|rules[0].resources: Group system:serviceaccounts (through RoleBinding b, Role exec) grants pods/exec or pods/attach outside the team's namespace: the holder runs commands in other teams' or the platform's pods`]],
    ["pods/exec for a ServiceAccount of the binding's namespace", () => validateStack(ESCALATION, [role("exec", [{ apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] }], "vision"), roleBinding({ kind: "Role", name: "exec" }, [sa("serving", "vision")])]), []],
    ["pod volumes unknown in preview", () => validateResource(POD, DEP, deployment({ volumes: UNKNOWN })), [`advisory|spec.template.spec.volumes: the projected tokens of the pod ${LATER}`]],
    ["a null token source and other projections", () => validateResource(POD, DEP, deployment({ volumes: [{ name: "t", projected: { sources: [{ serviceAccountToken: null }, { configMap: { name: "x" } }] } }] })), []],
    ["a projected token unknown in preview", () => validateResource(POD, DEP, deployment({ volumes: [tokenVolume(UNKNOWN)] })), [`advisory|spec.template.spec.volumes[0].projected.sources[0].serviceAccountToken.audience: the projected token's audience ${LATER}`]],
    ["a projected token without an audience", () => validateResource(POD, DEP, deployment({ volumes: [tokenVolume({ path: "token" })] })), [`policy|spec.template.spec.volumes[0].projected.sources[0].serviceAccountToken.audience: projects a token without an audience (it defaults to the API server's); give it the audience of the service that reads it (e.g. vault)`]],
    ["a projected token for the API server", () => validateResource(POD, DEP, deployment({ volumes: [tokenVolume({ path: "token", audience: "https://kubernetes.default.svc" })] })), [`policy|spec.template.spec.volumes[0].projected.sources[0].serviceAccountToken.audience: projects a token for the API server's audience "https://kubernetes.default.svc"; give it the audience of the service that reads it (e.g. vault)`]],
    ["a projected token for vault", () => validateResource(POD, DEP, deployment({ volumes: [tokenVolume({ path: "token", audience: "vault" })] })), []],
    ["automount unknown in preview", () => validateResource(POD, DEP, deployment({ automountServiceAccountToken: UNKNOWN })), [`advisory|spec.template.spec.automountServiceAccountToken: automountServiceAccountToken ${LATER}`]],
    ["an automounting pod whose account is unknown, with an allowlist", () => validateResource(POD, DEP, deployment({ automountServiceAccountToken: true, serviceAccountName: UNKNOWN }), { allowedTokenServiceAccounts: ["vision/kube-client"] }), [`advisory|spec.template.spec.serviceAccountName: the ServiceAccount allowed an API token ${LATER}`]],
    ["an automounting pod whose account is unknown, without an allowlist", () => validateResource(POD, DEP, deployment({ automountServiceAccountToken: true, serviceAccountName: UNKNOWN })), [`policy|spec.template.spec.automountServiceAccountToken: mounts a Kubernetes API token into every container; set it to false (or allowlist the ServiceAccount in allowedTokenServiceAccounts)`]],
    ["automount true beside an unknown token", () => validateResource(POD, DEP, deployment({ automountServiceAccountToken: true, volumes: [tokenVolume(UNKNOWN)] })), [`policy|spec.template.spec.automountServiceAccountToken: mounts a Kubernetes API token into every container; set it to false (or allowlist the ServiceAccount in allowedTokenServiceAccounts)`, `advisory|spec.template.spec.volumes[0].projected.sources[0].serviceAccountToken.audience: the projected token's audience ${LATER}`]],
    ["an empty account name is the allowlisted default account", () => validateResource(POD, DEP, deployment({ automountServiceAccountToken: true, serviceAccountName: "" }), { allowedTokenServiceAccounts: ["vision/default"] }), []],
    ["a workload without a namespace is in default", () => validateResource(POD, DEP, { ...deployment({ automountServiceAccountToken: true, serviceAccountName: "kube-client" }), metadata: { name: "d" } }, { allowedTokenServiceAccounts: ["default/kube-client"] }), []],
    ["a ServiceAccount carries no pod", () => validateResource(POD, SA, { metadata: { name: "x", namespace: "vision" } }), []],
    ["a ServiceAccount's automount unknown in preview", () => validateResource(SAR, SA, { metadata: { name: "x", namespace: "vision" }, automountServiceAccountToken: UNKNOWN }), [`advisory|automountServiceAccountToken: automountServiceAccountToken ${LATER}`]],
    ["a ServiceAccount automounting", () => validateResource(SAR, SA, { metadata: { name: "x", namespace: "vision" }, automountServiceAccountToken: true }), [`policy|automountServiceAccountToken: ServiceAccount vision/x mounts a Kubernetes API token into every pod that does not opt out; set it to false`]],
    ["a ServiceAccount without a namespace is in default", () => validateResource(SAR, SA, { metadata: { name: "x" }, automountServiceAccountToken: true }), [`policy|automountServiceAccountToken: ServiceAccount default/x mounts a Kubernetes API token into every pod that does not opt out; set it to false`]],
    ["an automounting ServiceAccount of unknown name, with an allowlist", () => validateResource(SAR, SA, { metadata: { name: UNKNOWN, namespace: "vision" }, automountServiceAccountToken: true }, { allowedTokenServiceAccounts: ["vision/x"] }), [`advisory|metadata: the ServiceAccount allowed an API token ${LATER}`]],
    ["an automounting ServiceAccount of unknown namespace, with an allowlist", () => validateResource(SAR, SA, { metadata: { name: "x", namespace: UNKNOWN }, automountServiceAccountToken: true }, { allowedTokenServiceAccounts: ["vision/x"] }), [`advisory|metadata: the ServiceAccount allowed an API token ${LATER}`]],
    ["a Deployment is not a ServiceAccount", () => validateResource(SAR, DEP, { metadata: { name: "x", namespace: "vision" }, automountServiceAccountToken: true }), []],
    ["an allowlisted ServiceAccount of the default namespace", () => validateResource(SAR, SA, { metadata: { name: "x" }, automountServiceAccountToken: true }, { allowedTokenServiceAccounts: ["default/x"] }), []],
  ];

  it.each(CASES)("%s", (_case, run, expected) => {
    expect(run().map((reported) => `${reported.level}|${reported.message}`)).toEqual(expected);
  });
});
