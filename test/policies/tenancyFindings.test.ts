import { advisories, enforced, messages, UNKNOWN, validateResource, validateStack, type FakeResource, type Reported } from "../support/policyArgs";

/** Exact findings of the tenancy rules: wording, paths, counts, URNs, boundaries and unknown values. */

const NS = "kubernetes:core/v1:Namespace";
const QUOTA = "kubernetes:core/v1:ResourceQuota";
const LIMITS = "kubernetes:core/v1:LimitRange";
const NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const RBAC = "kubernetes:rbac.authorization.k8s.io/v1";
const urnOf = (type: string, name: string) => `urn:pulumi:test::test::${type}::${name}`;
const NS_URN = urnOf(NS, "ns");

/** The message of an advisory finding for a value unknown until apply. */
const notKnown = (path: string, what: string) => `${path}: ${what} is not known until apply, so this preview cannot check it; pulumi up checks it again once it is known`;
/** Findings as [level, message, urn] triples, so one assertion pins wording, count, level and URN. */
const triples = (reported: Reported[]) => reported.map((item) => [item.level, item.message, item.urn]);

const ENFORCE = "pod-security.kubernetes.io/enforce";
const LABEL_PATH = `metadata.labels["${ENFORCE}"]`;

describe("k8s-namespace-missing-restricted-pss findings", () => {
  const check = (metadata: Record<string, unknown>, config = {}, type = NS) => validateResource("k8s-namespace-missing-restricted-pss", type, { metadata }, config);

  it.each([
    ["baseline", { name: "vision", labels: { [ENFORCE]: "baseline" } }, `${LABEL_PATH}: namespace vision enforces "baseline"; set the label to restricted`],
    ["privileged", { name: "vision", labels: { [ENFORCE]: "privileged" } }, `${LABEL_PATH}: namespace vision enforces "privileged"; set the label to restricted`],
    ["only the audit and warn labels", { name: "vision", labels: { "pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/audit": "restricted" } }, `${LABEL_PATH}: namespace vision enforces no Pod Security level; set the label to restricted`],
    ["no labels", { name: "vision" }, `${LABEL_PATH}: namespace vision enforces no Pod Security level; set the label to restricted`],
    ["no name (nor labels)", {}, `${LABEL_PATH}: namespace (unnamed) enforces no Pod Security level; set the label to restricted`],
    ["a name unknown until apply (never taken for an exempt one)", { name: UNKNOWN, labels: { [ENFORCE]: "baseline" } }, `${LABEL_PATH}: namespace (unnamed) enforces "baseline"; set the label to restricted`],
  ])("enforces a finding for %s", (_case, metadata, message) => {
    expect(triples(check(metadata))).toEqual([["policy", message, undefined]]);
  });

  it.each([
    ["the labels", { name: "vision", labels: UNKNOWN }],
    ["the enforce label's value", { name: "vision", labels: { [ENFORCE]: UNKNOWN } }],
  ])("reports %s unknown until apply as an advisory, never enforced", (_case, metadata) => {
    expect(triples(check(metadata))).toEqual([["advisory", notKnown(LABEL_PATH, "the Pod Security enforce label"), undefined]]);
  });

  it.each(["kube-system", "kube-public", "kube-node-lease"])("exempts the control-plane namespace %s by default", (name) => {
    expect(check({ name })).toEqual([]);
  });

  it("a configured exempt list replaces the default one", () => {
    expect(check({ name: "istio-system" }, { exemptNamespaces: ["istio-system"] })).toEqual([]);
    expect(messages(check({ name: "kube-system" }, { exemptNamespaces: ["istio-system"] }))).toEqual([
      `${LABEL_PATH}: namespace kube-system enforces no Pod Security level; set the label to restricted`,
    ]);
  });

  it.each([
    ["a ConfigMap", "kubernetes:core/v1:ConfigMap"],
    ["a custom resource of kind Namespace", "kubernetes:example.com/v1:Namespace"],
    ["a non-Kubernetes resource", "aws:s3/bucket:Bucket"],
  ])("ignores %s", (_case, type) => {
    expect(check({ name: "vision" }, {}, type)).toEqual([]);
  });
});

/** A team namespace with every guardrail; `omit` drops the named ones. */
function teamStack(omit: string[] = [], namespace = "vision", suffix = ""): FakeResource[] {
  const all: FakeResource[] = [
    { type: NS, name: `ns${suffix}`, props: { metadata: { name: namespace, labels: { [ENFORCE]: "restricted" } } } },
    { type: QUOTA, name: `quota${suffix}`, props: { metadata: { name: "q", namespace }, spec: { hard: { "requests.nvidia.com/gpu": "4" } } } },
    { type: LIMITS, name: `limits${suffix}`, props: { metadata: { name: "l", namespace }, spec: { limits: [{ type: "Container" }] } } },
    { type: NETPOL, name: `deny${suffix}`, props: { metadata: { name: "d", namespace }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } } },
  ];
  return all.filter((resource) => !omit.includes(resource.name));
}

const NO_QUOTA = "metadata.name: namespace vision has no ResourceQuota bounding requests.nvidia.com/gpu; one team could take every GPU of the cluster";
const noDeny = (directions: string, namespace = "vision") =>
  `metadata.name: namespace ${namespace} has no default-deny NetworkPolicy for ${directions}; every pod is reachable / can reach anything until one exists`;

describe("k8s-namespace-missing-gpu-quota findings", () => {
  const quota = (name: string, spec: unknown): FakeResource => ({ type: QUOTA, name, props: { metadata: { name, namespace: "vision" }, spec } });
  const check = (...quotas: FakeResource[]) => triples(validateStack("k8s-namespace-missing-gpu-quota", [...teamStack(["quota"]), ...quotas]));

  it.each([
    ["NVIDIA GPUs", { "requests.nvidia.com/gpu": "8" }],
    ["AMD GPUs", { "requests.amd.com/gpu": "2" }],
    ["Intel GPUs", { "requests.gpu.intel.com/gpu": "1" }],
    ["zero GPUs (a team without GPUs)", { "requests.nvidia.com/gpu": "0" }],
    ["NVIDIA GPUs, as a number", { "requests.nvidia.com/gpu": 0 }],
  ])("a quota bounding %s counts", (_case, hard) => {
    expect(check(quota("gpu", { hard }))).toEqual([]);
  });

  it.each([
    ["no quota at all", []],
    ["a quota of cpu and memory only", [quota("compute", { hard: { "requests.cpu": "64", "requests.memory": "256Gi" } })]],
    ["a quota limiting GPU limits instead of requests (not a valid extended-resource quota)", [quota("limits", { hard: { "limits.nvidia.com/gpu": "4" } })]],
    ["a quota without a hard section", [quota("empty", {})]],
  ])("enforces a finding at the Namespace for %s", (_case, quotas) => {
    expect(check(...quotas)).toEqual([["policy", NO_QUOTA, NS_URN]]);
  });

  it.each([
    ["the hard limits", { hard: UNKNOWN }],
    ["the whole spec", UNKNOWN],
  ])("reports a quota whose %s are unknown until apply as an advisory", (_case, spec) => {
    const expected = [["advisory", notKnown("ResourceQuota.spec.hard", "the quota of namespace vision"), NS_URN]];
    expect(check(quota("later", spec))).toEqual(expected);
    expect(check(quota("compute", { hard: { "requests.cpu": "8" } }), quota("later", spec))).toEqual(expected);
  });

  it("a known GPU bound is enough even beside a quota still unknown", () => {
    expect(check(quota("later", { hard: UNKNOWN }), quota("gpu", { hard: { "requests.nvidia.com/gpu": "4" } }))).toEqual([]);
  });

  it("names a namespace without a known name by its resource name", () => {
    const stack: FakeResource[] = [{ type: NS, name: "team-ns", props: { metadata: { labels: {} } } }];
    expect(triples(validateStack("k8s-namespace-missing-gpu-quota", stack))).toEqual([
      ["policy", "metadata.name: namespace team-ns has no ResourceQuota bounding requests.nvidia.com/gpu; one team could take every GPU of the cluster", urnOf(NS, "team-ns")],
    ]);
  });

  it("reports each team namespace at its own URN, and honours a configured exempt list", () => {
    const stack = [...teamStack(["quota"]), ...teamStack(["quota-nlp"], "nlp", "-nlp")];
    expect(triples(validateStack("k8s-namespace-missing-gpu-quota", stack))).toEqual([
      ["policy", NO_QUOTA, NS_URN],
      ["policy", NO_QUOTA.replace("vision", "nlp"), urnOf(NS, "ns-nlp")],
    ]);
    expect(triples(validateStack("k8s-namespace-missing-gpu-quota", stack, { exemptNamespaces: ["vision"] }))).toEqual([
      ["policy", NO_QUOTA.replace("vision", "nlp"), urnOf(NS, "ns-nlp")],
    ]);
  });
});

describe("k8s-namespace-missing-limit-range findings", () => {
  it("enforces the exact finding at the Namespace, and not when a LimitRange lives in it", () => {
    expect(triples(validateStack("k8s-namespace-missing-limit-range", teamStack(["limits"])))).toEqual([
      ["policy", "metadata.name: namespace vision has no LimitRange; containers without requests escape the quota's accounting", NS_URN],
    ]);
    expect(validateStack("k8s-namespace-missing-limit-range", teamStack())).toEqual([]);
  });

  it("a LimitRange of another namespace does not count", () => {
    const stack = [...teamStack(["limits"]), ...teamStack(["ns-nlp"], "nlp", "-nlp")];
    expect(messages(validateStack("k8s-namespace-missing-limit-range", stack))).toEqual([
      "metadata.name: namespace vision has no LimitRange; containers without requests escape the quota's accounting",
    ]);
  });
});

describe("k8s-namespace-missing-default-deny findings", () => {
  const policy = (name: string, spec: unknown): FakeResource => ({ type: NETPOL, name, props: { metadata: { name, namespace: "vision" }, spec } });
  const check = (...policies: FakeResource[]) => triples(validateStack("k8s-namespace-missing-default-deny", [...teamStack(["deny"]), ...policies]));
  const every = {};

  it.each([
    ["no NetworkPolicy", [], "Ingress and Egress"],
    ["a deny of Ingress only", [policy("in", { podSelector: every, policyTypes: ["Ingress"] })], "Egress"],
    ["a deny of Egress only", [policy("out", { podSelector: every, policyTypes: ["Egress"] })], "Ingress"],
    ["a policy that keeps an ingress rule (an allow, not a deny)", [policy("allow", { podSelector: every, policyTypes: ["Ingress", "Egress"], ingress: [{ from: [{ podSelector: {} }] }] })], "Ingress"],
    ["a policy that keeps an egress rule", [policy("allow", { podSelector: every, policyTypes: ["Ingress", "Egress"], egress: [{ to: [{ podSelector: {} }] }] })], "Egress"],
    ["a policy selecting pods by label", [policy("some", { podSelector: { matchLabels: { app: "x" } }, policyTypes: ["Ingress", "Egress"] })], "Ingress and Egress"],
    ["a policy selecting pods by expression", [policy("some", { podSelector: { matchExpressions: [{ key: "app", operator: "Exists" }] }, policyTypes: ["Ingress", "Egress"] })], "Ingress and Egress"],
    // Kubernetes defaults policyTypes to [Ingress] (plus Egress only when there are egress rules).
    ["a policy without policyTypes (Ingress only, by the API's default)", [policy("default", { podSelector: every })], "Egress"],
    ["a policy with empty policyTypes (Ingress only, by the API's default)", [policy("default", { podSelector: every, policyTypes: [] })], "Egress"],
  ])("enforces a finding at the Namespace for %s", (_case, policies, directions) => {
    expect(check(...policies)).toEqual([["policy", noDeny(directions), NS_URN]]);
  });

  it.each([
    ["one policy for both directions", [policy("deny", { podSelector: every, policyTypes: ["Ingress", "Egress"] })]],
    ["one policy per direction", [policy("in", { podSelector: every, policyTypes: ["Ingress"] }), policy("out", { podSelector: { matchLabels: {}, matchExpressions: [] }, policyTypes: ["Egress"] })]],
    ["a default-typed ingress deny plus an egress deny", [policy("in", { podSelector: every }), policy("out", { podSelector: every, policyTypes: ["Egress"] })]],
    ["a deny beside allow policies", [policy("allow", { podSelector: every, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: {} }] }] }), policy("deny", { podSelector: every, policyTypes: ["Ingress", "Egress"] })]],
  ])("accepts %s", (_case, policies) => {
    expect(check(...policies)).toEqual([]);
  });

  it.each([
    ["the whole spec", UNKNOWN, "Ingress and Egress"],
    ["the pod selector", { podSelector: UNKNOWN, policyTypes: ["Ingress", "Egress"] }, "Ingress and Egress"],
    ["the selector's labels", { podSelector: { matchLabels: UNKNOWN }, policyTypes: ["Ingress", "Egress"] }, "Ingress and Egress"],
    ["the policy types", { podSelector: every, policyTypes: UNKNOWN }, "Ingress and Egress"],
    ["the egress rules", { podSelector: every, policyTypes: ["Ingress", "Egress"], egress: UNKNOWN }, "Egress"],
  ])("reports a deny policy whose %s is unknown until apply as an advisory", (_case, spec, directions) => {
    expect(check(policy("later", spec))).toEqual([["advisory", notKnown("NetworkPolicy.spec", `the default deny for ${directions} of namespace vision`), NS_URN]]);
  });

  it("reports the unknown direction as advisory and the missing one as enforced", () => {
    expect(check(policy("later", { podSelector: every, policyTypes: ["Egress"], egress: UNKNOWN }))).toEqual([
      ["advisory", notKnown("NetworkPolicy.spec", "the default deny for Egress of namespace vision"), NS_URN],
      ["policy", noDeny("Ingress"), NS_URN],
    ]);
  });

  it("a known deny is enough even beside a policy still unknown", () => {
    expect(check(policy("later", UNKNOWN), policy("deny", { podSelector: every, policyTypes: ["Ingress", "Egress"] }))).toEqual([]);
  });
});

describe("k8s-networkpolicy-disallow-allow-all findings", () => {
  const check = (spec: unknown, config = {}, type = NETPOL) => triples(validateResource("k8s-networkpolicy-disallow-allow-all", type, { metadata: { namespace: "vision" }, spec }, config));
  const egressTo = (...cidrs: string[]) => ({ podSelector: {}, egress: [{ to: cidrs.map((cidr) => ({ ipBlock: { cidr } })) }] });
  const wide = (cidr: string, length: number, min: number, opens = "a large part of the address space") =>
    `${cidr} is /${length}, wider than /${min}: it opens ${opens}; name the endpoint's own CIDR`;
  const NS_SELECTOR = "an empty namespaceSelector matches every pod of every namespace; select the namespaces by label";

  it.each([
    ["an ingress rule without from", { ingress: [{ ports: [{ port: 80 }] }] }, "spec.ingress[0].from: the rule allows all sources (no from); name the peers"],
    ["an ingress rule with an empty from", { ingress: [{ from: [{ podSelector: {} }] }, { from: [] }] }, "spec.ingress[1].from: the rule allows all sources (no from); name the peers"],
    ["an egress rule without to", { egress: [{ ports: [{ port: 443 }] }] }, "spec.egress[0].to: the rule allows all destinations (no to); name the peers"],
    ["an empty namespaceSelector", { ingress: [{ from: [{ podSelector: { matchLabels: { app: "a" } } }, { namespaceSelector: {} }] }] }, `spec.ingress[0].from[1].namespaceSelector: ${NS_SELECTOR}`],
    ["an empty namespaceSelector with an empty podSelector", { egress: [{ to: [{ namespaceSelector: { matchLabels: {}, matchExpressions: [] }, podSelector: { matchLabels: {} } }] }] }, `spec.egress[0].to[0].namespaceSelector: ${NS_SELECTOR}`],
  ])("enforces %s", (_case, spec, message) => {
    expect(check({ podSelector: {}, ...spec })).toEqual([["policy", message, undefined]]);
  });

  it("reports every offending rule of both directions, in order", () => {
    expect(messages(validateResource("k8s-networkpolicy-disallow-allow-all", NETPOL, { spec: { podSelector: {}, ingress: [{}], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }, {}] } }))).toEqual([
      "spec.ingress[0].from: the rule allows all sources (no from); name the peers",
      `spec.egress[0].to[0].ipBlock.cidr: ${wide("0.0.0.0/0", 0, 8, "the whole internet")}`,
      "spec.egress[1].to: the rule allows all destinations (no to); name the peers",
    ]);
  });

  it.each([
    ["a selector naming namespaces by expression", { namespaceSelector: { matchExpressions: [{ key: "team", operator: "In", values: ["nlp"] }] } }],
    ["pods of this namespace (a podSelector alone)", { podSelector: {} }],
    ["labelled pods of every namespace", { namespaceSelector: {}, podSelector: { matchExpressions: [{ key: "app", operator: "Exists" }] } }],
  ])("accepts %s", (_case, peer) => {
    expect(check({ podSelector: {}, ingress: [{ from: [peer] }] })).toEqual([]);
  });

  it.each([
    ["0.0.0.0/0", 8, wide("0.0.0.0/0", 0, 8, "the whole internet")],
    ["::/0", 8, wide("::/0", 0, 8, "the whole internet")],
    ["10.0.0.0/7", 8, wide("10.0.0.0/7", 7, 8)],
    ["2001:db8::/4", 8, wide("2001:db8::/4", 4, 8)],
    [" 0.0.0.0/0 ", 8, wide(" 0.0.0.0/0 ", 0, 8, "the whole internet")],
    ["10.0.0.0/19", 20, wide("10.0.0.0/19", 19, 20)],
    ["10.0.0.0/1", 2, wide("10.0.0.0/1", 1, 2)],
  ])("refuses %s below the narrowest prefix /%d", (cidr, minPrefixLength, message) => {
    expect(check(egressTo(cidr), { minPrefixLength })).toEqual([["policy", `spec.egress[0].to[0].ipBlock.cidr: ${message}`, undefined]]);
  });

  it.each([
    ["10.0.0.0/8", 8],
    ["10.20.96.0/24", 8],
    ["10.0.0.0/20", 20],
    ["0.0.0.0/0", 0],
  ])("accepts %s at the narrowest prefix /%d", (cidr, minPrefixLength) => {
    expect(check(egressTo(cidr), { minPrefixLength })).toEqual([]);
  });

  it("defaults the narrowest prefix to /8", () => {
    expect(check(egressTo("10.0.0.0/8"))).toEqual([]);
    expect(messages(validateResource("k8s-networkpolicy-disallow-allow-all", NETPOL, { spec: egressTo("10.0.0.0/7") }))).toEqual([
      `spec.egress[0].to[0].ipBlock.cidr: ${wide("10.0.0.0/7", 7, 8)}`,
    ]);
  });

  it.each([
    ["the spec", UNKNOWN, notKnown("spec", "the NetworkPolicy spec")],
    ["the ingress rules", { podSelector: {}, ingress: UNKNOWN }, notKnown("spec.ingress", "the ingress rules")],
    ["the egress rules", { podSelector: {}, egress: UNKNOWN }, notKnown("spec.egress", "the egress rules")],
    ["an ingress rule", { podSelector: {}, ingress: [UNKNOWN] }, notKnown("spec.ingress[0]", "the ingress rule")],
    ["the ingress peers", { podSelector: {}, ingress: [{ from: UNKNOWN }] }, notKnown("spec.ingress[0].from", "the ingress peers")],
    ["the egress peers", { podSelector: {}, egress: [{ to: UNKNOWN }] }, notKnown("spec.egress[0].to", "the egress peers")],
    ["a peer", { podSelector: {}, egress: [{ to: [UNKNOWN] }] }, notKnown("spec.egress[0].to[0]", "the egress peer")],
    ["the namespaceSelector", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: UNKNOWN }] }] }, notKnown("spec.ingress[0].from[0].namespaceSelector", "the peer's selectors")],
    ["the namespaceSelector's labels", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: UNKNOWN } }] }] }, notKnown("spec.ingress[0].from[0].namespaceSelector", "the peer's selectors")],
    ["the podSelector beside an empty namespaceSelector", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: UNKNOWN }] }] }, notKnown("spec.ingress[0].from[0].namespaceSelector", "the peer's selectors")],
    ["the ipBlock", { podSelector: {}, egress: [{ to: [{ ipBlock: UNKNOWN }] }] }, notKnown("spec.egress[0].to[0].ipBlock.cidr", "the CIDR")],
    ["the CIDR", { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: UNKNOWN } }] }] }, notKnown("spec.egress[0].to[0].ipBlock.cidr", "the CIDR")],
  ])("reports %s unknown until apply as an advisory, never enforced", (_case, spec, message) => {
    expect(check(spec)).toEqual([["advisory", message, undefined]]);
  });

  it("an unknown podSelector without a namespaceSelector stays in the policy's namespace", () => {
    expect(check({ podSelector: {}, ingress: [{ from: [{ podSelector: UNKNOWN }] }] })).toEqual([]);
  });

  it.each([
    ["a Calico NetworkPolicy", "kubernetes:crd.projectcalico.org/v1:NetworkPolicy"],
    ["a ConfigMap", "kubernetes:core/v1:ConfigMap"],
  ])("ignores %s", (_case, type) => {
    expect(check({ podSelector: {}, ingress: [{}] }, {}, type)).toEqual([]);
  });
});

describe("k8s-clusterrolebinding-disallow-team-admin findings", () => {
  const CRB = `${RBAC}:ClusterRoleBinding`;
  const check = (role: unknown, subjects: unknown, type = CRB) =>
    triples(validateResource("k8s-clusterrolebinding-disallow-team-admin", type, { roleRef: { kind: "ClusterRole", name: role, apiGroup: "rbac.authorization.k8s.io" }, subjects }));
  const gets = (index: number, subject: string, role: string) => ["policy", `subjects[${index}]: ${subject} gets ${role} on the whole cluster; use a RoleBinding to a namespaced Role instead`, undefined];

  it.each([
    ["a team group", { kind: "Group", name: "ml-vision" }, "Group ml-vision"],
    ["a user", { kind: "User", name: "alice@example.com" }, "User alice@example.com"],
    // The RBAC docs: system:authenticated / system:unauthenticated are every caller, system:serviceaccounts every pod.
    ["every authenticated user", { kind: "Group", name: "system:authenticated" }, "Group system:authenticated"],
    ["every anonymous caller", { kind: "Group", name: "system:unauthenticated" }, "Group system:unauthenticated"],
    ["the anonymous user", { kind: "User", name: "system:anonymous" }, "User system:anonymous"],
    ["every service account", { kind: "Group", name: "system:serviceaccounts" }, "Group system:serviceaccounts"],
  ])("refuses %s bound to cluster-admin", (_case, subject, described) => {
    expect(check("cluster-admin", [subject])).toEqual([gets(0, described, "cluster-admin")]);
  });

  it("reports each human subject at its index, skipping service accounts and control-plane identities", () => {
    const subjects = [
      { kind: "ServiceAccount", name: "argocd", namespace: "argocd" },
      { kind: "Group", name: "ml-vision" },
      { kind: "Group", name: "system:masters" },
      { kind: "User", name: "system:kube-controller-manager" },
      { kind: "User", name: "bob" },
    ];
    expect(check("edit", subjects)).toEqual([gets(1, "Group ml-vision", "edit"), gets(4, "User bob", "edit")]);
  });

  it.each(["view", "cluster-reader", "ml-team-reader"])("accepts a team group bound to %s", (role) => {
    expect(check(role, [{ kind: "Group", name: "ml-vision" }])).toEqual([]);
  });

  it.each([
    ["the ClusterRole's name", UNKNOWN, [{ kind: "Group", name: "ml-vision" }], notKnown("roleRef.name", "the bound ClusterRole")],
    ["the subjects", "admin", UNKNOWN, notKnown("subjects", "the subjects")],
    ["a subject", "admin", [UNKNOWN], notKnown("subjects[0]", "the subject")],
    ["a subject's name", "admin", [{ kind: "Group", name: UNKNOWN }], notKnown("subjects[0]", "the subject")],
    ["a subject's kind", "admin", [{ kind: UNKNOWN, name: "ml-vision" }], notKnown("subjects[0]", "the subject")],
  ])("reports %s unknown until apply as an advisory", (_case, role, subjects, message) => {
    expect(check(role, subjects)).toEqual([["advisory", message, undefined]]);
  });

  it("ignores a namespaced RoleBinding (another rule's business)", () => {
    expect(check("cluster-admin", [{ kind: "Group", name: "ml-vision" }], `${RBAC}:RoleBinding`)).toEqual([]);
  });
});

describe("k8s-rolebinding-disallow-secrets-write findings", () => {
  const RULE = "k8s-rolebinding-disallow-secrets-write";
  const group = { kind: "Group", name: "ml-vision" };
  const writeSecrets = [{ apiGroups: [""], resources: ["secrets"], verbs: ["create"] }];
  const role = (name: string, rules: unknown, namespace: unknown = "vision", resource = name): FakeResource =>
    ({ type: `${RBAC}:Role`, name: resource, props: { metadata: { name, namespace }, rules } });
  const clusterRole = (name: string, rules: unknown, metadata: Record<string, unknown> = {}): FakeResource =>
    ({ type: `${RBAC}:ClusterRole`, name, props: { metadata: { name, ...metadata }, rules } });
  const binding = (roleRef: Record<string, unknown>, subjects: unknown[] = [group], namespace = "vision"): FakeResource =>
    ({ type: `${RBAC}:RoleBinding`, name: "binding", props: { metadata: { name: "b", namespace }, roleRef, subjects } });
  const BINDING_URN = urnOf(`${RBAC}:RoleBinding`, "binding");
  const canWrite = (who: string, through: string) => ["policy", `roleRef: ${who} can write Secrets through ${through}; remove secrets write from the role`, BINDING_URN];
  const check = (...resources: FakeResource[]) => triples(validateStack(RULE, resources));

  it.each([
    ["create", [{ apiGroups: [""], resources: ["secrets"], verbs: ["create"] }]],
    ["update", [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "update"] }]],
    ["delete", [{ apiGroups: [""], resources: ["secrets"], verbs: ["delete"] }]],
    ["deletecollection", [{ apiGroups: [""], resources: ["secrets"], verbs: ["deletecollection"] }]],
    ["every verb", [{ apiGroups: [""], resources: ["secrets"], verbs: ["*"] }]],
    ["every resource of the core group", [{ apiGroups: [""], resources: ["*"], verbs: ["patch"] }]],
    ["secrets listed after other groups and resources", [{ apiGroups: ["apps", ""], resources: ["configmaps", "secrets"], verbs: ["list", "create"] }]],
    ["a second rule after a harmless one", [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }, { apiGroups: ["*"], resources: ["secrets"], verbs: ["update"] }]],
  ])("refuses a Role granting Secrets %s, at the binding's URN", (_case, rules) => {
    expect(check(role("team-member", rules), binding({ kind: "Role", name: "team-member" }))).toEqual([canWrite("Group ml-vision", "Role team-member")]);
  });

  it.each([
    ["read-only verbs on secrets", [{ apiGroups: [""], resources: ["secrets"], verbs: ["get", "list", "watch"] }]],
    ["write verbs on another resource", [{ apiGroups: [""], resources: ["configmaps", "pods"], verbs: ["create", "delete"] }]],
    ["secrets of another API group", [{ apiGroups: ["example.com"], resources: ["secrets"], verbs: ["create"] }]],
    ["no rules", []],
  ])("accepts a Role with %s", (_case, rules) => {
    expect(check(role("team-member", rules), binding({ kind: "Role", name: "team-member" }))).toEqual([]);
  });

  it.each(["cluster-admin", "admin", "edit"])("refuses a RoleBinding to the built-in %s ClusterRole", (name) => {
    expect(check(binding({ kind: "ClusterRole", name }))).toEqual([canWrite("Group ml-vision", `ClusterRole ${name}`)]);
  });

  it("names every human subject, and ignores service accounts and system identities", () => {
    const subjects = [group, { kind: "ServiceAccount", name: "ci", namespace: "vision" }, { kind: "User", name: "alice" }, { kind: "Group", name: "system:masters" }];
    expect(check(binding({ kind: "ClusterRole", name: "edit" }, subjects))).toEqual([canWrite("Group ml-vision, User alice", "ClusterRole edit")]);
  });

  it("accepts a RoleBinding of service accounts only, even to edit", () => {
    expect(check(binding({ kind: "ClusterRole", name: "edit" }, [{ kind: "ServiceAccount", name: "ci", namespace: "vision" }]))).toEqual([]);
  });

  it("a Role that happens to be named edit is judged by its rules, not its name", () => {
    expect(check(role("edit", [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]), binding({ kind: "Role", name: "edit" }))).toEqual([]);
  });

  it("refuses a RoleBinding to a custom ClusterRole of the stack that writes Secrets", () => {
    expect(check(clusterRole("secret-writer", writeSecrets), binding({ kind: "ClusterRole", name: "secret-writer" }))).toEqual([canWrite("Group ml-vision", "ClusterRole secret-writer")]);
  });

  it("a ClusterRole serves bindings in every namespace (a stray metadata.namespace on it does not matter)", () => {
    expect(check(clusterRole("secret-writer", writeSecrets, { namespace: "platform" }), binding({ kind: "ClusterRole", name: "secret-writer" }))).toEqual([canWrite("Group ml-vision", "ClusterRole secret-writer")]);
  });

  it.each([
    ["a Role of another namespace with that name", [role("team-member", writeSecrets, "nlp")]],
    ["a ClusterRole (not a Role) with that name", [clusterRole("team-member", writeSecrets)]],
    ["a Role with another name", [role("other", writeSecrets)]],
    ["no such Role in the stack", []],
  ])("a binding to Role team-member is not judged by %s", (_case, roles) => {
    expect(check(...roles, binding({ kind: "Role", name: "team-member" }))).toEqual([]);
  });

  it("a Role whose namespace is unknown until apply is taken as the binding's", () => {
    expect(check(role("team-member", writeSecrets, UNKNOWN), binding({ kind: "Role", name: "team-member" }))).toEqual([canWrite("Group ml-vision", "Role team-member")]);
  });

  it("finds the Role through the roleRef dependency when its name is unknown, and says so", () => {
    const bound = { ...binding({ kind: "Role", name: UNKNOWN }), dependsOn: { roleRef: ["generated"] } };
    expect(check(role(UNKNOWN, writeSecrets, "vision", "generated"), bound)).toEqual([canWrite("Group ml-vision", "Role (unknown)")]);
  });

  it.each([
    ["the Role's rules", [role("team-member", UNKNOWN)], { kind: "Role", name: "team-member" }, "Role"],
    ["a rule's verbs", [role("team-member", [{ apiGroups: [""], resources: ["secrets"], verbs: UNKNOWN }])], { kind: "Role", name: "team-member" }, "Role"],
    ["the ClusterRole's name", [], { kind: "ClusterRole", name: UNKNOWN }, "ClusterRole"],
  ])("reports %s unknown until apply as an advisory at the binding", (_case, roles, roleRef, kind) => {
    expect(check(...roles, binding(roleRef))).toEqual([["advisory", notKnown("roleRef", `the rules of the bound ${kind}`), BINDING_URN]]);
  });

  it("an unknown rule does not hide a known grant", () => {
    expect(enforced(validateStack(RULE, [role("team-member", [UNKNOWN, ...writeSecrets]), binding({ kind: "Role", name: "team-member" })]))).toHaveLength(1);
    expect(advisories(validateStack(RULE, [role("team-member", [UNKNOWN, ...writeSecrets]), binding({ kind: "Role", name: "team-member" })]))).toEqual([]);
  });

  it("ignores ClusterRoleBindings (another rule's business)", () => {
    const crb: FakeResource = { type: `${RBAC}:ClusterRoleBinding`, name: "crb", props: { roleRef: { kind: "ClusterRole", name: "edit" }, subjects: [group] } };
    expect(check(crb)).toEqual([]);
  });
});
