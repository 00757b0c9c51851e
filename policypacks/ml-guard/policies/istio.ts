import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { DEFAULT_EXEMPT_NAMESPACES, exemptNamespacesSchema, isExemptNamespace, type ExemptNamespacesConfig } from "../lib/config";
import { reportFindings, unverified, violation, type Finding } from "../lib/findings";
import { actionOf, appliesTo, isAuthorizationPolicy, isRequestAuthentication, matchesEverything, requiresToken } from "../lib/istio";
import { isKind, podTemplatesOf } from "../lib/kubernetes";
import { servesModel, servingWorkloadSchema, type ServingWorkloadConfig } from "../lib/servingWorkloads";
import { namespaceName, objectName, withRawProps } from "../lib/stack";
import { asArray, asRecord, asString, containsUnknown, isUnknown, rawProps } from "../lib/values";
import { workloadPolicy } from "../lib/workloadPolicy";

const SECURITY_GROUP = "security.istio.io";
const WEAK_MTLS = new Set(["PERMISSIVE", "DISABLE"]);
const DEFAULT_GATEWAY_PRINCIPALS = ["cluster.local/ns/istio-ingress/sa/istio-ingressgateway"];

interface MeshConfig {
  rootNamespace?: string;
}
const rootNamespaceSchema = { rootNamespace: { type: "string" as const, default: "istio-system", description: "Istio's root namespace: policies there apply mesh-wide." } };

const peerAuthenticationStrict: ResourceValidationPolicy = {
  name: "istio-peerauthentication-require-strict",
  description: "PeerAuthentications must not allow plain text: no PERMISSIVE or DISABLE mode, on any port.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set spec.mtls.mode: STRICT and remove port-level PERMISSIVE/DISABLE overrides.",
  validateResource: (args, reportViolation) => {
    if (!isKind(args.type, SECURITY_GROUP, "PeerAuthentication")) return;
    const spec = asRecord(rawProps(args.props).spec);
    // An unknown block (first preview) hides the mode(s) it holds: report it at the block's own path.
    const modeOf = (path: string, setting: unknown): [string, unknown] => (isUnknown(setting) ? [path, setting] : [`${path}.mode`, asRecord(setting).mode]);
    const ports = spec.portLevelMtls;
    const modes: [string, unknown][] = [
      modeOf("spec.mtls", spec.mtls),
      ...(isUnknown(ports) ? [["spec.portLevelMtls", ports] as [string, unknown]] : Object.entries(asRecord(ports)).map(([port, setting]) => modeOf(`spec.portLevelMtls["${port}"]`, setting))),
    ];
    reportFindings(reportViolation, modes.flatMap(([path, mode]) => {
      if (isUnknown(mode)) return [unverified(path, "the mTLS mode")];
      return typeof mode === "string" && WEAK_MTLS.has(mode.toUpperCase()) ? [violation(path, `${mode} accepts plain-text traffic; use STRICT`)] : [];
    }));
  },
};

interface AuthorizationConfig {
  trustedGatewayPrincipals?: string[];
}

/** Source fields that, in an ALLOW rule, open access to any workload when they hold "*" or exclude only a few. */
const WILDCARD_SOURCES = ["principals", "namespaces", "serviceAccounts"];
const NEGATED_SOURCES = ["notPrincipals", "notNamespaces", "notServiceAccounts", "notRequestPrincipals"];
/** Fields that name who may call; Istio ANDs the fields of a source, so any of them narrows a negated one. */
const POSITIVE_SOURCES = ["principals", "namespaces", "serviceAccounts", "requestPrincipals", "ipBlocks", "remoteIpBlocks"];

function allowRuleFindings(rule: unknown, path: string, trustedGateways: string[]): Finding[] {
  if (matchesEverything(rule)) return [violation(path, "the rule matches every request: the policy allows all; name sources, operations or conditions")];
  const entry = asRecord(rule);
  const findings: Finding[] = [];
  asArray(entry.from).forEach((from, index) => {
    const source = asRecord(asRecord(from).source);
    for (const field of WILDCARD_SOURCES) {
      if (asArray(source[field]).includes("*")) findings.push(violation(`${path}.from[${index}].source.${field}`, `"*" admits any ${field === "namespaces" ? "namespace" : "workload"}; name the callers`));
    }
    const named = POSITIVE_SOURCES.some((field) => asArray(source[field]).length > 0);
    for (const field of NEGATED_SOURCES) {
      if (!named && asArray(source[field]).length > 0) findings.push(violation(`${path}.from[${index}].source.${field}`, "an ALLOW rule admitting everyone except a few is allow-all in disguise; list who is allowed"));
    }
  });
  const headerConditions = asArray(entry.when).filter((condition) => /^request\.headers\[/i.test(asString(asRecord(condition).key) ?? ""));
  if (headerConditions.length > 0) {
    // Istio ORs the entries of `from`: every one of them must be the gateway, or the others reach the rule with forged headers.
    const sources = asArray(entry.from).map((from) => asArray(asRecord(asRecord(from).source).principals));
    const fromGatewayOnly = sources.length > 0 && sources.every((principals) => principals.length > 0 && principals.every((principal) => trustedGateways.includes(String(principal))));
    if (!fromGatewayOnly) {
      findings.push(violation(`${path}.when`, `grants access on ${headerConditions.map((condition) => asString(asRecord(condition).key)).join(", ")}, which any client can set; also require source.principals of the ingress gateway (which strips and sets those headers)`));
    }
  }
  return findings;
}

const authorizationAllowAll: ResourceValidationPolicy = {
  name: "istio-authorizationpolicy-disallow-allow-all",
  description: "ALLOW AuthorizationPolicies must not allow everyone: no empty rules, no \"*\" or negated principals/namespaces, no trust in client-set headers unless the caller is the ingress gateway.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Give each ALLOW rule named principals or namespaces (and a requestPrincipals token requirement for inference).",
  configSchema: {
    properties: { trustedGatewayPrincipals: { type: "array", items: { type: "string" }, default: DEFAULT_GATEWAY_PRINCIPALS, description: "Identities of ingress gateways that sanitise request headers." } },
  },
  validateResource: (args, reportViolation) => {
    if (!isKind(args.type, SECURITY_GROUP, "AuthorizationPolicy")) return;
    const spec = asRecord(rawProps(args.props).spec);
    if (isUnknown(spec.rules)) return reportFindings(reportViolation, [unverified("spec.rules", "the rules")]);
    if (actionOf(spec) !== "ALLOW") return;
    const trusted = args.getConfig<AuthorizationConfig>().trustedGatewayPrincipals ?? DEFAULT_GATEWAY_PRINCIPALS;
    reportFindings(reportViolation, asArray(spec.rules).flatMap((rule, index) =>
      // A rule with an unknown part (first preview) may narrow or open access: never judged on a guess.
      containsUnknown(rule) ? [unverified(`spec.rules[${index}]`, "this rule")] : allowRuleFindings(rule, `spec.rules[${index}]`, trusted)));
  },
};

const jwtRules: ResourceValidationPolicy = {
  name: "istio-jwt-rule-require-https-jwks",
  description: "RequestAuthentication JWT rules must name an issuer and audiences and fetch keys over https.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set issuer, audiences and an https jwksUri on every jwtRules entry.",
  validateResource: (args, reportViolation) => {
    if (!isKind(args.type, SECURITY_GROUP, "RequestAuthentication")) return;
    const rules = asRecord(rawProps(args.props).spec).jwtRules;
    if (isUnknown(rules)) return reportFindings(reportViolation, [unverified("spec.jwtRules", "the JWT rules")]);
    const list = asArray(rules);
    if (list.length === 0) return reportFindings(reportViolation, [violation("spec.jwtRules", "no JWT rule: the RequestAuthentication validates nothing")]);
    reportFindings(reportViolation, list.flatMap((rule, index) => {
      const { issuer, jwksUri, jwks, audiences } = asRecord(rule);
      const path = `spec.jwtRules[${index}]`;
      if (containsUnknown(rule)) return [unverified(path, "this JWT rule")];
      const findings: Finding[] = [];
      if (!asString(issuer)) findings.push(violation(`${path}.issuer`, "no issuer: tokens from anyone who can sign would be accepted"));
      if (jwksUri !== undefined && !(asString(jwksUri) ?? "").toLowerCase().startsWith("https://")) findings.push(violation(`${path}.jwksUri`, `${JSON.stringify(jwksUri)} is not https: signing keys could be swapped in transit`));
      if (jwksUri === undefined && jwks === undefined && !(asString(issuer) ?? "").toLowerCase().startsWith("https://")) findings.push(violation(`${path}.issuer`, "keys would be discovered from a non-https issuer; set an https jwksUri"));
      if (asArray(audiences).length === 0) findings.push(violation(`${path}.audiences`, "no audiences: tokens minted for any other service would be accepted; list this API's audience"));
      return findings;
    }));
  },
};

const requestAuthenticationPaired: StackValidationPolicy = {
  name: "istio-requestauthentication-missing-authorization",
  description: "Every RequestAuthentication must be paired with an AuthorizationPolicy that requires a token for the same workloads (alone, it lets tokenless requests through).",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Add an ALLOW policy whose rules require requestPrincipals, or a DENY policy with notRequestPrincipals: [\"*\"], selecting the same workloads.",
  configSchema: { properties: rootNamespaceSchema },
  validateStack: (args, reportViolation) => {
    const items = withRawProps(args.resources);
    const policies = items.filter(isAuthorizationPolicy);
    const root = args.getConfig<MeshConfig>().rootNamespace ?? "istio-system";
    for (const authentication of items.filter(isRequestAuthentication)) {
      const labels = asRecord(asRecord(asRecord(authentication.props.spec).selector).matchLabels);
      if (!requiresToken(policies, namespaceName(authentication), labels, root)) {
        reportFindings(reportViolation, [violation("spec.selector", `RequestAuthentication ${objectName(authentication) ?? authentication.resource.name} validates tokens but no AuthorizationPolicy requires one, so requests without a token still pass`)], authentication.resource.urn);
      }
    }
  },
};

const servingCovered: StackValidationPolicy = {
  name: "serving-missing-authorization-policy",
  description: "Every model-serving workload must validate JWTs (RequestAuthentication) and require a token (AuthorizationPolicy).",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Publish models with ModelEndpoint in a namespace set up by MeshAuth, or add the RequestAuthentication and AuthorizationPolicy yourself.",
  configSchema: { properties: { ...rootNamespaceSchema, ...exemptNamespacesSchema.properties, ...servingWorkloadSchema } },
  validateStack: (args, reportViolation) => {
    const items = withRawProps(args.resources);
    const config = args.getConfig<MeshConfig & ExemptNamespacesConfig & ServingWorkloadConfig>();
    const root = config.rootNamespace ?? "istio-system";
    const policies = items.filter(isAuthorizationPolicy);
    const authentications = items.filter(isRequestAuthentication);
    for (const item of items) {
      for (const pod of podTemplatesOf(item.resource.type, item.props)) {
        const labels = asRecord(pod.metadata.labels);
        const serving = servesModel(pod, config);
        if (serving === false || isExemptNamespace(pod.namespace, config)) continue;
        const findings: Finding[] = [];
        if (!authentications.some((authentication) => appliesTo(authentication, pod.namespace, labels, root))) {
          findings.push(violation(`${pod.metadataPath}.labels`, "no RequestAuthentication applies: callers' tokens are never validated"));
        }
        if (!requiresToken(policies, pod.namespace, labels, root)) {
          findings.push(violation(`${pod.metadataPath}.labels`, "no AuthorizationPolicy requires a token for it: anyone who reaches the endpoint gets predictions"));
        }
        // Whether it serves is unknown until apply (its role label or ServiceAccount): what it would lack is reported, not enforced.
        const unsure = findings.map((finding) => ({ ...finding, message: `if it serves a model (${finding.message}); its role label or ServiceAccount is not known until apply`, unverified: true }));
        reportFindings(reportViolation, serving === undefined ? unsure : findings, item.resource.urn);
      }
    }
  },
};

const INJECT = "sidecar.istio.io/inject";
/** Istio's injector injects only for y, yes, true or on (any case); any other non-empty value turns the sidecar off. */
const isOff = (value: unknown) => typeof value === "string" && value !== "" && !["y", "yes", "true", "on"].includes(value.toLowerCase());

const sidecarInjection = workloadPolicy(
  {
    name: "istio-sidecar-injection-disallow-disabled",
    description: "Workloads in team namespaces must not opt out of the Istio sidecar (no mTLS, no authorization without it).",
    severity: "high",
    remediationSteps: `Remove the ${INJECT}: "false" label or annotation.`,
  },
  (pod) => (["labels", "annotations"] as const).flatMap((field) => {
    const value = asRecord(pod.metadata[field])[INJECT];
    const path = `${pod.metadataPath}.${field}["${INJECT}"]`;
    if (isUnknown(value)) return [unverified(path, "the sidecar injection setting")];
    return isOff(value) ? [violation(path, "turns the sidecar off: the pod would talk plain text and skip every AuthorizationPolicy")] : [];
  }),
);

const namespaceInjection: ResourceValidationPolicy = {
  name: "istio-namespace-disallow-injection-disabled",
  description: "Team namespaces must not disable Istio sidecar injection.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Label the namespace istio-injection=enabled (or with the mesh revision).",
  configSchema: exemptNamespacesSchema,
  validateResource: (args, reportViolation) => {
    if (!isKind(args.type, "", "Namespace")) return;
    const metadata = asRecord(rawProps(args.props).metadata);
    if (new Set(args.getConfig<ExemptNamespacesConfig>().exemptNamespaces ?? DEFAULT_EXEMPT_NAMESPACES).has(asString(metadata.name) ?? "")) return;
    const path = 'metadata.labels["istio-injection"]';
    const labels = metadata.labels;
    const value = isUnknown(labels) ? labels : asRecord(labels)["istio-injection"];
    if (isUnknown(value)) return reportFindings(reportViolation, [unverified(isUnknown(labels) ? "metadata.labels" : path, "the istio-injection label")]);
    // The injection webhook selects namespaces labelled exactly istio-injection=enabled; any other value
    // (and the label's mere presence hides the namespace from revision-based injection) turns injection off.
    if (typeof value === "string" && value !== "enabled") reportFindings(reportViolation, [violation(path, "disables sidecar injection for every pod of the namespace; remove the label or set it to enabled")]);
  },
};

export const istioPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  peerAuthenticationStrict, authorizationAllowAll, jwtRules, requestAuthenticationPaired, servingCovered, sidecarInjection, namespaceInjection,
];
