/**
 * A workload serves a model when any one marker says so: it is an InferenceService, it or its pods
 * carry mlops.io/role=serving, or its pods run as the serving ServiceAccount. Dropping one marker
 * must not take it out of the model-label, SHA-256 and authorization rules.
 */
import { advisories, enforced, messages, UNKNOWN, validateResource, validateStack, type FakeResource } from "../support/policyArgs";
import { compliantPodSpec } from "../support/workloads";

type Labels = Record<string, string>;
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const MODEL = { "mlops.io/model-name": "fraud", "mlops.io/model-version": "3" };
const SHA = { "mlops.io/model-sha256": "b".repeat(64) };

function deployment(options: { account?: string; podLabels?: Labels; ownLabels?: Labels; annotations?: Labels } = {}): Record<string, unknown> {
  const spec = { ...compliantPodSpec(), serviceAccountName: options.account ?? "training" };
  return { metadata: { name: "d", namespace: "vision", labels: options.ownLabels ?? {} }, spec: { template: { metadata: { labels: options.podLabels ?? {}, annotations: options.annotations ?? {} }, spec } } };
}

const MARKERS: [string, Parameters<typeof deployment>[0]][] = [
  ["the serving role label on its pods", { podLabels: { "mlops.io/role": "serving" } }],
  ["the serving role label on the Deployment only", { ownLabels: { "mlops.io/role": "serving" } }],
  ["the serving ServiceAccount only (no role label)", { account: "serving" }],
];

const ruleFindings = (rule: string, props: Record<string, unknown>, config = {}) => messages(enforced(validateResource(rule, DEPLOYMENT, props, config)));

describe("serving-missing-model-labels and serving-missing-model-sha256", () => {
  it.each(MARKERS)("hold a Deployment marked by %s", (_marker, options) => {
    expect(ruleFindings("serving-missing-model-labels", deployment(options))).toEqual([
      expect.stringContaining('spec.template.metadata.labels["mlops.io/model-name"]: the serving workload has no mlops.io/model-name label'),
      expect.stringContaining('spec.template.metadata.labels["mlops.io/model-version"]'),
    ]);
    expect(ruleFindings("serving-missing-model-sha256", deployment(options))).toEqual([expect.stringContaining('spec.template.metadata.annotations["mlops.io/model-sha256"]: the served artifact is not identified')]);
  });

  it.each(MARKERS)("pass a Deployment marked by %s that carries the labels and the digest", (_marker, options) => {
    const props = deployment({ ...options, podLabels: { ...options?.podLabels, ...MODEL }, annotations: SHA });
    expect([...ruleFindings("serving-missing-model-labels", props), ...ruleFindings("serving-missing-model-sha256", props)]).toEqual([]);
  });

  it("pass a training Deployment with no marker, and one whose account merely contains the word", () => {
    expect(ruleFindings("serving-missing-model-labels", deployment())).toEqual([]);
    expect(ruleFindings("serving-missing-model-labels", deployment({ account: "serving-batch" }))).toEqual([]);
    expect(ruleFindings("serving-missing-model-sha256", deployment({ podLabels: { "mlops.io/role": "training" } }))).toEqual([]);
  });

  it("take the serving ServiceAccount's name from config", () => {
    const config = { servingServiceAccount: "inference" };
    expect(ruleFindings("serving-missing-model-labels", deployment({ account: "inference" }), config)).toHaveLength(2);
    expect(ruleFindings("serving-missing-model-sha256", deployment({ account: "inference" }), config)).toHaveLength(1);
    expect(ruleFindings("serving-missing-model-labels", deployment({ account: "serving" }), config)).toEqual([]);
  });

  it("report, not pass, a workload whose ServiceAccount is unknown until apply", () => {
    for (const rule of ["serving-missing-model-labels", "serving-missing-model-sha256"]) {
      const reported = validateResource(rule, DEPLOYMENT, deployment({ account: UNKNOWN }));
      expect(enforced(reported)).toEqual([]);
      expect(messages(advisories(reported))).toEqual([expect.stringContaining("spec.template.spec.serviceAccountName: whether the workload serves a model (its role label or ServiceAccount)")]);
    }
  });

  it("offer the stricter form: every Deployment outside the exempt namespaces carries the labels", () => {
    const strict = { requireOnEveryDeployment: true };
    expect(ruleFindings("serving-missing-model-labels", deployment(), strict)).toHaveLength(2);
    expect(ruleFindings("serving-missing-model-labels", deployment({ podLabels: MODEL }), strict)).toEqual([]);
    // Only Deployments: a training Job is not held to it.
    const job = { metadata: { name: "j", namespace: "vision" }, spec: { template: { spec: compliantPodSpec() } } };
    expect(messages(enforced(validateResource("serving-missing-model-labels", "kubernetes:batch/v1:Job", job, strict)))).toEqual([]);
    expect(ruleFindings("serving-missing-model-labels", { ...deployment(), metadata: { name: "d", namespace: "kube-system" } }, strict)).toEqual([]);
  });
});

describe("serving-missing-authorization-policy", () => {
  const served = (resources: FakeResource[], config = {}) => validateStack("serving-missing-authorization-policy", resources, config);
  const workload = (options: Parameters<typeof deployment>[0]): FakeResource => ({ type: DEPLOYMENT, name: "d", props: deployment(options) });

  it.each(MARKERS)("holds a Deployment marked by %s", (_marker, options) => {
    expect(messages(enforced(served([workload(options)])))).toEqual([
      "spec.template.metadata.labels: no RequestAuthentication applies: callers' tokens are never validated",
      "spec.template.metadata.labels: no AuthorizationPolicy requires a token for it: anyone who reaches the endpoint gets predictions",
    ]);
  });

  it("passes a training Deployment, and reports (advisory) one whose ServiceAccount is unknown until apply", () => {
    expect(served([workload({})])).toEqual([]);
    const reported = served([workload({ account: UNKNOWN })]);
    expect(enforced(reported)).toEqual([]);
    expect(advisories(reported)).toHaveLength(2);
  });

  it("passes a serving-account Deployment that a namespace-wide RequestAuthentication and token-requiring policy cover", () => {
    const ra: FakeResource = { type: "kubernetes:security.istio.io/v1:RequestAuthentication", name: "jwt", props: { metadata: { name: "jwt", namespace: "vision" }, spec: { jwtRules: [{ issuer: "https://idp", jwksUri: "https://idp/jwks", audiences: ["api"] }] } } };
    const ap: FakeResource = { type: "kubernetes:security.istio.io/v1:AuthorizationPolicy", name: "ap", props: { metadata: { name: "ap", namespace: "vision" }, spec: { action: "DENY", rules: [{ from: [{ source: { notRequestPrincipals: ["*"] } }] }] } } };
    expect(served([workload({ account: "serving" }), ra, ap])).toEqual([]);
  });
});
