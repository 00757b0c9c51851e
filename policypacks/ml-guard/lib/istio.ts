import { isKind } from "./kubernetes";
import { namespaceName, type StackResource } from "./stack";
import { asArray, asRecord, asString } from "./values";

const SECURITY_GROUP = "security.istio.io";

export const isAuthorizationPolicy = (item: StackResource) => isKind(item.resource.type, SECURITY_GROUP, "AuthorizationPolicy");
export const isRequestAuthentication = (item: StackResource) => isKind(item.resource.type, SECURITY_GROUP, "RequestAuthentication");

/** ALLOW is Istio's default action. */
export const actionOf = (spec: Record<string, unknown>) => asString(spec.action)?.toUpperCase() ?? "ALLOW";

/** A source or operation restricts requests only through a field with values: Istio ignores empty lists. */
const restricts = (clause: unknown) => Object.values(asRecord(clause)).some((values) => asArray(values).length > 0);

/** Istio ORs the entries of `from` (or `to`): one entry that restricts nothing opens the whole list. */
const isOpen = (entries: unknown, field: "source" | "operation") =>
  asArray(entries).length === 0 || asArray(entries).some((entry) => !restricts(asRecord(entry)[field]));

/** A rule with no source, operation or condition that restricts anything matches every request. */
export function matchesEverything(rule: unknown): boolean {
  const entry = asRecord(rule);
  return isOpen(entry.from, "source") && isOpen(entry.to, "operation") && asArray(entry.when).length === 0;
}

/** Whether every request the rule admits must carry a validated token. */
function ruleRequiresToken(rule: unknown): boolean {
  const sources = asArray(asRecord(rule).from);
  return sources.length > 0 && sources.every((from) => asArray(asRecord(asRecord(from).source).requestPrincipals).length > 0);
}

/**
 * A DENY rule that refuses every request without a token: a source of only `notRequestPrincipals: ["*"]`
 * (any other field, e.g. namespaces, would narrow the deny to some callers), on every operation.
 */
function ruleDeniesTokenless(rule: unknown): boolean {
  const entry = asRecord(rule);
  const deniesAllTokenless = (from: unknown) => {
    const { notRequestPrincipals, ...others } = asRecord(asRecord(from).source);
    return asArray(notRequestPrincipals).includes("*") && !restricts(others);
  };
  return isOpen(entry.to, "operation") && asArray(entry.when).length === 0 && asArray(entry.from).some(deniesAllTokenless);
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
