import type { PolicyResource } from "@pulumi/policy";
import { appliesTo, matchesEverything, requiresToken } from "../../../policypacks/ml-guard/lib/istio";
import type { StackResource } from "../../../policypacks/ml-guard/lib/stack";

const AUTHZ = "kubernetes:security.istio.io/v1:AuthorizationPolicy";
const ROOT = "istio-system";
const labels = { app: "fraud", version: "3" };

function authorizationPolicy(namespace: string, spec: Record<string, unknown>): StackResource {
  const props = { metadata: { name: "p", namespace }, spec };
  return { resource: { type: AUTHZ, name: "p", urn: `urn:${namespace}`, props } as unknown as PolicyResource, props };
}

const tokenRule = { from: [{ source: { requestPrincipals: ["https://issuer/*"] } }] };

describe("matchesEverything", () => {
  it.each([
    [{}, true],
    [{ from: [] }, true],
    [{ from: [{}] }, true],
    [{ from: [{ source: {} }] }, true],
    [{ from: [{ source: { namespaces: ["vision"] } }, { source: {} }] }, true],
    [{ from: [{ source: { namespaces: ["vision"] } }] }, false],
    [{ from: [{ source: { principals: [] } }] }, true],
    [{ to: [{ operation: { methods: ["GET"] } }] }, false],
    [{ to: [] }, true],
    [{ to: [{ operation: {} }] }, true],
    [{ to: [{ operation: { methods: [], paths: [] } }, { operation: { paths: ["/v1/models"] } }] }, true],
    [{ from: [{ source: { namespaces: ["vision"] } }], to: [{}] }, false],
    [{ when: [{ key: "request.auth.claims[group]", values: ["ml"] }] }, false],
  ])("%j: %s", (rule, expected) => {
    expect(matchesEverything(rule)).toBe(expected);
  });
});

describe("appliesTo", () => {
  it("applies namespace-wide policies and root-namespace policies", () => {
    expect(appliesTo(authorizationPolicy("vision", {}), "vision", labels, ROOT)).toBe(true);
    expect(appliesTo(authorizationPolicy(ROOT, {}), "vision", labels, ROOT)).toBe(true);
    expect(appliesTo(authorizationPolicy("nlp", {}), "vision", labels, ROOT)).toBe(false);
  });

  it("needs every selector label to match", () => {
    expect(appliesTo(authorizationPolicy("vision", { selector: { matchLabels: { app: "fraud" } } }), "vision", labels, ROOT)).toBe(true);
    expect(appliesTo(authorizationPolicy("vision", { selector: { matchLabels: { app: "fraud", version: "4" } } }), "vision", labels, ROOT)).toBe(false);
  });

  it("leaves policies bound to a gateway or service (targetRef) out", () => {
    const targetRef = { kind: "Gateway", group: "gateway.networking.k8s.io", name: "ingress" };
    expect(appliesTo(authorizationPolicy("vision", { targetRef }), "vision", labels, ROOT)).toBe(false);
    expect(appliesTo(authorizationPolicy("vision", { targetRefs: [targetRef] }), "vision", labels, ROOT)).toBe(false);
  });
});

describe("requiresToken", () => {
  const check = (...specs: Record<string, unknown>[]) => requiresToken(specs.map((spec) => authorizationPolicy("vision", spec)), "vision", labels, ROOT);

  it("is false with no ALLOW policy at all (Istio then allows everything)", () => {
    expect(check()).toBe(false);
    expect(check({ action: "DENY", rules: [{ to: [{ operation: { paths: ["/admin"] } }] }] })).toBe(false);
  });

  it("is true when every applicable ALLOW rule needs request principals", () => {
    expect(check({ rules: [tokenRule] })).toBe(true);
    expect(check({ action: "allow", rules: [tokenRule] }, { action: "ALLOW", rules: [tokenRule, tokenRule] })).toBe(true);
  });

  it("is false when one ALLOW rule or one source admits requests without a token", () => {
    expect(check({ rules: [tokenRule] }, { rules: [{ from: [{ source: { namespaces: ["monitoring"] } }] }] })).toBe(false);
    expect(check({ rules: [tokenRule, {}] })).toBe(false);
    expect(check({ rules: [{ from: [{ source: { requestPrincipals: ["*"] } }, { source: { ipBlocks: ["10.0.0.0/8"] } }] }] })).toBe(false);
    expect(check({ rules: [{ from: [] }] })).toBe(false);
  });

  it("ignores CUSTOM and AUDIT policies when judging ALLOW rules", () => {
    expect(check({ rules: [tokenRule] }, { action: "AUDIT", rules: [{}] })).toBe(true);
  });

  it("is true with a DENY policy that refuses every request without a token", () => {
    const denyTokenless = { action: "DENY", rules: [{ from: [{ source: { notRequestPrincipals: ["*"] } }] }] };
    expect(check(denyTokenless, { rules: [{}] })).toBe(true);
    expect(check({ action: "DENY", rules: [{ to: [{ operation: { paths: ["/admin"] } }] }, denyTokenless.rules[0]] })).toBe(true);
    expect(check({ action: "DENY", rules: [{ from: [{ source: { notRequestPrincipals: ["*"], namespaces: [] } }], to: [{ operation: {} }] }] }, { rules: [{}] })).toBe(true);
  });

  it("does not count a DENY that only covers some requests", () => {
    expect(check({ action: "DENY", rules: [{ from: [{ source: { notRequestPrincipals: ["*"] } }], to: [{ operation: { paths: ["/admin"] } }] }] }, { rules: [{}] })).toBe(false);
    expect(check({ action: "DENY", rules: [{ from: [{ source: { notRequestPrincipals: ["*"] } }], when: [{ key: "request.headers[x]", values: ["1"] }] }] }, { rules: [{}] })).toBe(false);
    expect(check({ action: "DENY", rules: [{ from: [{ source: { notRequestPrincipals: ["https://issuer/a"] } }] }] }, { rules: [{}] })).toBe(false);
    expect(check({ action: "DENY", rules: [{ from: [{ source: { notRequestPrincipals: ["*"], namespaces: ["monitoring"] } }] }] }, { rules: [{}] })).toBe(false);
  });
});
