/**
 * Kubernetes resource quantities ("2", 2, "2.0", "2000m", "1Gi"), compared by value as the API
 * server compares them (resource.Quantity.Cmp): the kubernetes provider's Check rewrites built-in
 * objects' quantities in canonical form ("2.0" becomes "2"), so comparing their text would judge the
 * plan and the engine's inputs differently.
 */
const DECIMAL_EXPONENTS: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_POWERS: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** The quantity in units of 10^-9 (rounded up, as Kubernetes keeps nano precision), or undefined if it is not one. */
export function quantityNanos(value: unknown): bigint | undefined {
  const text = typeof value === "number" && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== "string") return undefined;
  const match = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([a-zA-Z]*|[eE][-+]?[0-9]+)$/.exec(text.trim());
  if (!match || (match[2] === "" && !match[3])) return undefined;
  const [, sign, whole, fraction = "", suffix] = match;
  let exponent = 0;
  let power = 0;
  if (suffix in DECIMAL_EXPONENTS) exponent = DECIMAL_EXPONENTS[suffix];
  else if (suffix in BINARY_POWERS) power = BINARY_POWERS[suffix];
  else if (/^[eE][-+]?[0-9]+$/.test(suffix)) exponent = Number(suffix.slice(1));
  else return undefined;
  const digits = BigInt(`${whole}${fraction}` || "0") * 2n ** BigInt(power);
  const scale = exponent - fraction.length + 9;
  const nanos = scale >= 0 ? digits * 10n ** BigInt(scale) : (digits + 10n ** BigInt(-scale) - 1n) / 10n ** BigInt(-scale);
  return sign === "-" ? -nanos : nanos;
}

/** Whether two quantities are equal; values that are not quantities are compared as given. */
export function sameQuantity(a: unknown, b: unknown): boolean {
  const [left, right] = [quantityNanos(a), quantityNanos(b)];
  return left !== undefined && right !== undefined ? left === right : JSON.stringify(a) === JSON.stringify(b);
}
