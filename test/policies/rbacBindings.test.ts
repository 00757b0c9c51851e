import { advisories, enforced, UNKNOWN, validateResource, type Reported } from "../support/policyArgs";

/**
 * Bindings of the powerful built-in ClusterRoles (issues 1 and 2): to workload ServiceAccounts
 * anywhere, and to anyone inside a team namespace.
 *
 * FACT: a RoleBinding may reference a ClusterRole; the grant is then scoped to the binding's
 * namespace. Source: kubernetes.io/docs/reference/access-authn-authz/rbac ("RoleBinding and
 * ClusterRoleBinding"), Kubernetes v1.3x.
 * FACT: a ServiceAccount subject without a namespace takes the binding's namespace (none for a
 * ClusterRoleBinding, so it matches no one). Source: kubernetes/kubernetes
 * pkg/registry/rbac/validation/rule.go, appliesToUser.
 * FACT: Kubernetes puts every service account in the groups `system:serviceaccounts` and
 * `system:serviceaccounts:<namespace>`. Source: kubernetes.io RBAC docs, "Referring to subjects".
 */

const RBAC = "kubernetes:rbac.authorization.k8s.io/v1";
const CRB = `${RBAC}:ClusterRoleBinding`;
const RB = `${RBAC}:RoleBinding`;
const notKnown = (path: string, what: string) => `${path}: ${what} is not known until apply, so this preview cannot check it; pulumi up checks it again once it is known`;
const pairs = (reported: Reported[]) => reported.map((item) => [item.level, item.message]);

const binding = (role: unknown, subjects: unknown, namespace?: unknown, kind: unknown = "ClusterRole") => ({
  metadata: { name: "b", ...(namespace === undefined ? {} : { namespace }) },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", kind, name: role },
  subjects,
});
const sa = (name: string, namespace?: string) => ({ kind: "ServiceAccount", name, ...(namespace ? { namespace } : {}) });

describe("k8s-rbac-disallow-service-account-admin", () => {
  const check = (type: string, props: Record<string, unknown>, config = {}) => validateResource("k8s-rbac-disallow-service-account-admin", type, props, config);

  it.each(["cluster-admin", "admin", "edit"])("refuses a workload ServiceAccount bound cluster-wide to %s, naming the subject", (role) => {
    expect(pairs(check(CRB, binding(role, [{ kind: "Group", name: "ml-vision" }, sa("training", "vision")])))).toEqual([
      ["policy", `subjects[1]: ServiceAccount vision/training gets ${role} on the whole cluster: a compromised pod then controls it; bind a Role with only what the workload calls`],
    ]);
  });

  it("refuses one bound in a namespace, its namespace defaulting to the binding's", () => {
    expect(pairs(check(RB, binding("edit", [sa("serving")], "vision")))).toEqual([
      ["policy", "subjects[0]: ServiceAccount vision/serving gets edit on namespace vision: a compromised pod then controls it; bind a Role with only what the workload calls"],
    ]);
  });

  it("refuses the groups that hold every service account, or every one of a team namespace", () => {
    expect(enforced(check(CRB, binding("cluster-admin", [{ kind: "Group", name: "system:serviceaccounts" }])))).toHaveLength(1);
    expect(enforced(check(CRB, binding("admin", [{ kind: "Group", name: "system:serviceaccounts:vision" }])))).toHaveLength(1);
  });

  it("accepts the platform's token reviewer bound to system:auth-delegator, other roles and a Role merely named admin", () => {
    expect(check(CRB, binding("system:auth-delegator", [sa("vault-token-reviewer", "vault")]))).toEqual([]);
    expect(check(CRB, binding("view", [sa("training", "vision")]))).toEqual([]);
    expect(check(RB, binding("admin", [sa("training")], "vision", "Role"))).toEqual([]);
  });

  it("leaves the control plane's own accounts (exempt namespaces, configurable) and a namespace-less subject of a ClusterRoleBinding alone", () => {
    expect(check(CRB, binding("cluster-admin", [sa("operator", "kube-system"), { kind: "Group", name: "system:serviceaccounts:kube-system" }]))).toEqual([]);
    expect(check(CRB, binding("cluster-admin", [sa("operator", "platform")]), { exemptNamespaces: ["platform"] })).toEqual([]);
    expect(check(CRB, binding("cluster-admin", [sa("orphan")]))).toEqual([]);
  });

  it("reports what is unknown until apply as advisory", () => {
    expect(pairs(check(CRB, binding(UNKNOWN, [sa("training", "vision")])))).toEqual([["advisory", notKnown("roleRef", "the bound role")]]);
    expect(pairs(check(CRB, binding("edit", UNKNOWN)))).toEqual([["advisory", notKnown("subjects", "the subjects")]]);
    expect(pairs(check(CRB, binding("edit", [{ kind: "ServiceAccount", name: "training", namespace: UNKNOWN }])))).toEqual([["advisory", notKnown("subjects[0]", "the subject")]]);
    // A namespace-less ServiceAccount takes the binding's namespace, unknown here.
    expect(pairs(check(RB, binding("edit", [sa("training")], UNKNOWN)))).toEqual([["advisory", notKnown("subjects[0]", "the subject")]]);
  });
});

describe("k8s-rolebinding-disallow-admin-cluster-role", () => {
  const check = (props: Record<string, unknown>, config = {}, type = RB) => validateResource("k8s-rolebinding-disallow-admin-cluster-role", type, props, config);

  it.each(["cluster-admin", "admin", "edit"])("refuses a RoleBinding in a team namespace to ClusterRole %s, for any subject", (role) => {
    expect(pairs(check(binding(role, [{ kind: "Group", name: "ml-vision" }], "vision")))).toEqual([
      ["policy", `roleRef.name: binds ClusterRole ${role} in team namespace vision: it grants Secrets, pods/exec and impersonation there; reference a Role of the namespace instead`],
    ]);
    expect(enforced(check(binding(role, [{ kind: "Group", name: "system:masters" }], "vision")))).toHaveLength(1);
  });

  it("a binding without a namespace lands in default, which is not exempt", () => {
    expect(enforced(check(binding("edit", [{ kind: "User", name: "alice" }])))).toHaveLength(1);
  });

  it("accepts a Role named edit, the view ClusterRole, exempt namespaces and ClusterRoleBindings (another rule's business)", () => {
    expect(check(binding("edit", [{ kind: "Group", name: "ml-vision" }], "vision", "Role"))).toEqual([]);
    expect(check(binding("view", [{ kind: "Group", name: "ml-vision" }], "vision"))).toEqual([]);
    expect(check(binding("admin", [{ kind: "Group", name: "ops" }], "kube-system"))).toEqual([]);
    expect(check(binding("admin", [{ kind: "Group", name: "ops" }], "platform"), { exemptNamespaces: ["platform"] })).toEqual([]);
    expect(check(binding("admin", [{ kind: "Group", name: "ops" }]), {}, CRB)).toEqual([]);
  });

  it("reports an unknown role or namespace as advisory", () => {
    expect(pairs(check(binding(UNKNOWN, [], "vision")))).toEqual([["advisory", notKnown("roleRef", "the bound role")]]);
    expect(advisories(check(binding("edit", [], UNKNOWN)))).toHaveLength(1);
    expect(enforced(check(binding("edit", [], UNKNOWN)))).toEqual([]);
  });
});
