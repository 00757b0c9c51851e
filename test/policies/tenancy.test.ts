import { advisories, enforced, messages, UNKNOWN, validateResource, validateStack, type FakeResource } from "../support/policyArgs";

const NS = "kubernetes:core/v1:Namespace";
const QUOTA = "kubernetes:core/v1:ResourceQuota";
const LIMITS = "kubernetes:core/v1:LimitRange";
const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const RBAC = "kubernetes:rbac.authorization.k8s.io/v1";

const restrictedLabels = { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "v1.35" };

/** A team namespace with every guardrail; `omit` drops the named ones. */
function teamStack(omit: string[] = [], namespace = "vision"): FakeResource[] {
  const all: FakeResource[] = [
    { type: NS, name: "ns", props: { metadata: { name: namespace, labels: restrictedLabels } } },
    { type: QUOTA, name: "quota", props: { metadata: { name: "q", namespace }, spec: { hard: { "requests.nvidia.com/gpu": "4" } } } },
    { type: LIMITS, name: "limits", props: { metadata: { name: "l", namespace }, spec: { limits: [{ type: "Container" }] } } },
    { type: NETPOL, name: "deny", props: { metadata: { name: "d", namespace }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } } },
  ];
  return all.filter((resource) => !omit.includes(resource.name));
}

describe("k8s-namespace-missing-restricted-pss", () => {
  const check = (metadata: Record<string, unknown>, config = {}) => validateResource("k8s-namespace-missing-restricted-pss", NS, { metadata }, config);

  it("accepts restricted and refuses baseline, privileged or no label", () => {
    expect(check({ name: "vision", labels: restrictedLabels })).toEqual([]);
    expect(messages(check({ name: "vision", labels: { "pod-security.kubernetes.io/enforce": "baseline" } }))).toEqual([expect.stringContaining('namespace vision enforces "baseline"')]);
    expect(messages(check({ name: "vision" }))).toEqual([expect.stringContaining("enforces no Pod Security level")]);
  });

  it("skips the configured system namespaces only", () => {
    expect(check({ name: "kube-system" })).toEqual([]);
    expect(check({ name: "istio-system" })).toHaveLength(1);
    expect(check({ name: "istio-system" }, { exemptNamespaces: ["istio-system"] })).toEqual([]);
  });

  it("does not pass unknown labels silently", () => {
    expect(advisories(check({ name: "vision", labels: UNKNOWN }))).toHaveLength(1);
  });
});

describe("team namespace guardrails (stack rules)", () => {
  it.each([
    ["k8s-namespace-missing-gpu-quota", "quota", "has no ResourceQuota bounding requests.nvidia.com/gpu"],
    ["k8s-namespace-missing-limit-range", "limits", "has no LimitRange"],
    ["k8s-namespace-missing-default-deny", "deny", "has no default-deny NetworkPolicy for Ingress and Egress"],
  ])("%s: passes with it, fails without it", (rule, omitted, message) => {
    expect(validateStack(rule, teamStack())).toEqual([]);
    const found = validateStack(rule, teamStack([omitted]));
    expect(messages(found)).toEqual([expect.stringContaining(`namespace vision ${message}`)]);
    expect(found[0].urn).toBe(`urn:pulumi:test::test::${NS}::ns`);
  });

  it("a quota or policy in another namespace does not count", () => {
    const stack = [...teamStack(["quota", "deny"]), ...teamStack(["ns", "limits"], "nlp")];
    expect(validateStack("k8s-namespace-missing-gpu-quota", stack)).toHaveLength(1);
    expect(validateStack("k8s-namespace-missing-default-deny", stack)).toHaveLength(1);
  });

  it("a quota without a GPU bound does not count", () => {
    const stack = teamStack();
    stack[1].props = { metadata: { namespace: "vision" }, spec: { hard: { "requests.cpu": "8" } } };
    expect(validateStack("k8s-namespace-missing-gpu-quota", stack)).toHaveLength(1);
  });

  it("a deny policy that selects only some pods, or keeps a rule, is not default-deny; two one-way denies are", () => {
    const partial = teamStack(["deny"]).concat({ type: NETPOL, name: "partial", props: { metadata: { namespace: "vision" }, spec: { podSelector: { matchLabels: { app: "x" } }, policyTypes: ["Ingress", "Egress"] } } });
    expect(validateStack("k8s-namespace-missing-default-deny", partial)).toHaveLength(1);
    const split = teamStack(["deny"]).concat(
      { type: NETPOL, name: "in", props: { metadata: { namespace: "vision" }, spec: { podSelector: {}, policyTypes: ["Ingress"] } } },
      { type: NETPOL, name: "out", props: { metadata: { namespace: "vision" }, spec: { podSelector: {}, policyTypes: ["Egress"] } } },
    );
    expect(validateStack("k8s-namespace-missing-default-deny", split)).toEqual([]);
  });

  it("resolves an unknown namespace name through the metadata's dependency on the Namespace (first preview)", () => {
    const stack = teamStack().map((resource) =>
      resource.type === NS ? resource : { ...resource, props: { ...resource.props, metadata: { namespace: UNKNOWN } }, dependsOn: { metadata: ["ns"] } });
    for (const rule of ["k8s-namespace-missing-gpu-quota", "k8s-namespace-missing-limit-range", "k8s-namespace-missing-default-deny"]) {
      expect(validateStack(rule, stack)).toEqual([]);
    }
    const withoutDependency = stack.map((resource) => ({ ...resource, dependsOn: undefined }));
    expect(validateStack("k8s-namespace-missing-limit-range", withoutDependency)).toHaveLength(1);
  });

  it("leaves exempt namespaces alone", () => {
    expect(validateStack("k8s-namespace-missing-gpu-quota", [{ type: NS, name: "ks", props: { metadata: { name: "kube-system" } } }])).toEqual([]);
  });
});

describe("k8s-networkpolicy-disallow-allow-all", () => {
  const check = (spec: Record<string, unknown>, config = {}) => messages(validateResource("k8s-networkpolicy-disallow-allow-all", NETPOL, { metadata: { namespace: "vision" }, spec }, config));

  it.each([
    ["an ingress rule without from", { ingress: [{ ports: [{ port: 80 }] }] }, "spec.ingress[0].from"],
    ["an ingress rule with an empty from", { ingress: [{ from: [] }] }, "spec.ingress[0].from"],
    ["an empty namespaceSelector", { ingress: [{ from: [{ namespaceSelector: {} }] }] }, "spec.ingress[0].from[0].namespaceSelector"],
    ["every pod of every namespace, spelled with two empty selectors", { ingress: [{ from: [{ namespaceSelector: { matchLabels: {} }, podSelector: {} }] }] }, "spec.ingress[0].from[0].namespaceSelector"],
    ["egress to 0.0.0.0/0", { egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: 443 }] }] }, "spec.egress[0].to[0].ipBlock.cidr"],
    ["egress to /0 spelled from another address", { egress: [{ to: [{ ipBlock: { cidr: "10.1.2.3/0" } }] }] }, "spec.egress[0].to[0].ipBlock.cidr"],
    ["egress to ::/0", { egress: [{ to: [{ ipBlock: { cidr: "::/0" } }] }] }, "spec.egress[0].to[0].ipBlock.cidr"],
    ["egress to two halves of the internet", { egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/1" } }, { ipBlock: { cidr: "128.0.0.0/1" } }] }] }, "spec.egress[0].to[0].ipBlock.cidr"],
    ["an egress rule without to", { egress: [{}] }, "spec.egress[0].to"],
  ])("refuses %s", (_case, spec, path) => {
    expect(check({ podSelector: {}, ...spec })).toContainEqual(expect.stringContaining(path));
  });

  it("accepts named peers and narrow CIDRs, and the team's own policies", () => {
    expect(check({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: "10.20.96.0/24" } }] }] })).toEqual([]);
    expect(check({ podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-ingress" } } }] }] })).toEqual([]);
    expect(check({ podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: "prometheus" } } }] }] })).toEqual([]);
    expect(check({ podSelector: {}, policyTypes: ["Ingress", "Egress"] })).toEqual([]);
  });

  it("takes the narrowest prefix from config", () => {
    expect(check({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/16" } }] }] }, { minPrefixLength: 20 })).toHaveLength(1);
  });
});

describe("RBAC", () => {
  const binding = (role: string, subjects: unknown[]) => ({ roleRef: { kind: "ClusterRole", name: role, apiGroup: "rbac.authorization.k8s.io" }, subjects });
  const group = { kind: "Group", name: "ml-vision", apiGroup: "rbac.authorization.k8s.io" };

  it.each(["cluster-admin", "admin", "edit"])("refuses a ClusterRoleBinding of a team group to %s", (role) => {
    expect(messages(validateResource("k8s-clusterrolebinding-disallow-team-admin", `${RBAC}:ClusterRoleBinding`, binding(role, [group])))).toEqual([
      expect.stringContaining(`subjects[0]: Group ml-vision gets ${role} on the whole cluster`),
    ]);
  });

  it("accepts view, and system subjects", () => {
    expect(validateResource("k8s-clusterrolebinding-disallow-team-admin", `${RBAC}:ClusterRoleBinding`, binding("view", [group]))).toEqual([]);
    expect(validateResource("k8s-clusterrolebinding-disallow-team-admin", `${RBAC}:ClusterRoleBinding`, binding("cluster-admin", [{ kind: "Group", name: "system:masters" }]))).toEqual([]);
  });

  const role = (rules: unknown[]): FakeResource => ({ type: `${RBAC}:Role`, name: "role", props: { metadata: { name: "team-member", namespace: "vision" }, rules } });
  const roleBinding = (roleRef: Record<string, unknown>): FakeResource => ({ type: `${RBAC}:RoleBinding`, name: "binding", props: { metadata: { namespace: "vision" }, roleRef, subjects: [group] } });

  it("refuses a RoleBinding of a team group to a Role that writes Secrets, however spelled", () => {
    for (const rules of [
      [{ apiGroups: [""], resources: ["secrets"], verbs: ["create"] }],
      [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
      [{ apiGroups: [""], resources: ["secrets"], verbs: ["PATCH"] }],
    ]) {
      expect(enforced(validateStack("k8s-rolebinding-disallow-secrets-write", [role(rules), roleBinding({ kind: "Role", name: "team-member" })]))).toHaveLength(1);
    }
  });

  it("refuses a RoleBinding to the built-in edit or admin ClusterRole", () => {
    expect(validateStack("k8s-rolebinding-disallow-secrets-write", [roleBinding({ kind: "ClusterRole", name: "edit" })])).toHaveLength(1);
  });

  it("accepts the team role that only reads pods and manages jobs", () => {
    const rules = [{ apiGroups: ["kubeflow.org"], resources: ["pytorchjobs"], verbs: ["create", "delete"] }, { apiGroups: [""], resources: ["pods", "pods/log"], verbs: ["get", "list"] }];
    expect(validateStack("k8s-rolebinding-disallow-secrets-write", [role(rules), roleBinding({ kind: "Role", name: "team-member" })])).toEqual([]);
  });

  it("finds the Role through the roleRef dependency when its name is unknown", () => {
    const unnamed = { ...role([{ apiGroups: [""], resources: ["secrets"], verbs: ["update"] }]) };
    unnamed.props = { metadata: { name: UNKNOWN, namespace: "vision" }, rules: unnamed.props.rules };
    const bound = { ...roleBinding({ kind: "Role", name: UNKNOWN }), dependsOn: { roleRef: ["role"] } };
    expect(validateStack("k8s-rolebinding-disallow-secrets-write", [unnamed, bound])).toHaveLength(1);
  });
});
