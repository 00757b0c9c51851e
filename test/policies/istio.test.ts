import { advisories, enforced, messages, UNKNOWN, validateResource, validateStack, type FakeResource, type Reported } from "../support/policyArgs";
import { compliantPodSpec, servingLabels, workloadKinds } from "../support/workloads";

const SECURITY = "kubernetes:security.istio.io/v1";
const PA = `${SECURITY}:PeerAuthentication`;
const AP = `${SECURITY}:AuthorizationPolicy`;
const RA = `${SECURITY}:RequestAuthentication`;
const NAMESPACE = "kubernetes:core/v1:Namespace";
const GATEWAY = "cluster.local/ns/istio-ingress/sa/istio-ingressgateway";
const UNKNOWN_TAIL = "is not known until apply, so this preview cannot check it; pulumi up checks it again once it is known";
const urnOf = (type: string, name: string) => `urn:pulumi:test::test::${type}::${name}`;
/** Each finding with its level, so a test pins both what was said and whether it blocks. */
const levelled = (reported: Reported[]) => reported.map((item) => `${item.level}: ${item.message}`);

describe("istio-peerauthentication-require-strict", () => {
  const check = (spec: Record<string, unknown>) => levelled(validateResource("istio-peerauthentication-require-strict", PA, { metadata: { namespace: "vision" }, spec }));
  const weak = (path: string, mode: string) => `policy: ${path}: ${mode} accepts plain-text traffic; use STRICT`;

  it.each([
    ["STRICT", { mtls: { mode: "STRICT" } }],
    ["an unset mode that inherits", { selector: { matchLabels: { app: "x" } } }],
    ["UNSET, which inherits", { mtls: { mode: "UNSET" } }],
    ["STRICT on a port under a STRICT default", { mtls: { mode: "STRICT" }, portLevelMtls: { "8080": { mode: "STRICT" } } }],
  ])("accepts %s", (_case, spec) => {
    expect(check(spec)).toEqual([]);
  });

  it.each([
    ["PERMISSIVE", { mtls: { mode: "PERMISSIVE" } }, [weak("spec.mtls.mode", "PERMISSIVE")]],
    ["DISABLE", { mtls: { mode: "DISABLE" } }, [weak("spec.mtls.mode", "DISABLE")]],
    ["permissive in lower case", { mtls: { mode: "permissive" } }, [weak("spec.mtls.mode", "permissive")]],
    ["PERMISSIVE on a single port under a STRICT default", { mtls: { mode: "STRICT" }, portLevelMtls: { "8080": { mode: "PERMISSIVE" } } }, [weak('spec.portLevelMtls["8080"].mode', "PERMISSIVE")]],
    ["weak modes at both levels, each reported", { mtls: { mode: "DISABLE" }, portLevelMtls: { "8080": { mode: "STRICT" }, "9090": { mode: "Disable" } } }, [weak("spec.mtls.mode", "DISABLE"), weak('spec.portLevelMtls["9090"].mode', "Disable")]],
  ])("refuses %s", (_case, spec, expected) => {
    expect(check(spec)).toEqual(expected);
  });

  it.each([
    ["the default mode", { mtls: { mode: UNKNOWN } }, "spec.mtls.mode"],
    ["the whole mtls block", { mtls: UNKNOWN }, "spec.mtls"],
    ["a port's mode", { mtls: { mode: "STRICT" }, portLevelMtls: { "8080": { mode: UNKNOWN } } }, 'spec.portLevelMtls["8080"].mode'],
    ["a port's whole setting", { mtls: { mode: "STRICT" }, portLevelMtls: { "8080": UNKNOWN } }, 'spec.portLevelMtls["8080"]'],
    ["the whole port map", { mtls: { mode: "STRICT" }, portLevelMtls: UNKNOWN }, "spec.portLevelMtls"],
  ])("an unknown %s is advisory until apply, never a silent pass", (_case, spec, path) => {
    expect(check(spec)).toEqual([`advisory: ${path}: the mTLS mode ${UNKNOWN_TAIL}`]);
  });

  it("ignores other kinds, even with a weak mode in their spec", () => {
    expect(validateResource("istio-peerauthentication-require-strict", AP, { metadata: { namespace: "vision" }, spec: { mtls: { mode: "PERMISSIVE" } } })).toEqual([]);
    expect(validateResource("istio-peerauthentication-require-strict", "kubernetes:networking.istio.io/v1:PeerAuthentication", { spec: { mtls: { mode: "DISABLE" } } })).toEqual([]);
  });
});

describe("istio-authorizationpolicy-disallow-allow-all", () => {
  const check = (spec: Record<string, unknown>, config = {}) => levelled(validateResource("istio-authorizationpolicy-disallow-allow-all", AP, { metadata: { namespace: "vision" }, spec }, config));
  const ALL = "the rule matches every request: the policy allows all; name sources, operations or conditions";
  const NEGATED = "an ALLOW rule admitting everyone except a few is allow-all in disguise; list who is allowed";
  const headers = (path: string, keys: string) => `policy: ${path}.when: grants access on ${keys}, which any client can set; also require source.principals of the ingress gateway (which strips and sets those headers)`;

  it.each([
    ["an empty rule", { rules: [{}] }, [`policy: spec.rules[0]: ${ALL}`]],
    ["an explicit ALLOW with an empty rule", { action: "ALLOW", rules: [{}] }, [`policy: spec.rules[0]: ${ALL}`]],
    ["action spelled in lower case", { action: "allow", rules: [{}] }, [`policy: spec.rules[0]: ${ALL}`]],
    ["a rule whose only source is empty", { rules: [{ from: [{ source: {} }] }] }, [`policy: spec.rules[0]: ${ALL}`]],
    ["a rule with empty lists", { rules: [{ from: [], to: [], when: [] }] }, [`policy: spec.rules[0]: ${ALL}`]],
    ["an open second rule after a narrow one", { rules: [{ from: [{ source: { namespaces: ["vision"] } }] }, {}] }, [`policy: spec.rules[1]: ${ALL}`]],
    ['principals "*"', { rules: [{ from: [{ source: { principals: ["*"] } }] }] }, ['policy: spec.rules[0].from[0].source.principals: "*" admits any workload; name the callers']],
    ['namespaces "*"', { rules: [{ from: [{ source: { namespaces: ["*"] } }] }] }, ['policy: spec.rules[0].from[0].source.namespaces: "*" admits any namespace; name the callers']],
    ['serviceAccounts "*" in a second source', { rules: [{ from: [{ source: { namespaces: ["vision"] } }, { source: { serviceAccounts: ["*"] } }] }] }, ['policy: spec.rules[0].from[1].source.serviceAccounts: "*" admits any workload; name the callers']],
    ['"*" among named principals', { rules: [{ from: [{ source: { principals: [GATEWAY, "*"] } }] }] }, ['policy: spec.rules[0].from[0].source.principals: "*" admits any workload; name the callers']],
    ["everyone but one namespace", { rules: [{ from: [{ source: { notNamespaces: ["evil"] } }] }] }, [`policy: spec.rules[0].from[0].source.notNamespaces: ${NEGATED}`]],
    ["everyone but one principal", { rules: [{ from: [{ source: { notPrincipals: ["cluster.local/ns/x/sa/y"] } }] }] }, [`policy: spec.rules[0].from[0].source.notPrincipals: ${NEGATED}`]],
    ["everyone but one service account", { rules: [{ from: [{ source: { notServiceAccounts: ["x/y"] } }] }] }, [`policy: spec.rules[0].from[0].source.notServiceAccounts: ${NEGATED}`]],
    // notRequestPrincipals matches requests with no token at all: anonymous callers get in.
    ["everyone but one token subject, tokenless callers included", { rules: [{ from: [{ source: { notRequestPrincipals: ["https://idp/bad"] } }] }] }, [`policy: spec.rules[0].from[0].source.notRequestPrincipals: ${NEGATED}`]],
    ["a client-set header without the gateway as source", { rules: [{ from: [{ source: { namespaces: ["istio-ingress"] } }], when: [{ key: "request.headers[x-user-id]", values: ["admin"] }] }] }, [headers("spec.rules[0]", "request.headers[x-user-id]")]],
    ["client-set headers with no source at all, each named", { rules: [{ when: [{ key: "request.headers[x-user-id]", values: ["a"] }, { key: "source.ip", values: ["10.0.0.1"] }, { key: "Request.Headers[x-tenant]", values: ["t"] }] }] }, [headers("spec.rules[0]", "request.headers[x-user-id], Request.Headers[x-tenant]")]],
    ["a header behind the gateway and another workload together", { rules: [{ from: [{ source: { principals: [GATEWAY, "cluster.local/ns/vision/sa/app"] } }], when: [{ key: "request.headers[x-tenant]", values: ["a"] }] }] }, [headers("spec.rules[0]", "request.headers[x-tenant]")]],
    // Sources are ORed: the second one reaches the rule with headers it forged itself.
    ["a header behind the gateway OR another namespace", { rules: [{ from: [{ source: { principals: [GATEWAY] } }, { source: { namespaces: ["vision"] } }], when: [{ key: "request.headers[x-tenant]", values: ["a"] }] }] }, [headers("spec.rules[0]", "request.headers[x-tenant]")]],
  ])("refuses %s", (_case, spec, expected) => {
    expect(check(spec)).toEqual(expected);
  });

  it.each([
    ["allow-nothing (no rules)", {}],
    ["allow-nothing (an empty list of rules)", { rules: [] }],
    ["the gateway with a token", { rules: [{ from: [{ source: { principals: [GATEWAY], requestPrincipals: ["https://idp/*"] } }] }] }],
    ["any token holder", { rules: [{ from: [{ source: { requestPrincipals: ["*"] } }] }] }],
    ["a DENY rule matching everything", { action: "DENY", rules: [{}] }],
    ["an AUDIT rule matching everything", { action: "AUDIT", rules: [{}] }],
    ["a header condition behind the gateway", { rules: [{ from: [{ source: { principals: [GATEWAY] } }], when: [{ key: "request.headers[x-tenant]", values: ["a"] }] }] }],
    ["a non-header condition with no source", { rules: [{ when: [{ key: "request.auth.claims[group]", values: ["ml"] }] }] }],
    ["everyone, on one path only", { rules: [{ to: [{ operation: { paths: ["/healthz"] } }] }] }],
    // Source fields are ANDed: a named namespace narrows the negation to that namespace.
    ["one namespace but one of its principals", { rules: [{ from: [{ source: { namespaces: ["vision"], notPrincipals: ["cluster.local/ns/vision/sa/untrusted"] } }] }] }],
    ["token holders but one subject", { rules: [{ from: [{ source: { requestPrincipals: ["https://idp/*"], notRequestPrincipals: ["https://idp/bad"] } }] }] }],
    ["an office network but one host", { rules: [{ from: [{ source: { ipBlocks: ["10.0.0.0/8"], notPrincipals: ["cluster.local/ns/x/sa/y"] } }] }] }],
  ])("accepts %s", (_case, spec) => {
    expect(check(spec)).toEqual([]);
  });

  it("trusts the gateways named in config instead of the default one", () => {
    const own = "cluster.local/ns/edge/sa/gateway";
    const rule = (principal: string) => ({ rules: [{ from: [{ source: { principals: [principal] } }], when: [{ key: "request.headers[x-tenant]", values: ["a"] }] }] });
    expect(check(rule(own), { trustedGatewayPrincipals: [own] })).toEqual([]);
    expect(check(rule(GATEWAY), { trustedGatewayPrincipals: [own] })).toEqual([headers("spec.rules[0]", "request.headers[x-tenant]")]);
    expect(check(rule(own))).toEqual([headers("spec.rules[0]", "request.headers[x-tenant]")]);
  });

  it.each([
    ["all the rules", { rules: UNKNOWN }, "spec.rules", "the rules"],
    ["all the rules, even of a DENY policy", { action: "DENY", rules: UNKNOWN }, "spec.rules", "the rules"],
    ["one rule", { rules: [{ from: [{ source: { namespaces: ["vision"] } }] }, UNKNOWN] }, "spec.rules[1]", "this rule"],
    // Unknown principals could name the callers: not an allow-all until known.
    ["a rule's principals", { rules: [{ from: [{ source: { principals: UNKNOWN } }] }] }, "spec.rules[0]", "this rule"],
    ["a rule's header key", { rules: [{ from: [{ source: { namespaces: ["vision"] } }], when: [{ key: UNKNOWN, values: ["a"] }] }] }, "spec.rules[0]", "this rule"],
  ])("unknown %s: advisory until apply, never enforced on a guess", (_case, spec, path, what) => {
    expect(check(spec)).toEqual([`advisory: ${path}: ${what} ${UNKNOWN_TAIL}`]);
  });

  it("ignores other kinds", () => {
    expect(validateResource("istio-authorizationpolicy-disallow-allow-all", PA, { metadata: { namespace: "vision" }, spec: { rules: [{}] } })).toEqual([]);
    expect(validateResource("istio-authorizationpolicy-disallow-allow-all", "kubernetes:security.istio.io/v1:AuthorizationPolicyList", { spec: { rules: [{}] } })).toEqual([]);
  });
});

describe("istio-jwt-rule-require-https-jwks", () => {
  const check = (jwtRules: unknown) => levelled(validateResource("istio-jwt-rule-require-https-jwks", RA, { metadata: { namespace: "vision" }, spec: { jwtRules } }));
  const NO_ISSUER = "no issuer: tokens from anyone who can sign would be accepted";
  const NO_AUDIENCES = "no audiences: tokens minted for any other service would be accepted; list this API's audience";
  const HTTP_DISCOVERY = "keys would be discovered from a non-https issuer; set an https jwksUri";

  it.each([
    ["an issuer, audiences and an https JWKS", [{ issuer: "https://idp", jwksUri: "https://idp/jwks", audiences: ["api"] }]],
    ["keys discovered from an https issuer", [{ issuer: "https://idp", audiences: ["api"] }]],
    ["an issuer and JWKS URI in upper case", [{ issuer: "HTTPS://IDP", jwksUri: "HTTPS://IDP/JWKS", audiences: ["api"] }]],
    // Inline keys are never fetched, so the issuer's scheme does not matter.
    ["inline keys with a non-URL issuer", [{ issuer: "idp", jwks: '{"keys":[]}', audiences: ["api"] }]],
  ])("accepts %s", (_case, rules) => {
    expect(check(rules)).toEqual([]);
  });

  it.each([
    ["an http JWKS", [{ issuer: "https://idp", jwksUri: "http://idp/jwks", audiences: ["api"] }], ['policy: spec.jwtRules[0].jwksUri: "http://idp/jwks" is not https: signing keys could be swapped in transit']],
    ["a JWKS URI that only ends in https://", [{ issuer: "https://idp", jwksUri: "http://idp/?next=https://", audiences: ["api"] }], ['policy: spec.jwtRules[0].jwksUri: "http://idp/?next=https://" is not https: signing keys could be swapped in transit']],
    ["an https JWKS but no audiences", [{ issuer: "https://idp", jwksUri: "https://idp/jwks" }], [`policy: spec.jwtRules[0].audiences: ${NO_AUDIENCES}`]],
    ["an empty list of audiences", [{ issuer: "https://idp", jwksUri: "https://idp/jwks", audiences: [] }], [`policy: spec.jwtRules[0].audiences: ${NO_AUDIENCES}`]],
    ["no issuer", [{ jwksUri: "https://idp/jwks", audiences: ["api"] }], [`policy: spec.jwtRules[0].issuer: ${NO_ISSUER}`]],
    ["an empty issuer", [{ issuer: "", jwksUri: "https://idp/jwks", audiences: ["api"] }], [`policy: spec.jwtRules[0].issuer: ${NO_ISSUER}`]],
    ["key discovery from an http issuer", [{ issuer: "http://idp", audiences: ["api"] }], [`policy: spec.jwtRules[0].issuer: ${HTTP_DISCOVERY}`]],
    ["key discovery with no issuer", [{ audiences: ["api"] }], [`policy: spec.jwtRules[0].issuer: ${NO_ISSUER}`, `policy: spec.jwtRules[0].issuer: ${HTTP_DISCOVERY}`]],
    ["a bad second rule after a good one", [{ issuer: "https://idp", audiences: ["api"] }, { issuer: "https://other", jwksUri: "http://other/jwks" }], [
      'policy: spec.jwtRules[1].jwksUri: "http://other/jwks" is not https: signing keys could be swapped in transit',
      `policy: spec.jwtRules[1].audiences: ${NO_AUDIENCES}`,
    ]],
    ["no rule at all", [], ["policy: spec.jwtRules: no JWT rule: the RequestAuthentication validates nothing"]],
    ["no jwtRules field", undefined, ["policy: spec.jwtRules: no JWT rule: the RequestAuthentication validates nothing"]],
  ])("refuses %s", (_case, rules, expected) => {
    expect(check(rules)).toEqual(expected);
  });

  it.each([
    ["all the rules", UNKNOWN, `advisory: spec.jwtRules: the JWT rules ${UNKNOWN_TAIL}`],
    ["one rule's JWKS URI", [{ issuer: "https://idp", jwksUri: UNKNOWN, audiences: ["api"] }], `advisory: spec.jwtRules[0]: this JWT rule ${UNKNOWN_TAIL}`],
    ["one rule's issuer", [{ issuer: UNKNOWN, audiences: ["api"] }], `advisory: spec.jwtRules[0]: this JWT rule ${UNKNOWN_TAIL}`],
    ["one rule's audiences", [{ issuer: "https://idp", audiences: UNKNOWN }], `advisory: spec.jwtRules[0]: this JWT rule ${UNKNOWN_TAIL}`],
  ])("unknown %s: advisory until apply, never enforced on a guess", (_case, rules, expected) => {
    expect(check(rules)).toEqual([expected]);
  });

  it("ignores other kinds", () => {
    expect(validateResource("istio-jwt-rule-require-https-jwks", AP, { metadata: { namespace: "vision" }, spec: { jwtRules: [] } })).toEqual([]);
  });
});

describe("token coverage (stack rules)", () => {
  const ra: FakeResource = { type: RA, name: "jwt", props: { metadata: { name: "jwt", namespace: "vision" }, spec: { selector: { matchLabels: { "mlops.io/role": "serving" } }, jwtRules: [{ issuer: "https://idp", jwksUri: "https://idp/jwks", audiences: ["api"] }] } } };
  const ap = (name: string, spec: Record<string, unknown>, namespace = "vision"): FakeResource => ({ type: AP, name, props: { metadata: { name, namespace }, spec } });
  const inNamespace = (resource: FakeResource, namespace: string): FakeResource => ({ ...resource, props: { ...resource.props, metadata: { name: resource.name, namespace } } });
  const allowWithToken = ap("allow", { selector: { matchLabels: { "mlops.io/role": "serving" } }, rules: [{ from: [{ source: { principals: [GATEWAY], requestPrincipals: ["https://idp/*"] } }] }] });
  const denyTokenless = ap("deny", { selector: { matchLabels: { "mlops.io/role": "serving" } }, action: "DENY", rules: [{ from: [{ source: { notRequestPrincipals: ["*"] } }] }] });
  const [, , isvc] = workloadKinds(compliantPodSpec(), servingLabels).find(([kind]) => kind === "InferenceService")!;
  const ISVC = "kubernetes:serving.kserve.io/v1beta1:InferenceService";
  const model: FakeResource = { type: ISVC, name: "model", props: isvc };
  const UNPAIRED = (name: string) => `spec.selector: RequestAuthentication ${name} validates tokens but no AuthorizationPolicy requires one, so requests without a token still pass`;
  const NO_RA = (metadataPath: string) => `${metadataPath}.labels: no RequestAuthentication applies: callers' tokens are never validated`;
  const NO_AP = (metadataPath: string) => `${metadataPath}.labels: no AuthorizationPolicy requires a token for it: anyone who reaches the endpoint gets predictions`;
  const paired = (resources: FakeResource[], config = {}) => validateStack("istio-requestauthentication-missing-authorization", resources, config);
  const served = (resources: FakeResource[], config = {}) => validateStack("serving-missing-authorization-policy", resources, config);

  it("a RequestAuthentication alone is refused, at its own URN and by name; either way of requiring a token pairs it", () => {
    expect(paired([ra, model])).toEqual([{ message: UNPAIRED("jwt"), urn: urnOf(RA, "jwt"), level: "policy" }]);
    expect(paired([ra, allowWithToken])).toEqual([]);
    expect(paired([ra, denyTokenless])).toEqual([]);
  });

  it("names an unnamed RequestAuthentication by its Pulumi resource name", () => {
    const unnamed: FakeResource = { ...ra, name: "jwt-resource", props: { ...ra.props, metadata: { namespace: "vision" } } };
    expect(messages(paired([unnamed]))).toEqual([UNPAIRED("jwt-resource")]);
  });

  it("an ALLOW policy with one rule that needs no token does not pair it, nor does a DENY limited to some paths", () => {
    const leaky = ap("leaky", { selector: { matchLabels: { "mlops.io/role": "serving" } }, rules: [{ from: [{ source: { requestPrincipals: ["*"] } }] }, { to: [{ operation: { paths: ["/metrics"] } }] }] });
    expect(messages(paired([ra, leaky]))).toEqual([UNPAIRED("jwt")]);
    const partialDeny = ap("partial", { action: "DENY", rules: [{ from: [{ source: { notRequestPrincipals: ["*"] } }], to: [{ operation: { paths: ["/admin"] } }] }] });
    expect(messages(paired([ra, partialDeny]))).toEqual([UNPAIRED("jwt")]);
  });

  it("a policy in another namespace does not count; one in the root namespace (default or configured) does", () => {
    expect(messages(paired([ra, inNamespace(denyTokenless, "nlp")]))).toEqual([UNPAIRED("jwt")]);
    expect(paired([ra, inNamespace(denyTokenless, "istio-system")])).toEqual([]);
    expect(paired([ra, inNamespace(denyTokenless, "mesh-root")], { rootNamespace: "mesh-root" })).toEqual([]);
    expect(messages(paired([ra, inNamespace(denyTokenless, "istio-system")], { rootNamespace: "mesh-root" }))).toEqual([UNPAIRED("jwt")]);
  });

  it("serving-missing-authorization-policy: a model needs both token validation and a token requirement, reported at the model", () => {
    expect(served([model, ra, allowWithToken])).toEqual([]);
    expect(served([model])).toEqual([
      { message: NO_RA("metadata"), urn: urnOf(ISVC, "model"), level: "policy" },
      { message: NO_AP("metadata"), urn: urnOf(ISVC, "model"), level: "policy" },
    ]);
    expect(messages(served([model, allowWithToken]))).toEqual([NO_RA("metadata")]);
    expect(messages(served([model, ra]))).toEqual([NO_AP("metadata")]);
    // A policy selecting another model does not cover this one.
    const other = ap("other", { selector: { matchLabels: { "mlops.io/model-name": "other" } }, action: "DENY", rules: [{ from: [{ source: { notRequestPrincipals: ["*"] } }] }] });
    expect(messages(served([model, ra, other]))).toEqual([NO_AP("metadata")]);
  });

  it("every InferenceService is serving, even without the serving role label", () => {
    const [, , unlabelled] = workloadKinds(compliantPodSpec(), { "mlops.io/model-name": "fraud" }).find(([kind]) => kind === "InferenceService")!;
    expect(messages(served([{ type: ISVC, name: "bare", props: unlabelled }]))).toEqual([NO_RA("metadata"), NO_AP("metadata")]);
  });

  it("takes mesh-wide policies from the configured root namespace", () => {
    const meshWide = [inNamespace(ra, "mesh-root"), inNamespace(denyTokenless, "mesh-root")];
    expect(served([model, ...meshWide], { rootNamespace: "mesh-root" })).toEqual([]);
    expect(messages(served([model, ...meshWide]))).toEqual([NO_RA("metadata"), NO_AP("metadata")]);
    expect(served([model, inNamespace(ra, "istio-system"), inNamespace(denyTokenless, "istio-system")])).toEqual([]);
  });

  it("skips serving workloads in exempt namespaces, by default and by config", () => {
    const [, , system] = workloadKinds(compliantPodSpec(), servingLabels).find(([kind]) => kind === "InferenceService")!;
    const inKubeSystem = { ...system, metadata: { ...(system.metadata as object), namespace: "kube-system" } };
    expect(served([{ type: ISVC, name: "sys", props: inKubeSystem }])).toEqual([]);
    expect(served([model], { exemptNamespaces: ["vision"] })).toEqual([]);
  });

  it("applies to serving Deployments by their pod labels, and not to training workloads", () => {
    const [, type, props] = workloadKinds(compliantPodSpec(), servingLabels).find(([kind]) => kind === "Deployment")!;
    expect(served([{ type, name: "d", props }])).toEqual([
      { message: NO_RA("spec.template.metadata"), urn: urnOf(type, "d"), level: "policy" },
      { message: NO_AP("spec.template.metadata"), urn: urnOf(type, "d"), level: "policy" },
    ]);
    const [, trainingType, trainingProps] = workloadKinds(compliantPodSpec(), { "mlops.io/role": "training" }).find(([kind]) => kind === "PyTorchJob")!;
    expect(served([{ type: trainingType, name: "t", props: trainingProps }])).toEqual([]);
  });
});

describe("istio-sidecar-injection-disallow-disabled", () => {
  const OFF = "turns the sidecar off: the pod would talk plain text and skip every AuthorizationPolicy";
  const cronJobWith = (field: string, value: string) => {
    const [, type, props, prefix] = workloadKinds(compliantPodSpec()).find(([kind]) => kind === "CronJob")!;
    (props as any).spec.jobTemplate.spec.template.metadata[field] = { "sidecar.istio.io/inject": value };
    return { type, props, path: `${prefix.replace(/\.spec$/, ".metadata")}.${field}["sidecar.istio.io/inject"]` };
  };
  const podWith = (metadata: Record<string, unknown>) => levelled(validateResource("istio-sidecar-injection-disallow-disabled", "kubernetes:core/v1:Pod", { metadata: { namespace: "vision", ...metadata }, spec: compliantPodSpec() }));

  // Istio's injector injects only for y, yes, true or on, in any case; any other non-empty value opts out.
  it.each(["label", "annotation"].flatMap((kind) => ["false", "False", "disabled", "0", "no", "off", "n", " true"].map((value) => [kind, value])))(
    "refuses a pod template that turns it off by %s %j",
    (kind, value) => {
      const { type, props, path } = cronJobWith(`${kind}s`, value);
      expect(levelled(validateResource("istio-sidecar-injection-disallow-disabled", type, props))).toEqual([`policy: ${path}: ${OFF}`]);
    },
  );

  it.each(["true", "TRUE", "yes", "Y", "on", ""])("accepts injection %j (empty: the namespace default)", (value) => {
    expect(podWith({ annotations: { "sidecar.istio.io/inject": value }, labels: { "sidecar.istio.io/inject": value } })).toEqual([]);
  });

  it("reports the label and the annotation each, at the Pod's own metadata", () => {
    expect(podWith({ labels: { "sidecar.istio.io/inject": "false" }, annotations: { "sidecar.istio.io/inject": "false" } })).toEqual([
      `policy: metadata.labels["sidecar.istio.io/inject"]: ${OFF}`,
      `policy: metadata.annotations["sidecar.istio.io/inject"]: ${OFF}`,
    ]);
  });

  it("an unknown setting is advisory until apply", () => {
    expect(podWith({ annotations: { "sidecar.istio.io/inject": UNKNOWN } })).toEqual([`advisory: metadata.annotations["sidecar.istio.io/inject"]: the sidecar injection setting ${UNKNOWN_TAIL}`]);
  });

  it("leaves system namespaces alone", () => {
    const system = { metadata: { namespace: "kube-system", labels: { "sidecar.istio.io/inject": "false" } }, spec: compliantPodSpec() };
    expect(validateResource("istio-sidecar-injection-disallow-disabled", "kubernetes:core/v1:Pod", system)).toEqual([]);
  });
});

describe("istio-namespace-disallow-injection-disabled", () => {
  const check = (metadata: Record<string, unknown>, config = {}) => levelled(validateResource("istio-namespace-disallow-injection-disabled", NAMESPACE, { metadata }, config));
  const DISABLED = 'policy: metadata.labels["istio-injection"]: disables sidecar injection for every pod of the namespace; remove the label or set it to enabled';

  // The webhook selects istio-injection=enabled exactly (label selectors are case-sensitive), and the
  // revision webhook requires the label to be absent: any other value leaves the namespace's pods bare.
  it.each(["disabled", "false", "off", "Enabled", ""])("refuses a team namespace labelled istio-injection=%j", (value) => {
    expect(check({ name: "vision", labels: { "istio-injection": value } })).toEqual([DISABLED]);
  });

  it.each([
    ["enabled", { name: "vision", labels: { "istio-injection": "enabled" } }],
    ["a revision label instead", { name: "vision", labels: { "istio.io/rev": "1-30" } }],
    ["no labels", { name: "vision" }],
  ])("accepts %s", (_case, metadata) => {
    expect(check(metadata)).toEqual([]);
  });

  it("skips exempt namespaces, by default and by config (which replaces the default list)", () => {
    const disabled = (name: string) => ({ name, labels: { "istio-injection": "disabled" } });
    expect(check(disabled("kube-system"))).toEqual([]);
    expect(check(disabled("sandbox"), { exemptNamespaces: ["sandbox"] })).toEqual([]);
    expect(check(disabled("kube-system"), { exemptNamespaces: ["sandbox"] })).toEqual([DISABLED]);
    expect(check({ labels: { "istio-injection": "disabled" } })).toEqual([DISABLED]);
  });

  it.each([
    ["label", { name: "vision", labels: { "istio-injection": UNKNOWN } }, 'metadata.labels["istio-injection"]'],
    ["set of labels", { name: "vision", labels: UNKNOWN }, "metadata.labels"],
  ])("an unknown %s is advisory until apply", (_case, metadata, path) => {
    const reported = validateResource("istio-namespace-disallow-injection-disabled", NAMESPACE, { metadata });
    expect(enforced(reported)).toEqual([]);
    expect(messages(advisories(reported))).toEqual([`${path}: the istio-injection label ${UNKNOWN_TAIL}`]);
  });

  it("ignores other kinds", () => {
    expect(validateResource("istio-namespace-disallow-injection-disabled", "kubernetes:core/v1:Pod", { metadata: { name: "vision", labels: { "istio-injection": "disabled" } } })).toEqual([]);
  });
});
