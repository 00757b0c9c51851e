/**
 * Go's encoding/json Marshal of a decoded JSON value: object keys sorted, no whitespace, and <, >,
 * &, U+2028 and U+2029 escaped inside strings (the HTML-safe default).
 * FACT: golang/go src/encoding/json/encode.go (map keys are sorted; HTMLEscape on by default).
 */
export function goJsonMarshal(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goJsonMarshal).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, inner]) => inner !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${goString(key)}:${goJsonMarshal(inner)}`).join(",")}}`;
  }
  if (typeof value === "string") return goString(value);
  return JSON.stringify(value) ?? "null";
}

const goString = (text: string) =>
  JSON.stringify(text).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
