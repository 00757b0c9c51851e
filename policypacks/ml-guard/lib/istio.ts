import { isKind } from "./kubernetes";
import { namespaceName, type StackResource } from "./stack";
import { asArray, asRecord, asString, isRecord } from "./values";

const SECURITY_GROUP = "security.istio.io";

export const isAuthorizationPolicy = (item: StackResource) => isKind(item.resource.type, SECURITY_GROUP, "AuthorizationPolicy");
export const isRequestAuthentication = (item: StackResource) => isKind(item.resource.type, SECURITY_GROUP, "RequestAuthentication");

/** ALLOW is Istio's default action. */
export const actionOf = (spec: Record<string, unknown>) => asString(spec.action)?.toUpperCase() ?? "ALLOW";

const nonEmpty = (value: unknown) => asArray(value).length > 0 || (isRecord(value) && Object.keys(value).length > 0);

/** A rule with no source, operation or condition matches every request. */
export function matchesEverything(rule: unknown): boolean {
  const entry = asRecord(rule);
  const sources = asArray(entry.from);
  const everySourceOpen = sources.length === 0 || sources.some((from) => !nonEmpty(asRecord(from).source));
  return everySourceOpen && !nonEmpty(entry.to) && !nonEmpty(entry.when);
}

/** Whether every request the rule admits must carry a validated token. */
function ruleRequiresToken(rule: unknown): boolean {
  const sources = asArray(asRecord(rule).from);
  return sources.length > 0 && sources.every((from) => asArray(asRecord(asRecord(from).source).requestPrincipals).length > 0);
}

/** A DENY rule that refuses every request without a token, whatever its target. */
function ruleDeniesTokenless(rule: unknown): boolean {
  const entry = asRecord(rule);
  return !nonEmpty(entry.to) && !nonEmpty(entry.when) &&
    asArray(entry.from).some((from) => asArray(asRecord(asRecord(from).source).notRequestPrincipals).includes("*"));
}

/** Whether a policy (namespace-wide or by selector) applies to pods with these labels in this namespace. */
export function appliesTo(policy: StackResource, namespace: string | undefined, labels: Record<string, unknown>, rootNamespace: string): boolean {
  const policyNamespace = namespaceName(policy);
  if (policyNamespace !== namespace && policyNamespace !== rootNamespace) return false;
  const spec = asRecord(policy.props.spec);
  if (spec.targetRef !== undefined || spec.targetRefs !== undefined) return false;
  const selector = asRecord(asRecord(spec.selector).matchLabels);
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/**
 * Whether workloads with these labels only ever receive requests that carry a valid token: a DENY
 * policy refuses tokenless requests, or at least one ALLOW policy applies and every ALLOW rule that
 * applies requires request principals (with no ALLOW policy at all, Istio allows everything).
 */
export function requiresToken(policies: StackResource[], namespace: string | undefined, labels: Record<string, unknown>, rootNamespace: string): boolean {
  const applicable = policies.filter((policy) => appliesTo(policy, namespace, labels, rootNamespace)).map((policy) => asRecord(policy.props.spec));
  if (applicable.some((spec) => actionOf(spec) === "DENY" && asArray(spec.rules).some(ruleDeniesTokenless))) return true;
  const allows = applicable.filter((spec) => actionOf(spec) === "ALLOW");
  return allows.length > 0 && allows.every((spec) => asArray(spec.rules).every(ruleRequiresToken));
}
