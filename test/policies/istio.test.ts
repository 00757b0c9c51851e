import { enforced, messages, validateResource, validateStack, type FakeResource } from "../support/policyArgs";
import { compliantPodSpec, servingLabels, workloadKinds } from "../support/workloads";

const SECURITY = "kubernetes:security.istio.io/v1";
const AP = `${SECURITY}:AuthorizationPolicy`;
const RA = `${SECURITY}:RequestAuthentication`;
const GATEWAY = "cluster.local/ns/istio-ingress/sa/istio-ingressgateway";

describe("istio-peerauthentication-require-strict", () => {
  const check = (spec: Record<string, unknown>) => messages(validateResource("istio-peerauthentication-require-strict", `${SECURITY}:PeerAuthentication`, { metadata: { namespace: "vision" }, spec }));

  it("accepts STRICT, and an unset mode that inherits", () => {
    expect(check({ mtls: { mode: "STRICT" } })).toEqual([]);
    expect(check({ selector: { matchLabels: { app: "x" } } })).toEqual([]);
  });

  it.each([
    ["PERMISSIVE", { mtls: { mode: "PERMISSIVE" } }, "spec.mtls.mode"],
    ["DISABLE", { mtls: { mode: "DISABLE" } }, "spec.mtls.mode"],
    ["permissive in lower case", { mtls: { mode: "permissive" } }, "spec.mtls.mode"],
    ["PERMISSIVE on a single port under a STRICT default", { mtls: { mode: "STRICT" }, portLevelMtls: { "8080": { mode: "PERMISSIVE" } } }, 'spec.portLevelMtls["8080"].mode'],
  ])("refuses %s", (_case, spec, path) => {
    expect(check(spec)).toEqual([expect.stringContaining(path)]);
  });
});

describe("istio-authorizationpolicy-disallow-allow-all", () => {
  const check = (spec: Record<string, unknown>, config = {}) => messages(validateResource("istio-authorizationpolicy-disallow-allow-all", AP, { metadata: { namespace: "vision" }, spec }, config));

  it.each([
    ["an empty rule", { rules: [{}] }],
    ["an explicit ALLOW with an empty rule", { action: "ALLOW", rules: [{}] }],
    ["a rule whose only source is empty", { rules: [{ from: [{ source: {} }] }] }],
    ["a rule with empty lists", { rules: [{ from: [], to: [], when: [] }] }],
    ['principals "*"', { rules: [{ from: [{ source: { principals: ["*"] } }] }] }],
    ['namespaces "*"', { rules: [{ from: [{ source: { namespaces: ["*"] } }] }] }],
    ["everyone but one namespace", { rules: [{ from: [{ source: { notNamespaces: ["evil"] } }] }] }],
    ["a client-set header without the gateway as source", { rules: [{ from: [{ source: { namespaces: ["istio-ingress"] } }], when: [{ key: "request.headers[x-user-id]", values: ["admin"] }] }] }],
  ])("refuses %s", (_case, spec) => {
    expect(check(spec).length).toBeGreaterThan(0);
  });

  it("accepts allow-nothing, named callers, token requirements, DENY rules, and header conditions behind the gateway", () => {
    expect(check({})).toEqual([]);
    expect(check({ rules: [{ from: [{ source: { principals: [GATEWAY], requestPrincipals: ["https://idp/*"] } }] }] })).toEqual([]);
    expect(check({ rules: [{ from: [{ source: { requestPrincipals: ["*"] } }] }] })).toEqual([]);
    expect(check({ action: "DENY", rules: [{}] })).toEqual([]);
    expect(check({ rules: [{ from: [{ source: { principals: [GATEWAY] } }], when: [{ key: "request.headers[x-tenant]", values: ["a"] }] }] })).toEqual([]);
    expect(check({ rules: [{ to: [{ operation: { paths: ["/healthz"] } }] }] })).toEqual([]);
  });
});

describe("istio-jwt-rule-require-https-jwks", () => {
  const check = (jwtRules: unknown[]) => messages(validateResource("istio-jwt-rule-require-https-jwks", RA, { metadata: { namespace: "vision" }, spec: { jwtRules } }));

  it("accepts an issuer, audiences and an https JWKS", () => {
    expect(check([{ issuer: "https://idp", jwksUri: "https://idp/jwks", audiences: ["api"] }])).toEqual([]);
  });

  it.each([
    ["an http JWKS", [{ issuer: "https://idp", jwksUri: "http://idp/jwks", audiences: ["api"] }], "jwksUri"],
    ["no audiences", [{ issuer: "https://idp", jwksUri: "https://idp/jwks" }], "audiences"],
    ["no issuer", [{ jwksUri: "https://idp/jwks", audiences: ["api"] }], "issuer"],
    ["key discovery from an http issuer", [{ issuer: "http://idp", audiences: ["api"] }], "non-https issuer"],
    ["no rule at all", [], "no JWT rule"],
  ])("refuses %s", (_case, rules, expected) => {
    expect(check(rules).join("\n")).toContain(expected);
  });
});

describe("token coverage (stack rules)", () => {
  const ra: FakeResource = { type: RA, name: "jwt", props: { metadata: { name: "jwt", namespace: "vision" }, spec: { selector: { matchLabels: { "mlops.io/role": "serving" } }, jwtRules: [{ issuer: "https://idp", jwksUri: "https://idp/jwks", audiences: ["api"] }] } } };
  const ap = (name: string, spec: Record<string, unknown>, namespace = "vision"): FakeResource => ({ type: AP, name, props: { metadata: { name, namespace }, spec } });
  const allowWithToken = ap("allow", { selector: { matchLabels: { "mlops.io/role": "serving" } }, rules: [{ from: [{ source: { principals: [GATEWAY], requestPrincipals: ["https://idp/*"] } }] }] });
  const denyTokenless = ap("deny", { selector: { matchLabels: { "mlops.io/role": "serving" } }, action: "DENY", rules: [{ from: [{ source: { notRequestPrincipals: ["*"] } }] }] });
  const [, , isvc] = workloadKinds(compliantPodSpec(), servingLabels).find(([kind]) => kind === "InferenceService")!;
  const model: FakeResource = { type: "kubernetes:serving.kserve.io/v1beta1:InferenceService", name: "model", props: isvc };

  it("a RequestAuthentication alone is refused; either way of requiring a token pairs it", () => {
    expect(messages(validateStack("istio-requestauthentication-missing-authorization", [ra]))).toEqual([expect.stringContaining("no AuthorizationPolicy requires one")]);
    expect(validateStack("istio-requestauthentication-missing-authorization", [ra, allowWithToken])).toEqual([]);
    expect(validateStack("istio-requestauthentication-missing-authorization", [ra, denyTokenless])).toEqual([]);
  });

  it("an ALLOW policy with one rule that needs no token does not pair it, nor does a DENY limited to some paths", () => {
    const leaky = ap("leaky", { selector: { matchLabels: { "mlops.io/role": "serving" } }, rules: [{ from: [{ source: { requestPrincipals: ["*"] } }] }, { to: [{ operation: { paths: ["/metrics"] } }] }] });
    expect(validateStack("istio-requestauthentication-missing-authorization", [ra, leaky])).toHaveLength(1);
    const partialDeny = ap("partial", { action: "DENY", rules: [{ from: [{ source: { notRequestPrincipals: ["*"] } }], to: [{ operation: { paths: ["/admin"] } }] }] });
    expect(validateStack("istio-requestauthentication-missing-authorization", [ra, partialDeny])).toHaveLength(1);
  });

  it("a policy in another namespace does not count; one in the root namespace does", () => {
    expect(validateStack("istio-requestauthentication-missing-authorization", [ra, { ...denyTokenless, props: { ...denyTokenless.props, metadata: { name: "deny", namespace: "nlp" } } }])).toHaveLength(1);
    expect(validateStack("istio-requestauthentication-missing-authorization", [ra, { ...denyTokenless, props: { ...denyTokenless.props, metadata: { name: "deny", namespace: "istio-system" } } }])).toEqual([]);
  });

  it("serving-missing-authorization-policy: a model needs both token validation and a token requirement", () => {
    expect(validateStack("serving-missing-authorization-policy", [model, ra, allowWithToken])).toEqual([]);
    expect(messages(validateStack("serving-missing-authorization-policy", [model]))).toEqual([
      expect.stringContaining("no RequestAuthentication applies"),
      expect.stringContaining("no AuthorizationPolicy requires a token"),
    ]);
    expect(messages(validateStack("serving-missing-authorization-policy", [model, allowWithToken]))).toEqual([expect.stringContaining("no RequestAuthentication applies")]);
    // A policy selecting another model does not cover this one.
    const other = ap("other", { selector: { matchLabels: { "mlops.io/model-name": "other" } }, action: "DENY", rules: [{ from: [{ source: { notRequestPrincipals: ["*"] } }] }] });
    expect(messages(validateStack("serving-missing-authorization-policy", [model, ra, other]))).toEqual([expect.stringContaining("no AuthorizationPolicy requires a token")]);
  });

  it("applies to serving Deployments by their pod labels, and not to training workloads", () => {
    const [, type, props] = workloadKinds(compliantPodSpec(), servingLabels).find(([kind]) => kind === "Deployment")!;
    expect(validateStack("serving-missing-authorization-policy", [{ type, name: "d", props }])).toHaveLength(2);
    const [, trainingType, trainingProps] = workloadKinds(compliantPodSpec(), { "mlops.io/role": "training" }).find(([kind]) => kind === "PyTorchJob")!;
    expect(validateStack("serving-missing-authorization-policy", [{ type: trainingType, name: "t", props: trainingProps }])).toEqual([]);
  });
});

describe("sidecar injection", () => {
  it.each([["label", "labels"], ["annotation", "annotations"]])("refuses a pod template that turns it off by %s", (_case, field) => {
    for (const value of ["false", "False", "disabled"]) {
      const [, type, props, prefix] = workloadKinds(compliantPodSpec()).find(([kind]) => kind === "CronJob")!;
      const template = (props as any).spec.jobTemplate.spec.template;
      template.metadata[field] = { "sidecar.istio.io/inject": value };
      expect(messages(enforced(validateResource("istio-sidecar-injection-disallow-disabled", type, props)))).toEqual([
        expect.stringContaining(`${prefix.replace(/\.spec$/, ".metadata")}.${field}["sidecar.istio.io/inject"]`),
      ]);
    }
  });

  it("accepts injection on, and leaves system namespaces alone", () => {
    const enabled = { metadata: { namespace: "vision", annotations: { "sidecar.istio.io/inject": "true" } }, spec: compliantPodSpec() };
    expect(validateResource("istio-sidecar-injection-disallow-disabled", "kubernetes:core/v1:Pod", enabled)).toEqual([]);
    const system = { metadata: { namespace: "kube-system", labels: { "sidecar.istio.io/inject": "false" } }, spec: compliantPodSpec() };
    expect(validateResource("istio-sidecar-injection-disallow-disabled", "kubernetes:core/v1:Pod", system)).toEqual([]);
  });

  it("refuses a team namespace labelled istio-injection=disabled", () => {
    expect(validateResource("istio-namespace-disallow-injection-disabled", "kubernetes:core/v1:Namespace", { metadata: { name: "vision", labels: { "istio-injection": "disabled" } } })).toHaveLength(1);
    expect(validateResource("istio-namespace-disallow-injection-disabled", "kubernetes:core/v1:Namespace", { metadata: { name: "vision", labels: { "istio-injection": "enabled" } } })).toEqual([]);
  });
});
