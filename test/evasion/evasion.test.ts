/**
 * Attempts to talk the rules out of a violation: the same violation moved, re-spelled or hidden, each
 * of which must still be caught; and equally tricky compliant resources, which must pass. Generated
 * cases (fast-check) sit next to hand-written ones; add to both as new tricks appear.
 */
import * as fc from "fast-check";
import { enforced, messages, validateResource } from "../support/policyArgs";
import { compliantContainer, compliantPodSpec, PINNED_IMAGE, servingLabels, workloadKinds } from "../support/workloads";
import { crdWorkloadKinds } from "../support/crdWorkloads";

type Spec = Record<string, any>;
const RUNS = { numRuns: 150 };
const caught = (rule: string, type: string, props: Record<string, unknown>, config = {}) => enforced(validateResource(rule, type, props, config)).length > 0;

/** Container-level violations, each with the rule that must catch it. */
const CONTAINER_VIOLATIONS: [string, (container: Spec) => void][] = [
  ["pod-disallow-privileged-containers", (c) => (c.securityContext.privileged = true)],
  ["pod-disallow-privilege-escalation", (c) => (c.securityContext.allowPrivilegeEscalation = true)],
  ["pod-disallow-run-as-root-user", (c) => (c.securityContext.runAsUser = 0)],
  ["pod-require-run-as-non-root", (c) => (c.securityContext.runAsNonRoot = false)],
  ["pod-restrict-capabilities", (c) => (c.securityContext.capabilities.add = ["SYS_ADMIN"])],
  ["pod-disallow-proc-mount", (c) => (c.securityContext.procMount = "Unmasked")],
  ["pod-require-seccomp-profile", (c) => (c.securityContext.seccompProfile = { type: "Unconfined" })],
  ["pod-require-read-only-root-filesystem", (c) => (c.securityContext.readOnlyRootFilesystem = false)],
  ["pod-require-pinned-images", (c) => (c.image = "nvcr.io/nvidia/pytorch:24.01")],
  ["pod-disallow-host-ports", (c) => (c.ports = [{ containerPort: 80, hostPort: 80 }])],
  ["pod-disallow-host-probes", (c) => (c.livenessProbe = { tcpSocket: { host: "169.254.169.254", port: 80 } })],
  ["pod-disallow-secret-literals", (c) => (c.env = [{ name: "AWS_SECRET_ACCESS_KEY", value: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" }])],
];

const LISTS = ["containers", "initContainers", "ephemeralContainers"] as const;
const KINDS = workloadKinds(compliantPodSpec()).map(([kind]) => kind);

describe("a violation moved anywhere a container can be", () => {
  it("is caught in every list, at every position, in every workload kind", () => {
    fc.assert(fc.property(
      fc.constantFrom(...CONTAINER_VIOLATIONS), fc.constantFrom(...LISTS), fc.nat(3), fc.constantFrom(...KINDS),
      ([rule, mutate], list, position, kind) => {
        const spec = compliantPodSpec();
        const containers = Array.from({ length: position + 1 }, (_, index) => compliantContainer(`${list}-${index}`));
        mutate(containers[position]);
        spec[list] = [...(spec[list] ?? []), ...containers];
        const [, type, props] = workloadKinds(spec, servingLabels).find(([candidate]) => candidate === kind)!;
        return caught(rule, type, props);
      }), RUNS);
  });

  it("is caught in the model container of an InferenceService predictor", () => {
    for (const [rule, mutate] of CONTAINER_VIOLATIONS.filter(([name]) => !["pod-disallow-host-ports", "pod-disallow-host-probes"].includes(name))) {
      const predictor = compliantPodSpec();
      predictor.model = { ...compliantContainer("kserve-container"), modelFormat: { name: "sklearn" }, storageUri: "s3://b/teams/vision/m/" };
      mutate(predictor.model);
      const props = { metadata: { name: "m", namespace: "vision", labels: servingLabels }, spec: { predictor } };
      expect([rule, caught(rule, "kubernetes:serving.kserve.io/v1beta1:InferenceService", props)]).toEqual([rule, true]);
    }
  });
});

describe("pod-level and container-level settings", () => {
  it("a safe pod-level setting never hides an unsafe container-level one", () => {
    fc.assert(fc.property(fc.constantFrom(...LISTS), fc.constantFrom(
      ["pod-require-run-as-non-root", (c: Spec) => (c.securityContext.runAsNonRoot = false)],
      ["pod-disallow-run-as-root-user", (c: Spec) => (c.securityContext.runAsUser = 0)],
      ["pod-require-seccomp-profile", (c: Spec) => (c.securityContext.seccompProfile = { type: "Unconfined" })],
      ["pod-restrict-selinux", (c: Spec) => (c.securityContext.seLinuxOptions = { type: "spc_t" })],
    ), (list, [rule, mutate]) => {
      const spec = compliantPodSpec();
      spec[list] = [compliantContainer("x")];
      (mutate as (c: Spec) => void)(spec[list][0]);
      return caught(rule, "kubernetes:core/v1:Pod", { metadata: { namespace: "vision" }, spec });
    }), RUNS);
  });

  it("an unsafe pod-level setting is caught even when the containers look safe", () => {
    for (const [rule, mutate] of [
      ["pod-require-run-as-non-root", (s: Spec) => (s.securityContext.runAsNonRoot = false)],
      ["pod-disallow-run-as-root-user", (s: Spec) => (s.securityContext.runAsUser = 0)],
      ["pod-require-seccomp-profile", (s: Spec) => (s.securityContext.seccompProfile = { type: "Unconfined" })],
      ["pod-disallow-windows-host-process", (s: Spec) => (s.securityContext.windowsOptions = { hostProcess: true })],
    ] as [string, (s: Spec) => void][]) {
      const spec = compliantPodSpec();
      mutate(spec);
      expect([rule, caught(rule, "kubernetes:core/v1:Pod", { metadata: { namespace: "vision" }, spec })]).toEqual([rule, true]);
    }
  });
});

describe("re-spelled values", () => {
  const capability = fc.tuple(fc.constantFrom("", "CAP_", "cap_"), fc.constantFrom("SYS_ADMIN", "NET_RAW", "NET_ADMIN", "SYS_PTRACE", "NET_BIND_SERVICE", "ALL"))
    .chain(([prefix, name]) => fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }).map((upper) =>
      prefix + [...name].map((char, index) => (upper[index] ? char.toUpperCase() : char.toLowerCase())).join("")));

  it("capabilities in any case or with a CAP_ prefix are caught unless exactly NET_BIND_SERVICE", () => {
    fc.assert(fc.property(capability, (cap) => {
      const spec = compliantPodSpec();
      spec.containers[0].securityContext.capabilities.add = [cap];
      return caught("pod-restrict-capabilities", "kubernetes:core/v1:Pod", { metadata: { namespace: "vision" }, spec }) === (cap !== "NET_BIND_SERVICE");
    }), RUNS);
  });

  it("dropping ALL in another spelling is not dropping ALL", () => {
    fc.assert(fc.property(capability.filter((cap) => cap.toUpperCase().endsWith("ALL")), (cap) => {
      const spec = compliantPodSpec();
      spec.containers[0].securityContext.capabilities.drop = [cap];
      return caught("pod-restrict-capabilities", "kubernetes:core/v1:Pod", { metadata: { namespace: "vision" }, spec }) === (cap !== "ALL");
    }), RUNS);
  });

  it(":latest or no tag behind a registry host and port is never pinned; a digest always is", () => {
    const host = fc.tuple(fc.constantFrom("registry.internal", "localhost", "10.0.0.5", "reg.example.com"), fc.integer({ min: 1, max: 65535 })).map(([name, port]) => `${name}:${port}`);
    const reference = fc.tuple(host, fc.constantFrom("ml/trainer", "team/vision/server"), fc.constantFrom("", ":latest", ":v1", ":latest@sha256:" + "e".repeat(64), "@sha256:" + "f".repeat(64)));
    fc.assert(fc.property(reference, ([registry, repository, suffix]) => {
      const spec = compliantPodSpec();
      spec.containers[0].image = `${registry}/${repository}${suffix}`;
      const pinned = suffix.includes("@sha256:");
      return caught("pod-require-pinned-images", "kubernetes:core/v1:Pod", { metadata: { namespace: "vision" }, spec }) === !pinned;
    }), RUNS);
  });

  it("Vault TTLs written with units are compared by value", () => {
    const duration = fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 3600 })).filter(([h, m, s]) => h + m + s > 0);
    fc.assert(fc.property(duration, ([hours, minutes, seconds]) => {
      const text = `${hours ? `${hours}h` : ""}${minutes ? `${minutes}m` : ""}${seconds ? `${seconds}s` : ""}`;
      const total = hours * 3600 + minutes * 60 + seconds;
      const props = { roleName: "r", boundServiceAccountNames: ["a"], boundServiceAccountNamespaces: ["n"], tokenTtl: text, tokenMaxTtl: 3600 };
      return caught("vault-auth-role-ttl-too-long", "vault:kubernetes/authBackendRole:AuthBackendRole", props) === total > 3600;
    }), RUNS);
  });
});

describe("allow-all and wide-open spelled differently", () => {
  const netpol = (spec: Spec) => ({ metadata: { namespace: "vision" }, spec: { podSelector: {}, ...spec } });
  const NP = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

  it("a /0 range is caught whatever address precedes it, IPv4 or IPv6", () => {
    const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((octets) => octets.join("."));
    const ipv6 = fc.constantFrom("::", "::1", "fe80::", "2001:db8::");
    fc.assert(fc.property(fc.oneof(ipv4, ipv6), fc.constantFrom("ingress", "egress"), (address, direction) => {
      const peer = { ipBlock: { cidr: `${address}/0` } };
      const rule = direction === "ingress" ? { from: [peer] } : { to: [peer] };
      return caught("k8s-networkpolicy-disallow-allow-all", NP, netpol({ [direction]: [rule] }));
    }), RUNS);
  });

  it.each([
    ["ingress rule with no peers", { ingress: [{ ports: [{ port: 8080 }] }] }],
    ["egress rule with an empty list of peers", { egress: [{ to: [] }] }],
    ["every namespace by an empty selector", { ingress: [{ from: [{ namespaceSelector: {} }] }] }],
    ["every namespace by an empty matchLabels", { ingress: [{ from: [{ namespaceSelector: { matchLabels: {} } }] }] }],
    ["every pod of every namespace with two empty selectors", { egress: [{ to: [{ namespaceSelector: {}, podSelector: {} }] }] }],
    ["two halves of the internet", { egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/1" } }, { ipBlock: { cidr: "128.0.0.0/1" } }] }] }],
  ])("catches %s", (_case, spec) => {
    expect(caught("k8s-networkpolicy-disallow-allow-all", NP, netpol(spec))).toBe(true);
  });

  const AP = "kubernetes:security.istio.io/v1:AuthorizationPolicy";
  it.each([
    ["an empty rule", { rules: [{}] }],
    ["action spelled in lower case", { action: "allow", rules: [{}] }],
    ["a source with no fields", { rules: [{ from: [{ source: {} }] }] }],
    ["principals: [\"*\"] among others", { rules: [{ from: [{ source: { principals: ["cluster.local/ns/a/sa/b", "*"] } }] }] }],
    ["everyone but one namespace", { rules: [{ from: [{ source: { notNamespaces: ["x"] } }] }] }],
    ["a source whose lists are all empty", { rules: [{ from: [{ source: { principals: [], namespaces: [] } }] }] }],
    ["an operation with nothing set", { rules: [{ to: [{ operation: {} }] }] }],
    ["one open entry among narrow ones", { rules: [{ to: [{ operation: { paths: ["/v1/models"] } }, { operation: { methods: [] } }] }] }],
  ])("catches an allow-all AuthorizationPolicy with %s", (_case, spec) => {
    expect(caught("istio-authorizationpolicy-disallow-allow-all", AP, { metadata: { namespace: "vision" }, spec })).toBe(true);
  });

  it("catches PERMISSIVE or DISABLE on any single port, in any case", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 65535 }), fc.constantFrom("PERMISSIVE", "permissive", "Permissive", "DISABLE", "disable"), (port, mode) =>
      caught("istio-peerauthentication-require-strict", "kubernetes:security.istio.io/v1:PeerAuthentication", {
        metadata: { namespace: "vision" }, spec: { mtls: { mode: "STRICT" }, portLevelMtls: { [String(port)]: { mode } } },
      })), RUNS);
  });

  it("catches Principal \"*\" however it is written, in key, bucket and trust policies", () => {
    const principal = fc.constantFrom<unknown>("*", ["*"], { AWS: "*" }, { AWS: ["*"] }, { AWS: ["arn:aws:iam::123456789012:root", "*"] }, { AWS: "arn:aws:iam::*:root" }, { CanonicalUser: "*" });
    const target = fc.constantFrom(["aws:kms/key:Key", "policy"], ["aws:s3/bucketPolicy:BucketPolicy", "policy"], ["aws:iam/role:Role", "assumeRolePolicy"]);
    fc.assert(fc.property(principal, target, fc.boolean(), (value, [type, field], asString) => {
      const document = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: value, Action: "kms:Decrypt", Resource: "*" }] };
      return caught("iam-policy-disallow-public-principal", type, { [field]: asString ? JSON.stringify(document) : document });
    }), RUNS);
  });

  it.each([
    ["SSE-S3", { sseAlgorithm: "AES256" }],
    ["the AWS-managed key, implicit", { sseAlgorithm: "aws:kms" }],
    ["the AWS-managed key by alias", { sseAlgorithm: "aws:kms", kmsMasterKeyId: "alias/aws/s3" }],
  ])("catches bucket encryption with %s", (_case, byDefault) => {
    expect(caught("s3-encryption-disallow-non-kms", "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", { bucket: "b", rules: [{ applyServerSideEncryptionByDefault: byDefault, bucketKeyEnabled: true }] })).toBe(true);
  });
});

describe("tricky but compliant: no false positives", () => {
  const pass = (rule: string, type: string, props: Record<string, unknown>) => expect(messages(enforced(validateResource(rule, type, props)))).toEqual([]);

  it("NET_BIND_SERVICE added alongside drop ALL; a tag before a digest; a registry port with a digest", () => {
    const spec = compliantPodSpec();
    spec.containers[0].securityContext.capabilities.add = ["NET_BIND_SERVICE"];
    spec.initContainers[0].image = `localhost:5000/ml/init:v1@sha256:${"c".repeat(64)}`;
    pass("pod-restrict-capabilities", "kubernetes:core/v1:Pod", { metadata: { namespace: "vision" }, spec });
    pass("pod-require-pinned-images", "kubernetes:core/v1:Pod", { metadata: { namespace: "vision" }, spec });
  });

  it("a Windows pod without the Linux-only settings", () => {
    const spec = { os: { name: "windows" }, securityContext: { runAsNonRoot: true }, containers: [{ name: "w", image: PINNED_IMAGE }] };
    for (const rule of ["pod-restrict-capabilities", "pod-require-seccomp-profile", "pod-disallow-privilege-escalation", "pod-require-read-only-root-filesystem"]) {
      pass(rule, "kubernetes:core/v1:Pod", { metadata: { namespace: "vision" }, spec });
    }
  });

  it("allow-nothing, DENY with an empty rule, a token requirement with requestPrincipals [\"*\"]", () => {
    const AP = "kubernetes:security.istio.io/v1:AuthorizationPolicy";
    for (const spec of [{}, { action: "DENY", rules: [{}] }, { rules: [{ from: [{ source: { requestPrincipals: ["*"] } }] }] }]) {
      pass("istio-authorizationpolicy-disallow-allow-all", AP, { metadata: { namespace: "vision" }, spec });
    }
  });

  it("a narrow egress CIDR and a selector that names namespaces", () => {
    pass("k8s-networkpolicy-disallow-allow-all", "kubernetes:networking.k8s.io/v1:NetworkPolicy", {
      metadata: { namespace: "vision" },
      spec: { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: "10.20.96.0/24" } }, { namespaceSelector: { matchLabels: { team: "vision" } } }] }] },
    });
  });

  it("Principal \"*\" pinned to the organisation, and a Deny for everyone", () => {
    const document = { Statement: [
      { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc" } } },
      { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
    ] };
    pass("iam-policy-disallow-public-principal", "aws:s3/bucketPolicy:BucketPolicy", { policy: JSON.stringify(document) });
  });

  it("TTLs just inside the bounds, in units", () => {
    pass("vault-auth-role-ttl-too-long", "vault:kubernetes/authBackendRole:AuthBackendRole", { boundServiceAccountNames: ["a"], boundServiceAccountNamespaces: ["n"], tokenTtl: "59m59s", tokenMaxTtl: "24h" });
  });
});

// RBAC and API tokens: the same grant re-spelled (subject kinds, subresource wildcards, role in another
// resource of the stack) must still be caught; look-alikes that grant nothing must pass.
// FACT: a User named system:serviceaccount:<ns>:<name> is that service account (the authorizer compares
// user names), and `*` + `/exec` in resources matches pods/exec. Source: kubernetes/kubernetes
// pkg/registry/rbac/validation/rule.go (appliesToUser, MatchesUsername) and
// pkg/apis/rbac/v1/evaluation_helpers.go (ResourceMatches).
import { validateStack, type FakeResource } from "../support/policyArgs";

describe("RBAC grants moved between subjects, bindings and rules", () => {
  const RBAC = "kubernetes:rbac.authorization.k8s.io/v1";
  /** One workload ServiceAccount of namespace vision, spelled each way a subject can name it. */
  const WORKLOAD_SUBJECTS = [
    { kind: "ServiceAccount", name: "serving", namespace: "vision" },
    { kind: "User", name: "system:serviceaccount:vision:serving" },
    { kind: "Group", name: "system:serviceaccounts:vision" },
    { kind: "Group", name: "system:serviceaccounts" },
  ];
  const HARMLESS = { apiGroups: [""], resources: ["configmaps"], verbs: ["get"] };
  /** Escalating rules, each spelled a less obvious way. */
  const ESCALATING = [
    { apiGroups: ["*"], resources: ["*/exec"], verbs: ["create"] },
    { apiGroups: ["", "apps"], resources: ["users", "groups"], verbs: ["impersonate"] },
    { apiGroups: ["*"], resources: ["nodes/proxy"], verbs: ["get"] },
    { apiGroups: ["admissionregistration.k8s.io"], resources: ["mutatingwebhookconfigurations"], verbs: ["deletecollection"] },
    { apiGroups: ["certificates.k8s.io"], resources: ["signers"], verbs: ["approve"] },
  ];
  const stackOf = (rules: unknown[], subject: unknown, position: number): FakeResource[] => [
    { type: `${RBAC}:ClusterRole`, name: "role", props: { metadata: { name: "helper" }, rules } },
    { type: `${RBAC}:ClusterRoleBinding`, name: "binding", props: { metadata: { name: "helper" }, roleRef: { kind: "ClusterRole", name: "helper" }, subjects: [...Array.from({ length: position }, () => ({ kind: "Group", name: "system:masters" })), subject] } },
  ];

  it("an escalating rule at any position, bound cluster-wide to the workload however named, is caught", () => {
    fc.assert(fc.property(fc.constantFrom(...ESCALATING), fc.constantFrom(...WORKLOAD_SUBJECTS), fc.nat(3), fc.nat(2), (rule, subject, before, position) => {
      const rules = [...Array.from({ length: before }, () => HARMLESS), rule];
      return enforced(validateStack("k8s-rbac-disallow-escalation-paths", stackOf(rules, subject, position))).length > 0;
    }), RUNS);
  });

  it("cluster-admin to the workload however named is caught by the binding rule", () => {
    for (const subject of WORKLOAD_SUBJECTS) {
      expect([subject, caught("k8s-rbac-disallow-service-account-admin", `${RBAC}:ClusterRoleBinding`, { roleRef: { kind: "ClusterRole", name: "cluster-admin" }, subjects: [subject] })]).toEqual([subject, true]);
    }
  });

  it("reading every Secret through a ClusterRole bound by a RoleBinding is caught; naming the Secret passes", () => {
    const reader = (rule: Record<string, unknown>): FakeResource[] => [
      { type: `${RBAC}:ClusterRole`, name: "role", props: { metadata: { name: "reader" }, rules: [rule] } },
      { type: `${RBAC}:RoleBinding`, name: "binding", props: { metadata: { name: "r", namespace: "vision" }, roleRef: { kind: "ClusterRole", name: "reader" }, subjects: [{ kind: "ServiceAccount", name: "serving" }] } },
    ];
    expect(enforced(validateStack("k8s-rbac-disallow-secret-read-all", reader({ apiGroups: ["*"], resources: ["secrets", "configmaps"], verbs: ["watch"] })))).toHaveLength(1);
    expect(validateStack("k8s-rbac-disallow-secret-read-all", reader({ apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["model-registry"] }))).toEqual([]);
  });

  it("look-alikes grant nothing: exec in another API group, a subresource of another resource, a CRD named like nodes/proxy", () => {
    for (const rule of [
      { apiGroups: ["apps"], resources: ["pods/exec"], verbs: ["create"] },
      { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
      { apiGroups: ["example.com"], resources: ["nodes/proxy"], verbs: ["get"] },
    ]) {
      expect(validateStack("k8s-rbac-disallow-escalation-paths", stackOf([rule], WORKLOAD_SUBJECTS[0], 0))).toEqual([]);
    }
  });

  it("an API token turned on in any workload kind is caught; a projected Vault token is not", () => {
    for (const [kind, type, props] of workloadKinds({ ...compliantPodSpec(), automountServiceAccountToken: true })) {
      expect([kind, caught("pod-restrict-api-token-mount", type, props)]).toEqual([kind, true]);
    }
    const vault = { ...compliantPodSpec(), automountServiceAccountToken: false, volumes: [{ name: "vault-token", projected: { sources: [{ serviceAccountToken: { audience: "vault", path: "token" } }] } }] };
    for (const [kind, type, props] of workloadKinds(vault)) expect([kind, caught("pod-restrict-api-token-mount", type, props)]).toEqual([kind, false]);
  });
});

describe("a violation moved into a workload CRD (JobSet, Trainer runtimes, LeaderWorkerSet, KubeRay, Argo, ServingRuntime, Notebook, DeploymentConfig)", () => {
  const CRD_KINDS = crdWorkloadKinds(compliantPodSpec()).map(([kind]) => kind);

  it("is caught in every list, at every position, in every CRD kind", () => {
    fc.assert(fc.property(
      fc.constantFrom(...CONTAINER_VIOLATIONS), fc.constantFrom(...LISTS), fc.nat(3), fc.constantFrom(...CRD_KINDS),
      ([rule, mutate], list, position, kind) => {
        const spec = compliantPodSpec();
        const containers = Array.from({ length: position + 1 }, (_, index) => compliantContainer(`${list}-${index}`));
        mutate(containers[position]);
        spec[list] = [...(spec[list] ?? []), ...containers];
        const [, type, props] = crdWorkloadKinds(spec, servingLabels).find(([candidate]) => candidate === kind)!;
        return caught(rule, type, props);
      }), RUNS);
  });

  it("dropping the serving role label leaves a serving-account workload held to the model rules", () => {
    for (const [kind, type, props] of crdWorkloadKinds({ ...compliantPodSpec(), serviceAccountName: "serving" }).filter(([candidate]) => !/ServingRuntime/.test(candidate))) {
      expect([kind, caught("serving-missing-model-labels", type, props), caught("serving-missing-model-sha256", type, props)]).toEqual([kind, true, true]);
    }
  });

  it("re-spelling a removed apiVersion or hiding containers in an unknown kind is caught; a ConfigMap mentioning containers is not", () => {
    const template = { spec: compliantPodSpec() };
    expect(caught("workload-unreadable-pod-template", "kubernetes:extensions/v1beta1:Deployment", { metadata: { namespace: "vision" }, spec: { template } })).toBe(true);
    expect(caught("workload-unreadable-pod-template", "kubernetes:example.com/v1:Trainer", { metadata: { namespace: "vision" }, spec: { workers: { template } } })).toBe(true);
    expect(caught("workload-unreadable-pod-template", "kubernetes:core/v1:ConfigMap", { metadata: { namespace: "vision" }, data: { "pod.yaml": "spec: {containers: [{name: x}]}" } })).toBe(false);
  });
});
