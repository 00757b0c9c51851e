import { isSecretValue, SECRET_SIG_KEY, SECRET_SIG_VALUE, UNKNOWN_VALUE } from "../../tools/plan/propertyValues";

/** Resource properties as the engine and providers exchange them: secrets wrapped, unknowns as the sentinel. */
export type Wire = unknown;

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

export const secret = (value: unknown) => ({ [SECRET_SIG_KEY]: SECRET_SIG_VALUE, value });

/** Secrets unwrapped (a provider's Check works on plain values and marks secrets again at the end). */
export function stripSecrets(value: Wire): unknown {
  if (isSecretValue(value)) return stripSecrets(value.value);
  if (Array.isArray(value)) return value.map(stripSecrets);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, stripSecrets(inner)]));
  return value;
}

export function containsSecret(value: Wire): boolean {
  if (isSecretValue(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  return isRecord(value) && Object.values(value).some(containsSecret);
}

export function containsUnknown(value: Wire): boolean {
  if (value === UNKNOWN_VALUE) return true;
  if (isSecretValue(value)) return containsUnknown(value.value);
  if (Array.isArray(value)) return value.some(containsUnknown);
  return isRecord(value) && Object.values(value).some(containsUnknown);
}

export { UNKNOWN_VALUE };
