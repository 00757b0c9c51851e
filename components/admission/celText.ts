/**
 * Small builders of CEL source text for the admission policies. Standard CEL only (no Kubernetes
 * extension libraries), so a plain CEL engine evaluates the same text in tests.
 */

/** Escapes a value for a single-quoted CEL string literal. */
export const celString = (text: string): string => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/** A CEL list literal of strings. */
export const celList = (items: readonly string[]): string => `[${items.map(celString).join(", ")}]`;

/**
 * Whether `predicate` (over `c`) holds for every container of the pod spec at `spec`: regular, init
 * and ephemeral. Each list is tested on its own: they have different schema types (Container,
 * EphemeralContainer), so concatenating them would not type-check against the API schema.
 */
export function everyContainer(spec: string, predicate: string): string {
  return [
    `${spec}.containers.all(c, ${predicate})`,
    `(!has(${spec}.initContainers) || ${spec}.initContainers.all(c, ${predicate}))`,
    `(!has(${spec}.ephemeralContainers) || ${spec}.ephemeralContainers.all(c, ${predicate}))`,
  ].join(" && ");
}

/** A map field of an object that may be absent (a pod template may omit its metadata), as a map. */
export const mapOrEmpty = (object: string, field: string): string => `has(${object}) && has(${object}.${field}) ? ${object}.${field} : {}`;

/** Whether the label map `labels` (a CEL map expression) has `key` set to `value`. */
export const labelIs = (labels: string, key: string, value: string): string => `${celString(key)} in ${labels} && ${labels}[${celString(key)}] == ${celString(value)}`;
