import type { VaultPathRule } from "./vaultPolicy";

/**
 * What a token's policies allow on one request path, decided the way Vault's ACL decides it: of the
 * rules whose path matches, only the highest-priority pattern counts (the same pattern in several
 * policies is merged), and `deny` there wins over everything.
 */

/** The paths of Vault's built-in `default` policy that let a token look up, renew and revoke itself. */
export const DEFAULT_POLICY_TOKEN_RULES: VaultPathRule[] = [
  { path: "auth/token/lookup-self", capabilities: ["read"] },
  { path: "auth/token/renew-self", capabilities: ["update"] },
  { path: "auth/token/revoke-self", capabilities: ["update"] },
];

interface Pattern {
  /** The path without its trailing `*`, split into segments (`+` is a one-segment wildcard). */
  segments: string[];
  glob: boolean;
}

const patternOf = (path: string): Pattern => {
  const glob = path.endsWith("*");
  return { segments: (glob ? path.slice(0, -1) : path).split("/"), glob };
};

const segmentMatches = (pattern: string, segment: string) => pattern === "+" || pattern === segment;

/** Whether a policy path matches a request path: exactly, `+` per segment, trailing `*` as prefix. */
export function pathMatches(policyPath: string, requestPath: string): boolean {
  const { segments, glob } = patternOf(policyPath);
  const request = requestPath.split("/");
  const last = segments.length - 1;
  if (!glob) return request.length === segments.length && segments.every((segment, index) => segmentMatches(segment, request[index]));
  if (request.length < segments.length) return false;
  if (!segments.slice(0, last).every((segment, index) => segmentMatches(segment, request[index]))) return false;
  // The glob continues the last segment: `secret/zip-*` matches `secret/zip-zap/zong`.
  return segments[last] === "+" || request.slice(last).join("/").startsWith(segments[last]);
}

/**
 * A policy path's text before its first wildcard. Every path it matches starts with it: a cheap
 * necessary condition for pathMatches, to rule most request paths out before matching.
 */
export function literalPrefix(policyPath: string): string {
  const wildcard = policyPath.search(/[+*]/);
  return wildcard < 0 ? policyPath : policyPath.slice(0, wildcard);
}

/**
 * Whether a policy path can match some path below `prefix` (a mount such as `ml-dev-kv`): `*`,
 * `ml-*`, `ml-dev-kv/*`, `+/data/x` all reach into `ml-dev-kv/`; `ml-dev-kv` itself does not.
 */
export function pathReachesBelow(policyPath: string, prefix: string): boolean {
  const { segments, glob } = patternOf(policyPath);
  const mount = prefix.split("/");
  for (let index = 0; index < mount.length; index++) {
    if (index >= segments.length) return false;
    if (glob && index === segments.length - 1) return segments[index] === "+" || mount[index].startsWith(segments[index]);
    if (!segmentMatches(segments[index], mount[index])) return false;
  }
  return segments.length > mount.length;
}

/** Vault's documented priority order between two matching patterns: positive when `a` wins. */
function comparePriority(a: string, b: string): number {
  const firstWildcard = (path: string) => {
    const index = path.search(/[+*]/);
    return index < 0 ? Number.POSITIVE_INFINITY : index;
  };
  const wildcardSegments = (path: string) => path.split("/").filter((segment) => segment === "+").length;
  if (firstWildcard(a) !== firstWildcard(b)) return firstWildcard(a) > firstWildcard(b) ? 1 : -1;
  if (a.endsWith("*") !== b.endsWith("*")) return a.endsWith("*") ? -1 : 1;
  if (wildcardSegments(a) !== wildcardSegments(b)) return wildcardSegments(a) < wildcardSegments(b) ? 1 : -1;
  if (a.length !== b.length) return a.length > b.length ? 1 : -1;
  return a === b ? 0 : a > b ? 1 : -1;
}

/** The capabilities a token holding these policies (each a list of path rules) has on `path`. */
export function capabilitiesOn(policies: (readonly VaultPathRule[])[], path: string): Set<string> {
  const matching = policies.flat().filter((rule) => pathMatches(rule.path, path));
  if (matching.length === 0) return new Set();
  const winner = matching.map((rule) => rule.path).reduce((best, candidate) => (comparePriority(candidate, best) > 0 ? candidate : best));
  const capabilities = new Set(matching.filter((rule) => rule.path === winner).flatMap((rule) => rule.capabilities));
  return capabilities.has("deny") ? new Set() : capabilities;
}

export const allows = (policies: (readonly VaultPathRule[])[], path: string, capability: string): boolean => capabilitiesOn(policies, path).has(capability);
