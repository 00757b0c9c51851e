/**
 * The `format`s the API server checks on custom resources.
 *
 * FACT: apiextensions-apiserver strips every format it does not support before validating
 * (StripUnsupportedFormatsPostProcessorForVersion): on strings only the listed formats are kept,
 * on integers only int32/int64, on numbers only float/double. kubernetes/kubernetes
 * staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/validation/formats.go (read at 03f23ae1).
 * FACT: go-openapi's number validator checks that an integer fits its int32/int64 format
 * (IsValueValidAgainstRange), kubernetes/kube-openapi pkg/validation/validate/validator.go (c8c0761c).
 * FACT: `byte` is govalidator.IsBase64 and `date-time` is strfmt.IsDateTime (date, "T", hh:mm:ss,
 * optional fraction, `Z` or ±hh:mm), kubernetes/kube-openapi pkg/validation/strfmt/default.go (15d2b63e),
 * go-openapi/strfmt time.go.
 */
export class UnsupportedFormatError extends Error {}

/** Formats kube-openapi keeps on strings (formats.go, compatibility 1.0 and 1.34), dashes removed as go-openapi does. */
const SUPPORTED_STRING_FORMATS = new Set([
  "bsonobjectid", "uri", "email", "hostname", "ipv4", "ipv6", "cidr", "mac", "uuid", "uuid3", "uuid4", "uuid5",
  "isbn", "isbn10", "isbn13", "creditcard", "ssn", "hexcolor", "rgbcolor", "byte", "password", "date", "duration",
  "datetime", "quantity", "k8sshortname", "k8slongname",
]);

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;
const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const TIME = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/;

const isDate = (text: string) => {
  const match = DATE.exec(text);
  return match !== null && match[2] >= "01" && match[2] <= "12" && match[3] >= "01" && match[3] <= "31";
};

function isDateTime(text: string): boolean {
  const parts = text.toLowerCase().split("t");
  if (text.length < 4 || parts.length < 2 || !isDate(parts[0])) return false;
  const match = TIME.exec(parts[1]);
  return match !== null && match[1] <= "23" && match[2] <= "59" && match[3] <= "59";
}

/** Validators for the string formats the schemas under ../shared use; others must be added before they are relied on. */
const STRING_FORMATS: Record<string, (text: string) => boolean> = {
  byte: (text) => BASE64.test(text),
  datetime: isDateTime,
  date: isDate,
  password: () => true,
};

const INTEGER_RANGES: Record<string, [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
};

export type FormatCheck = (value: unknown) => string | undefined;

/**
 * The check for a schema's format, or undefined when the API server ignores it. A supported format
 * this file does not implement is an error when the schema is compiled: never a silent pass.
 */
export function formatCheck(type: string | undefined, format: string | undefined): FormatCheck | undefined {
  if (!format) return undefined;
  if (type === "integer") {
    const range = INTEGER_RANGES[format];
    return range ? (value) => (typeof value === "number" && (BigInt(value) < range[0] || BigInt(value) > range[1]) ? `does not fit ${format}` : undefined) : undefined;
  }
  if (type !== undefined && type !== "string") return undefined;
  const normalized = format.replace(/-/g, "");
  if (!SUPPORTED_STRING_FORMATS.has(normalized)) return undefined;
  const check = STRING_FORMATS[normalized];
  if (!check) throw new UnsupportedFormatError(`format ${format} is validated by the API server but not implemented here`);
  return (value) => (typeof value === "string" && !check(value) ? `is not a valid ${format}` : undefined);
}
