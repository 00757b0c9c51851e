/**
 * CRD `pattern`s and CEL `matches()` are Go RE2 expressions. JavaScript's RegExp reads the same
 * syntax except for inline flags; a leading `(?i)` (the only RE2-only construct in the schemas under
 * ../shared/upstream) becomes the `i` flag. Anything else JavaScript cannot read is an error that
 * names the pattern: a pattern is never skipped.
 *
 * FACT: kube-openapi validates `pattern` with Go's regexp (RE2 syntax), kubernetes/kube-openapi
 * pkg/validation/validate/values.go (Pattern -> regexp.Compile).
 */
const cache = new Map<string, RegExp>();

export class UnsupportedPatternError extends Error {}

export function goRegexp(pattern: string): RegExp {
  const cached = cache.get(pattern);
  if (cached) return cached;
  const flagged = /^(\^?)\(\?([imsU]+)\)/.exec(pattern);
  const flags = new Set(flagged ? [...flagged[2]] : []);
  if (flags.has("U")) throw new UnsupportedPatternError(`pattern ${JSON.stringify(pattern)}: the RE2 flag U (ungreedy) has no JavaScript equivalent`);
  const body = flagged ? flagged[1] + pattern.slice(flagged[0].length) : pattern;
  if (/\(\?[a-zA-Z-]+[):]|\(\?P<|\\[zAC]|\[\[:/.test(body)) {
    throw new UnsupportedPatternError(`pattern ${JSON.stringify(pattern)}: uses RE2 syntax (inline flags, \\z, \\A, named groups or POSIX classes) this translation does not cover`);
  }
  const jsFlags = [...flags].join("");
  let compiled: RegExp;
  try {
    compiled = new RegExp(body, `${jsFlags}u`);
  } catch {
    try {
      compiled = new RegExp(body, jsFlags);
    } catch (error) {
      throw new UnsupportedPatternError(`pattern ${JSON.stringify(pattern)}: ${(error as Error).message}`);
    }
  }
  cache.set(pattern, compiled);
  return compiled;
}
