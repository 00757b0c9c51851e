import { advisories, enforced, UNKNOWN, validateStack, type FakeResource, type Reported } from "../support/policyArgs";

/**
 * What the roles bound to team groups and workload ServiceAccounts grant (issues 3 and 8), resolved
 * across the stack.
 *
 * FACT: the RBAC authorizer matches `*` in verbs, apiGroups and resources as "everything", a resource
 * `*` + `/sub` as that subresource of every resource, names otherwise exactly, and a rule without
 * resourceNames as every object. Source: kubernetes/kubernetes pkg/apis/rbac/v1/evaluation_helpers.go
 * (VerbMatches, APIGroupMatches, ResourceMatches, ResourceNameMatches), commit 03bf11a3.
 * FACT: the built-in ClusterRoles admin and edit grant read-write on pods/exec, pods/attach and
 * secrets and `impersonate` on serviceaccounts; view grants no Secrets; system:auth-delegator only
 * creates tokenreviews and subjectaccessreviews. Source: kubernetes/kubernetes
 * plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go (ClusterRoles), commit 0016f7f2.
 * FACT: a ClusterRole with an aggregationRule has its rules overwritten by the controller with those
 * of every ClusterRole its selectors match. Source: kubernetes.io RBAC docs, "Aggregated ClusterRoles".
 * FACT: escalate (roles), bind (bindings) and impersonate (users, groups, serviceaccounts) let a holder
 * exceed its own permissions; CSR approval is `update` on certificatesigningrequests/approval plus
 * `approve` on signers. Source: kubernetes.io RBAC docs "Privilege escalation prevention", and
 * "Certificates and Certificate Signing Requests" (Authorization).
 */

const RBAC = "kubernetes:rbac.authorization.k8s.io/v1";
const urnOf = (type: string, name: string) => `urn:pulumi:test::test::${type}::${name}`;
const triples = (reported: Reported[]) => reported.map((item) => [item.level, item.message, item.urn]);
const notKnown = (path: string, what: string) => `${path}: ${what} is not known until apply, so this preview cannot check it; pulumi up checks it again once it is known`;

const role = (name: string, rules: unknown, namespace = "vision", resource = "role"): FakeResource =>
  ({ type: `${RBAC}:Role`, name: resource, props: { metadata: { name, namespace }, rules } });
const clusterRole = (name: string, rules: unknown, extra: Record<string, unknown> = {}): FakeResource =>
  ({ type: `${RBAC}:ClusterRole`, name: "clusterrole", props: { metadata: { name }, rules, ...extra } });
const roleBinding = (roleRef: Record<string, unknown>, subjects: unknown, namespace: unknown = "vision"): FakeResource =>
  ({ type: `${RBAC}:RoleBinding`, name: "binding", props: { metadata: { name: "b", namespace }, roleRef, subjects } });
const clusterRoleBinding = (name: string, subjects: unknown): FakeResource =>
  ({ type: `${RBAC}:ClusterRoleBinding`, name: "crb", props: { metadata: { name: "crb" }, roleRef: { kind: "ClusterRole", name }, subjects } });
const serving = { kind: "ServiceAccount", name: "serving", namespace: "vision" };
const team = { kind: "Group", name: "ml-vision" };
const ROLE_URN = urnOf(`${RBAC}:Role`, "role");

describe("k8s-rbac-disallow-secret-read-all", () => {
  const check = (...stack: FakeResource[]) => validateStack("k8s-rbac-disallow-secret-read-all", stack);
  const readsAll = (rule: string, via = "RoleBinding b, Role reader") =>
    ["policy", `${rule}: ServiceAccount vision/serving (through ${via}) may get/list/watch every Secret of the namespace; name the Secrets it needs in resourceNames`, ROLE_URN];

  it.each([
    ["list", [{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }]],
    ["get on every group", [{ apiGroups: ["*"], resources: ["secrets"], verbs: ["get"] }]],
    ["every verb on every resource", [{ apiGroups: [""], resources: ["*"], verbs: ["*"] }]],
    ["watch after a harmless rule", [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }, { apiGroups: [""], resources: ["secrets"], verbs: ["watch"], resourceNames: [] }]],
  ])("refuses a workload ServiceAccount whose Role grants %s on secrets without resourceNames, at the Role's rule", (_case, rules) => {
    const index = rules.length - 1;
    expect(triples(check(role("reader", rules), roleBinding({ kind: "Role", name: "reader" }, [serving])))).toEqual([readsAll(`rules[${index}]`)]);
  });

  it("accepts the seeds' pattern: a Role that names the one Secret it needs", () => {
    const rules = [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["model-registry-credentials"] }];
    expect(check(role("reader", rules), roleBinding({ kind: "Role", name: "reader" }, [serving]))).toEqual([]);
  });

  it("accepts rules that only look like it: another API group, a write-only verb, a team group (not a workload)", () => {
    expect(check(role("reader", [{ apiGroups: ["external-secrets.io"], resources: ["secrets"], verbs: ["list"] }]), roleBinding({ kind: "Role", name: "reader" }, [serving]))).toEqual([]);
    expect(check(role("reader", [{ apiGroups: [""], resources: ["secrets"], verbs: ["create"] }]), roleBinding({ kind: "Role", name: "reader" }, [serving]))).toEqual([]);
    expect(check(role("reader", [{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }]), roleBinding({ kind: "Role", name: "reader" }, [team]))).toEqual([]);
  });

  it("a Role of another namespace does not serve the binding (the one it names is not in the stack: advisory)", () => {
    const reported = check(role("reader", [{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }], "nlp"), roleBinding({ kind: "Role", name: "reader" }, [serving]));
    expect(triples(reported)).toEqual([["advisory", notKnown("roleRef.name", "the rules of Role reader, which this stack does not define,"), urnOf(`${RBAC}:RoleBinding`, "binding")]]);
  });

  it("judges a ClusterRole not in the stack by its well-known name", () => {
    expect(triples(check(clusterRoleBinding("edit", [serving])))).toEqual([
      ["policy", "roleRef.name: ServiceAccount vision/serving (through ClusterRoleBinding crb, built-in ClusterRole edit) may get/list/watch every Secret of the namespace; name the Secrets it needs in resourceNames", urnOf(`${RBAC}:ClusterRoleBinding`, "crb")],
    ]);
    expect(check(clusterRoleBinding("view", [serving]))).toEqual([]);
  });

  it("finds the role through the roleRef dependency when its name is unknown (first preview)", () => {
    const bound = { ...roleBinding({ kind: "Role", name: UNKNOWN }, [serving]), dependsOn: { roleRef: ["role"] } };
    expect(enforced(check(role("reader", [{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }]), bound))).toHaveLength(1);
    expect(triples(check(roleBinding({ kind: "Role", name: UNKNOWN }, [serving])))).toEqual([["advisory", notKnown("roleRef.name", "the bound role"), urnOf(`${RBAC}:RoleBinding`, "binding")]]);
  });

  it("unknown resourceNames, or unknown subjects of a role that reads every Secret, are advisory", () => {
    expect(advisories(check(role("reader", [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: UNKNOWN }]), roleBinding({ kind: "Role", name: "reader" }, [serving])))).toHaveLength(1);
    const reported = check(role("reader", [{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }]), roleBinding({ kind: "Role", name: "reader" }, UNKNOWN));
    expect([enforced(reported), advisories(reported).length]).toEqual([[], 1]);
  });
});

describe("k8s-rbac-disallow-escalation-paths", () => {
  const check = (...stack: FakeResource[]) => validateStack("k8s-rbac-disallow-escalation-paths", stack);
  const boundToTeam = (rules: unknown[]) => check(role("team-member", rules), roleBinding({ kind: "Role", name: "team-member" }, [team]));
  const by = "Group ml-vision (through RoleBinding b, Role team-member)";

  it.each([
    ["wildcard verbs", [{ apiGroups: ["kubeflow.org"], resources: ["pytorchjobs"], verbs: ["*"] }], `rules[0].verbs: ${by} grants every verb ("*"); list the verbs the holder needs`],
    ["wildcard resources", [{ apiGroups: ["serving.kserve.io"], resources: ["*"], verbs: ["get"] }], `rules[0].resources: ${by} grants every resource ("*"); list the resources the holder needs`],
    ["escalate", [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles"], verbs: ["get", "escalate"] }], `rules[0].verbs: ${by} grants escalate: the holder can give itself or act as anyone with more rights`],
    ["bind", [{ apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["bind"] }], `rules[0].verbs: ${by} grants bind: the holder can give itself or act as anyone with more rights`],
    ["impersonate", [{ apiGroups: [""], resources: ["serviceaccounts"], verbs: ["impersonate"] }], `rules[0].verbs: ${by} grants impersonate: the holder can give itself or act as anyone with more rights`],
    ["nodes/proxy, even read-only", [{ apiGroups: [""], resources: ["nodes/proxy"], verbs: ["get"] }], `rules[0].resources: ${by} nodes/proxy reaches the kubelet API of every node (exec into any pod)`],
    ["nodes/proxy under any verb", [{ apiGroups: [""], resources: ["nodes/proxy"], verbs: ["proxy"] }], `rules[0].resources: ${by} nodes/proxy reaches the kubelet API of every node (exec into any pod)`],
    ["CSR approval", [{ apiGroups: ["certificates.k8s.io"], resources: ["certificatesigningrequests/approval"], verbs: ["update"] }], `rules[0].resources: ${by} approving CertificateSigningRequests mints client certificates for any identity`],
    ["signer approve", [{ apiGroups: ["certificates.k8s.io"], resources: ["signers"], verbs: ["approve"], resourceNames: ["kubernetes.io/kube-apiserver-client"] }], `rules[0].resources: ${by} approving CertificateSigningRequests mints client certificates for any identity`],
    ["webhook writes", [{ apiGroups: ["admissionregistration.k8s.io"], resources: ["validatingwebhookconfigurations"], verbs: ["patch"] }], `rules[0].resources: ${by} writing admission webhook or policy configurations switches off (or rewrites) what the cluster admits`],
    ["admission policy binding deletes", [{ apiGroups: ["admissionregistration.k8s.io"], resources: ["validatingadmissionpolicybindings"], verbs: ["delete"] }], `rules[0].resources: ${by} writing admission webhook or policy configurations switches off (or rewrites) what the cluster admits`],
  ])("refuses a Role bound to a team group granting %s, at the Role's rule", (_case, rules, message) => {
    expect(triples(boundToTeam(rules))).toEqual([["policy", message, ROLE_URN]]);
  });

  it("accepts the team's own kind of role and reads of admission configurations", () => {
    expect(boundToTeam([
      { apiGroups: ["kubeflow.org"], resources: ["pytorchjobs", "tfjobs"], verbs: ["create", "get", "list", "watch", "delete"] },
      { apiGroups: [""], resources: ["pods", "pods/log", "events"], verbs: ["get", "list", "watch"] },
      { apiGroups: ["admissionregistration.k8s.io"], resources: ["validatingwebhookconfigurations"], verbs: ["get", "list"] },
      { apiGroups: ["apps"], resources: ["nodes/proxy"], verbs: ["get"] },
    ])).toEqual([]);
  });

  it("pods/exec is allowed in the team's namespace, refused cluster-wide, in an exempt namespace or for another namespace's ServiceAccount", () => {
    const exec = [{ apiGroups: [""], resources: ["pods/exec", "pods"], verbs: ["create", "get"] }];
    expect(boundToTeam(exec)).toEqual([]);
    expect(check(role("debug", exec, "vision"), roleBinding({ kind: "Role", name: "debug" }, [serving]))).toEqual([]);
    const outside = "grants pods/exec or pods/attach outside the team's namespace: the holder runs commands in other teams' or the platform's pods";
    expect(triples(check(clusterRole("debug", exec), clusterRoleBinding("debug", [team])))).toEqual([
      ["policy", `rules[0].resources: Group ml-vision (through ClusterRoleBinding crb, ClusterRole debug) ${outside}`, urnOf(`${RBAC}:ClusterRole`, "clusterrole")],
    ]);
    expect(enforced(check(clusterRole("debug", exec), roleBinding({ kind: "ClusterRole", name: "debug" }, [team], "kube-system")))).toHaveLength(1);
    expect(enforced(check(clusterRole("debug", exec), roleBinding({ kind: "ClusterRole", name: "debug" }, [serving], "nlp")))).toHaveLength(1);
    expect(enforced(check(clusterRole("debug", [{ apiGroups: [""], resources: ["*/attach"], verbs: ["create"] }]), clusterRoleBinding("debug", [serving])))).toHaveLength(1);
    expect(advisories(check(clusterRole("debug", exec), roleBinding({ kind: "ClusterRole", name: "debug" }, [team], UNKNOWN)))).toHaveLength(1);
  });

  it("judges built-in ClusterRoles by name: cluster-admin and edit are refused, auth-delegator (the Vault token reviewer) passes", () => {
    expect(triples(check(clusterRoleBinding("cluster-admin", [serving])))).toEqual([
      ["policy", `roleRef.name: ServiceAccount vision/serving (through ClusterRoleBinding crb, built-in ClusterRole cluster-admin) grants every verb ("*"); list the verbs the holder needs`, urnOf(`${RBAC}:ClusterRoleBinding`, "crb")],
      ["policy", `roleRef.name: ServiceAccount vision/serving (through ClusterRoleBinding crb, built-in ClusterRole cluster-admin) grants every resource ("*"); list the resources the holder needs`, urnOf(`${RBAC}:ClusterRoleBinding`, "crb")],
    ]);
    expect(enforced(check(clusterRoleBinding("edit", [team])))).toHaveLength(2);
    expect(check(clusterRoleBinding("system:auth-delegator", [{ kind: "ServiceAccount", name: "vault-token-reviewer", namespace: "vault" }]))).toEqual([]);
  });

  it("an aggregated ClusterRole, or a role the stack does not define, is advisory: its rules are not known before apply", () => {
    const aggregated = clusterRole("team-extra", [], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { "mlops.io/aggregate-to-team": "true" } }] } });
    expect(triples(check(aggregated, clusterRoleBinding("team-extra", [team])))).toEqual([
      ["advisory", notKnown("roleRef", "the rules of aggregated ClusterRole team-extra (filled in by the cluster from the roles its selectors match)"), urnOf(`${RBAC}:ClusterRoleBinding`, "crb")],
    ]);
    expect(advisories(check(clusterRoleBinding("vendor-operator", [serving])))).toHaveLength(1);
  });

  it("subjects outside its scope (control-plane identities, exempt namespaces' accounts) are not judged", () => {
    expect(check(clusterRoleBinding("cluster-admin", [{ kind: "Group", name: "system:masters" }, { kind: "ServiceAccount", name: "x", namespace: "kube-system" }]))).toEqual([]);
  });

  it("an unknown rule part is advisory, never a silent pass", () => {
    expect(triples(boundToTeam([{ apiGroups: [""], resources: ["pods"], verbs: UNKNOWN }]))).toEqual([["advisory", notKnown("rules[0]", "a rule of the role"), ROLE_URN]]);
  });
});
