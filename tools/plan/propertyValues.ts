/**
 * The wire encoding of resource properties that the Pulumi engine, the language SDK and analyzers
 * share: secrets are wrapped in a signature object, unknown values are a sentinel string.
 */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const RESOURCE_SIG_VALUE = "5cf8f73096256a8f31e491e813e4eb8e";

export const REDACTED = "[secret]";
export const UNKNOWN_PLACEHOLDER = "[unknown until applied]";

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

export function isSecretValue(value: unknown): value is { value: unknown } {
  return isRecord(value) && value[SECRET_SIG_KEY] === SECRET_SIG_VALUE;
}

/** Turns wire-encoded properties into plain values for people: secrets redacted, unknowns marked. */
export function toDisplayValue(value: unknown): unknown {
  if (value === UNKNOWN_VALUE) return UNKNOWN_PLACEHOLDER;
  if (Array.isArray(value)) return value.map(toDisplayValue);
  if (!isRecord(value)) return value;
  if (isSecretValue(value)) return REDACTED;
  if (value[SECRET_SIG_KEY] === RESOURCE_SIG_VALUE) return value.urn;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, toDisplayValue(inner)]));
}
