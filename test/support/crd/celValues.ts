/**
 * How Kubernetes names object fields in CEL.
 *
 * FACT: property names that are CEL reserved words become `__{word}__`; `__`, `.`, `-` and `/`
 * become `__underscores__`, `__dot__`, `__dash__` and `__slash__`; a name starting with a digit or
 * holding any other character is not accessible from CEL at all.
 * kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/cel/escaping.go (37005d1a).
 */
const RESERVED = new Set([
  "true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function", "if",
  "import", "let", "loop", "package", "namespace", "return", "var", "void", "while",
]);

export function escapeCelField(name: string): string | undefined {
  if (name === "" || /^[0-9]/.test(name)) return undefined;
  if (RESERVED.has(name)) return `__${name}__`;
  if (!/^[a-zA-Z0-9_./-]*$/.test(name)) return undefined;
  return name.replace(/__|[./-]/g, (match) => ({ "__": "__underscores__", ".": "__dot__", "-": "__dash__", "/": "__slash__" })[match] ?? match);
}
