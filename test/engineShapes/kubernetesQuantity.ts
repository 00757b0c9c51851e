/**
 * Kubernetes' canonical form of a resource quantity, as the kubernetes provider's Check writes it.
 *
 * FACT: a quantity keeps its suffix kind (binary SI, decimal SI, decimal exponent), is rounded up to
 * nano precision, and is printed in canonical form: no fractional digits, the largest exponent (a
 * multiple of 3, or a power of 1024 for binary SI) that loses nothing; binary SI below 1024 or not
 * a whole number is printed as decimal SI. "1.5" -> "1500m", "1.5Gi" -> "1536Mi", "1000" -> "1k",
 * 0 -> "0". A JSON number is parsed from its text. kubernetes/apimachinery pkg/api/resource/quantity.go
 * (ParseQuantity, CanonicalizeBytes; read at 357557a6), amount.go (AsCanonicalBytes), suffix.go.
 */
export class QuantityError extends Error {}

type QuantityFormat = "BinarySI" | "DecimalSI" | "DecimalExponent";

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
const NANO = 10n ** 9n;

interface ParsedQuantity {
  /** The value in units of 10^-9, rounded away from zero. */
  nanos: bigint;
  format: QuantityFormat;
}

function parse(text: string): ParsedQuantity {
  const match = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[-+]?[0-9]*)$/.exec(text);
  if (!match || text === "" || (match[2] === "" && (match[3] ?? "") === "")) throw new QuantityError(`${JSON.stringify(text)} is not a quantity`);
  const [, sign, whole, fraction = "", suffix] = match;
  let format: QuantityFormat;
  let exponent10 = 0;
  let binaryPower = 0;
  if (suffix in DECIMAL_SUFFIXES) [format, exponent10] = ["DecimalSI", DECIMAL_SUFFIXES[suffix]];
  else if (BINARY_SUFFIXES.includes(suffix)) [format, binaryPower] = ["BinarySI", BINARY_SUFFIXES.indexOf(suffix) * 10];
  else if (/^[eE][-+]?[0-9]+$/.test(suffix)) [format, exponent10] = ["DecimalExponent", Number(suffix.slice(1))];
  else throw new QuantityError(`${JSON.stringify(text)} has no valid suffix`);
  // value = digits * 10^(exponent10 - fraction.length) * 2^binaryPower, in nanos rounded up.
  const digits = BigInt(`${whole}${fraction}` || "0") * 2n ** BigInt(binaryPower);
  const scale = exponent10 - fraction.length + 9;
  const nanos = scale >= 0 ? digits * 10n ** BigInt(scale) : (digits + 10n ** BigInt(-scale) - 1n) / 10n ** BigInt(-scale);
  return { nanos: sign === "-" ? -nanos : nanos, format };
}

function decimal(nanos: bigint, format: QuantityFormat): string {
  let mantissa = nanos;
  let exponent = -9;
  while (mantissa % 10n === 0n) [mantissa, exponent] = [mantissa / 10n, exponent + 1];
  const down = ((exponent % 3) + 3) % 3;
  mantissa *= 10n ** BigInt(down);
  exponent -= down;
  const si = Object.entries(DECIMAL_SUFFIXES).find(([, value]) => value === exponent)?.[0];
  const suffix = format === "DecimalSI" && si !== undefined ? si : exponent === 0 ? "" : `e${exponent}`;
  return `${mantissa}${suffix}`;
}

/** The canonical string of a quantity given as a string or a JSON number. */
export function canonicalQuantity(value: string | number): string {
  const { nanos, format } = parse(typeof value === "number" ? String(value) : value);
  if (nanos === 0n) return "0";
  const magnitude = nanos < 0n ? -nanos : nanos;
  const sign = nanos < 0n ? "-" : "";
  if (format === "BinarySI" && magnitude >= 1024n * NANO && magnitude % NANO === 0n) {
    let whole = magnitude / NANO;
    let power = 0;
    while (power < BINARY_SUFFIXES.length - 1 && whole % 1024n === 0n) [whole, power] = [whole / 1024n, power + 1];
    return `${sign}${whole}${BINARY_SUFFIXES[power]}`;
  }
  return `${sign}${decimal(magnitude, format === "BinarySI" ? "DecimalSI" : format)}`;
}
