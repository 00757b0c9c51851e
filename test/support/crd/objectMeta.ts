import type { Problem } from "./problems";

/**
 * `metadata` of a custom resource, held to what the API server applies to every object.
 *
 * FACT: custom resources are validated with ValidateObjectMetaAccessor(..., namespaceScoped,
 * NameIsDNSSubdomain): a name (or generateName) is required and must be a DNS-1123 subdomain, a
 * namespaced kind needs a namespace (a DNS-1123 label) and a cluster-scoped kind must not have one.
 * kubernetes/kubernetes staging/src/k8s.io/apiextensions-apiserver/pkg/registry/customresource/validator.go,
 * staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go.
 * FACT: label keys and annotation keys are qualified names (optional DNS-subdomain prefix and "/",
 * then at most 63 of [A-Za-z0-9_.-] starting and ending alphanumeric); label values are empty or
 * the same 63-character shape; annotations total at most 256 KiB.
 * staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go, pkg/api/validation/objectmeta.go.
 * FACT: metadata is decoded into ObjectMeta, so a field ObjectMeta does not have is dropped
 * (k8s.io/apimachinery/pkg/apis/meta/v1 types.go ObjectMeta json tags).
 */
const OBJECT_META_FIELDS = new Set([
  "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
  "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
]);
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const TOTAL_ANNOTATION_BYTES = 256 * 1024;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

export const isDnsSubdomain = (name: string) => name.length <= 253 && DNS1123_SUBDOMAIN.test(name);

function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split("/");
  if (parts.length > 2) return "a qualified name has at most one '/'";
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && (prefix === "" || !isDnsSubdomain(prefix))) return `prefix ${JSON.stringify(prefix)} must be a DNS-1123 subdomain`;
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME_PART.test(name)) return `name part ${JSON.stringify(name)} must be 1-63 characters of [A-Za-z0-9_.-], starting and ending alphanumeric`;
  return undefined;
}

function stringMapProblems(value: unknown, path: string, checkValue?: (text: string) => string | undefined): Problem[] {
  if (!isRecord(value)) return [{ path, message: "must be a map of strings" }];
  return Object.entries(value).flatMap(([key, inner]): Problem[] => {
    const keyProblem = qualifiedNameProblem(key);
    if (keyProblem) return [{ path: `${path}[${JSON.stringify(key)}]`, message: `invalid key: ${keyProblem}` }];
    if (typeof inner !== "string") return [{ path: `${path}[${JSON.stringify(key)}]`, message: "must be a string" }];
    const valueProblem = checkValue?.(inner);
    return valueProblem ? [{ path: `${path}[${JSON.stringify(key)}]`, message: valueProblem }] : [];
  });
}

export function objectMetaProblems(metadata: unknown, path: string, scope: "Namespaced" | "Cluster" | "embedded"): Problem[] {
  if (!isRecord(metadata)) return scope === "embedded" && metadata === undefined ? [] : [{ path, message: "metadata must be an object" }];
  const problems: Problem[] = Object.keys(metadata).filter((key) => !OBJECT_META_FIELDS.has(key)).map((key) => ({ path: `${path}.${key}`, message: "unknown field: ObjectMeta has no such field (dropped)" }));
  const { name, generateName, namespace, labels, annotations } = metadata;
  if (scope !== "embedded") {
    if (name === undefined && generateName === undefined) problems.push({ path: `${path}.name`, message: "name or generateName is required" });
    if (scope === "Namespaced" && (typeof namespace !== "string" || namespace === "")) problems.push({ path: `${path}.namespace`, message: "namespace is required for a namespaced kind" });
    if (scope === "Cluster" && namespace !== undefined && namespace !== "") problems.push({ path: `${path}.namespace`, message: "not allowed on this type: the kind is cluster-scoped" });
  }
  if (name !== undefined && (typeof name !== "string" || !isDnsSubdomain(name))) problems.push({ path: `${path}.name`, message: `${JSON.stringify(name)} is not a DNS-1123 subdomain` });
  if (namespace !== undefined && namespace !== "" && (typeof namespace !== "string" || namespace.length > 63 || !DNS1123_LABEL.test(namespace))) {
    problems.push({ path: `${path}.namespace`, message: `${JSON.stringify(namespace)} is not a DNS-1123 label` });
  }
  if (labels !== undefined) {
    problems.push(...stringMapProblems(labels, `${path}.labels`, (text) => (text.length > 63 || !LABEL_VALUE.test(text) ? `label value ${JSON.stringify(text)} must be empty or 1-63 characters of [A-Za-z0-9_.-], starting and ending alphanumeric` : undefined)));
  }
  if (annotations !== undefined) {
    problems.push(...stringMapProblems(annotations, `${path}.annotations`));
    const bytes = isRecord(annotations) ? Object.entries(annotations).reduce((total, [key, value]) => total + Buffer.byteLength(key) + Buffer.byteLength(String(value)), 0) : 0;
    if (bytes > TOTAL_ANNOTATION_BYTES) problems.push({ path: `${path}.annotations`, message: `annotations total ${bytes} bytes, more than 256 KiB` });
  }
  return problems;
}
