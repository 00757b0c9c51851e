import { createHash } from "node:crypto";
import { canonicalQuantity, QuantityError } from "./kubernetesQuantity";
import { isSecretValue } from "../../tools/plan/propertyValues";
import { containsSecret, containsUnknown, isRecord, secret, stripSecrets, UNKNOWN_VALUE } from "./wireValues";

/**
 * What the kubernetes provider's Check hands the engine for an object the program registered, and
 * so what analyzers (and the pack) see in a real `pulumi preview` / `pulumi up`.
 *
 * FACT (pulumi/pulumi-kubernetes provider/pkg/provider/provider.go Check, v4.32.0 and HEAD 94977969;
 * the SDK here pins 4.34.2, not in the stored snapshot):
 * 1. normalizeInputs: for a built-in apiVersion (kinds.KnownGroupVersions) with no unknown value
 *    anywhere, the object is round-tripped through its Go type (clients.Normalize) and pruned back to
 *    the keys given: quantities come back canonical; a Secret's stringData is base64-encoded into
 *    data (stringData wins over data for the same key) and data values are re-encoded (whitespace
 *    trimmed). If the round trip fails (e.g. an unparsable quantity), the object is left as given.
 *    Then metadata creationTimestamp, deletionGracePeriodSeconds, deletionTimestamp, generation,
 *    managedFields, resourceVersion and uid are removed (normalizeInputs, clients/unstructured.go).
 * 2. an object with no metadata.name (and no generateName, and the name not unknown) is autonamed
 *    `<resource name>-<8 hex>` (resource.NewUniqueName, seeded) and annotated
 *    `pulumi.com/autonamed: "true"` (provider/pkg/metadata/naming.go AssignNameIfAutonamable).
 * 3. with Client-Side Apply only (enableServerSideApply: false), the label
 *    `app.kubernetes.io/managed-by: pulumi` is set unless metadata or labels are unknown
 *    (metadata/labels.go TrySetManagedByLabel). Server-Side Apply is the default since v4.
 * 4. secrets: the object is checked on plain values; a Secret's data and stringData come back
 *    secret, and any other key whose input held a secret (annotateSecrets).
 * A Helm Release (kubernetes:helm.sh/v3:Release) is checked by the Helm provider, not modelled here.
 */
export interface KubernetesCheckOptions {
  serverSideApply: boolean;
}

/** API groups of the built-in Kubernetes API (the groups of kinds.KnownGroupVersions). */
const BUILT_IN_GROUPS = new Set([
  "", "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io", "apps", "auditregistration.k8s.io", "autoscaling",
  "batch", "certificates.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "events.k8s.io", "extensions", "flowcontrol.apiserver.k8s.io",
  "meta", "networking.k8s.io", "node.k8s.io", "policy", "rbac.authorization.k8s.io", "resource.k8s.io", "scheduling.k8s.io",
  "settings.k8s.io", "storage.k8s.io", "storagemigration.k8s.io",
]);
const READ_ONLY_METADATA = ["creationTimestamp", "deletionGracePeriodSeconds", "deletionTimestamp", "generation", "managedFields", "resourceVersion", "uid"];
const CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"];

const groupOf = (apiVersion: string) => (apiVersion.includes("/") ? apiVersion.split("/")[0] : "");
export const isBuiltInApiVersion = (apiVersion: string) => BUILT_IN_GROUPS.has(groupOf(apiVersion)) && !groupOf(apiVersion).endsWith(".x-k8s.io");

type Json = Record<string, unknown>;

/** Maps of quantities inside a pod spec (container resources, pod overhead and resources, emptyDir limits). */
function podSpecQuantityMaps(spec: unknown): Json[] {
  if (!isRecord(spec)) return [];
  const resourceMaps = (resources: unknown) => (isRecord(resources) ? [resources.limits, resources.requests].filter(isRecord) : []);
  return [
    ...CONTAINER_LISTS.flatMap((list) => (Array.isArray(spec[list]) ? spec[list] : []).flatMap((container) => resourceMaps(isRecord(container) ? container.resources : undefined))),
    ...(isRecord(spec.overhead) ? [spec.overhead] : []),
    ...resourceMaps(spec.resources),
  ];
}

/** Every map of quantities a built-in object holds, by kind (fields typed resource.Quantity in k8s.io/api). */
function quantityMaps(object: Json): Json[] {
  const spec = isRecord(object.spec) ? object.spec : {};
  const template = isRecord(spec.template) ? spec.template : {};
  const jobTemplate = isRecord(spec.jobTemplate) && isRecord(spec.jobTemplate.spec) && isRecord(spec.jobTemplate.spec.template) ? spec.jobTemplate.spec.template : {};
  switch (object.kind) {
    case "Pod": return podSpecQuantityMaps(spec);
    case "Deployment": case "StatefulSet": case "DaemonSet": case "ReplicaSet": case "Job": case "ReplicationController": return podSpecQuantityMaps(template.spec);
    case "CronJob": return podSpecQuantityMaps(jobTemplate.spec);
    case "ResourceQuota": return isRecord(spec.hard) ? [spec.hard] : [];
    case "LimitRange": return (Array.isArray(spec.limits) ? spec.limits : []).filter(isRecord).flatMap((limit) => ["max", "min", "default", "defaultRequest", "maxLimitRequestRatio"].map((key) => limit[key]).filter(isRecord));
    case "PersistentVolumeClaim": return isRecord(spec.resources) ? [spec.resources.requests, spec.resources.limits].filter(isRecord) : [];
    default: return [];
  }
}

function encodeSecretData(object: Json): void {
  const data: Json = isRecord(object.data) ? { ...object.data } : {};
  if (isRecord(object.stringData) && Object.keys(object.stringData).length > 0) {
    for (const [key, value] of Object.entries(object.stringData)) data[key] = Buffer.from(String(value), "utf8").toString("base64");
    object.data = data;
    delete object.stringData;
    return;
  }
  for (const [key, value] of Object.entries(data)) {
    // The API server decodes and re-encodes base64 (surrounding whitespace goes); invalid base64 is left to it.
    if (typeof value === "string" && /^\s*[A-Za-z0-9+/]*={0,2}\s*$/.test(value)) data[key] = Buffer.from(value.trim(), "base64").toString("base64");
  }
  if (isRecord(object.data)) object.data = data;
}

/** clients.Normalize for a built-in object: Secret data, canonical quantities; unchanged when a quantity does not parse. */
function normalize(object: Json): Json {
  const copy = structuredClone(object);
  if (copy.kind === "Secret" && copy.apiVersion === "v1") {
    encodeSecretData(copy);
    return copy;
  }
  try {
    for (const quantities of quantityMaps(copy)) {
      for (const [key, value] of Object.entries(quantities)) {
        if (typeof value === "string" || typeof value === "number") quantities[key] = canonicalQuantity(value);
      }
    }
  } catch (error) {
    if (error instanceof QuantityError) return object;
    throw error;
  }
  return copy;
}

/** `<name>-<8 hex>`, deterministic per URN (the engine seeds Check's randomness per resource). */
export const kubernetesAutoname = (urn: string, name: string) => `${name}-${createHash("sha256").update(urn).digest("hex").slice(0, 8)}`;

/** annotateSecrets: marks again what was secret in the registered inputs. */
function annotateSecrets(checked: Json, registered: Json): Json {
  if (checked.kind === "Secret") {
    for (const key of ["data", "stringData"]) if (key in checked) checked[key] = secret(checked[key]);
    return checked;
  }
  for (const [key, inner] of Object.entries(registered)) {
    if (!(key in checked)) continue;
    const outer = checked[key];
    if (isRecord(inner) && !isSecretValue(inner) && isRecord(outer)) annotateSecrets(outer, inner);
    else if (containsSecret(inner) && !isSecretValue(outer)) checked[key] = secret(outer);
  }
  return checked;
}

/** The checked inputs of a Kubernetes object (see the FACTs above). Non-objects come back unchanged. */
export function kubernetesCheck(urn: string, name: string, registered: Json, options: KubernetesCheckOptions): Json {
  if (typeof registered.kind !== "string" || typeof registered.apiVersion !== "string") return registered;
  let object = stripSecrets(registered) as Json;
  if (isBuiltInApiVersion(object.apiVersion as string) && !containsUnknown(object)) object = normalize(object);
  else object = structuredClone(object);
  if (isRecord(object.metadata)) {
    const metadata = object.metadata;
    for (const key of READ_ONLY_METADATA) delete metadata[key];
    const named = metadata.name === UNKNOWN_VALUE || (typeof metadata.name === "string" && metadata.name !== "");
    const generated = metadata.generateName === UNKNOWN_VALUE || (typeof metadata.generateName === "string" && metadata.generateName !== "");
    if (!named && !generated) {
      metadata.name = kubernetesAutoname(urn, name);
      if (metadata.annotations !== UNKNOWN_VALUE) metadata.annotations = { ...(isRecord(metadata.annotations) ? metadata.annotations : {}), "pulumi.com/autonamed": "true" };
    }
    if (!options.serverSideApply && metadata.labels !== UNKNOWN_VALUE) metadata.labels = { ...(isRecord(metadata.labels) ? metadata.labels : {}), "app.kubernetes.io/managed-by": "pulumi" };
  } else if (object.metadata === undefined) {
    object.metadata = { name: kubernetesAutoname(urn, name), annotations: { "pulumi.com/autonamed": "true" }, ...(options.serverSideApply ? {} : { labels: { "app.kubernetes.io/managed-by": "pulumi" } }) };
  }
  return annotateSecrets(object, registered);
}
