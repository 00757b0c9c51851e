/**
 * Reading resource properties as the policy server hands them over: plain JSON in which values that
 * are unknown until apply (outputs of resources not yet created) appear as the engine's sentinels.
 */

/** The sentinels the policy SDK uses for unknown values, one per value type. */
const UNKNOWN_SENTINELS = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string (and what the engine sends for every unknown)
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

export function isUnknown(value: unknown): boolean {
  return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}

/** The policy server wraps props in a proxy that throws on unknowns; this key returns the raw object. */
const PROXY_TARGET = "__getSpecialProxyTarget";

/**
 * The raw properties behind the server's unknown-checking proxy, so a rule can look at what is
 * known and decide what an unknown means, instead of the whole rule being skipped in preview.
 */
export function rawProps(props: unknown): Record<string, unknown> {
  if (props === null || typeof props !== "object") return {};
  const target = (props as Record<string, unknown>)[PROXY_TARGET];
  return (target ?? props) as Record<string, unknown>;
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export const asRecord = (value: unknown): Record<string, unknown> => (isRecord(value) ? value : {});
export const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** A string value, or undefined when absent, unknown or not a string. */
export const asString = (value: unknown): string | undefined =>
  typeof value === "string" && !isUnknown(value) ? value : undefined;

/** A value as text: strings as they are, anything else as JSON (quantities may be numbers or strings). */
export const asText = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value) ?? "");

/** True when the value or anything inside it is unknown. */
export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (isRecord(value)) return Object.values(value).some(containsUnknown);
  return false;
}

/** Parses a JSON document given as a string or as an object (Pulumi accepts both for IAM policies). */
export function parseJsonDocument(value: unknown): { document?: Record<string, unknown>; unknown: boolean; invalid: boolean } {
  if (value === undefined || value === null) return { unknown: false, invalid: false };
  if (isUnknown(value) || containsUnknown(value)) return { unknown: true, invalid: false };
  if (isRecord(value)) return { document: value, unknown: false, invalid: false };
  if (typeof value !== "string") return { unknown: false, invalid: true };
  try {
    const parsed: unknown = JSON.parse(value);
    return isRecord(parsed) ? { document: parsed, unknown: false, invalid: false } : { unknown: false, invalid: true };
  } catch {
    return { unknown: false, invalid: true };
  }
}
