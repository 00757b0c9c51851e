/**
 * The in-cluster copies of ml-guard's core ML rules, as ValidatingAdmissionPolicy CEL. Kept small and
 * standard-CEL only (no Kubernetes extension libraries), so tests can evaluate them with a CEL engine.
 */
import type { IValidatingAdmissionPolicy } from "kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy" with { "resolution-mode": "import" };

type PolicySpec = NonNullable<IValidatingAdmissionPolicy["spec"]>;

/** Every container of a pod: regular, init and ephemeral. */
const ALL_CONTAINERS =
  "object.spec.containers" +
  " + (has(object.spec.initContainers) ? object.spec.initContainers : [])" +
  " + (has(object.spec.ephemeralContainers) ? object.spec.ephemeralContainers : [])";

export const DIGEST_PINNED = "^[^@]+@sha256:[a-f0-9]{64}$";

const escape = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");

/**
 * One RE2 expression for the allowed registries: each pattern is a host whose `*` labels match one
 * DNS label, optionally followed by a repository prefix; the image must start with one of them.
 */
export function registryExpression(patterns: string[]): string {
  const alternatives = patterns.map((pattern) => {
    const [host, ...path] = pattern.split("/");
    const hostExpression = host.split(".").map((label) => (label === "*" ? "[a-z0-9-]+" : escape(label))).join("\\.");
    return `${hostExpression}/${path.length ? `${path.map(escape).join("/")}/` : ""}`;
  });
  return `^(?:${alternatives.join("|")})`;
}

/** Escapes a value for a single-quoted CEL string literal. */
const celString = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

export function pinnedImagesPolicy(allowedRegistries: string[]): PolicySpec {
  return {
    failurePolicy: "Fail",
    matchConstraints: {
      resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods", "pods/ephemeralcontainers"] }],
    },
    variables: [{ name: "containers", expression: ALL_CONTAINERS }],
    validations: [
      {
        expression: `variables.containers.all(c, c.image.matches(${celString(DIGEST_PINNED)}))`,
        message: "every container image must be pinned by digest (registry/repository@sha256:...)",
        reason: "Forbidden",
      },
      {
        expression: `variables.containers.all(c, c.image.matches(${celString(registryExpression(allowedRegistries))}))`,
        message: `every container image must come from an allowed registry: ${allowedRegistries.join(", ")}`,
        reason: "Forbidden",
      },
    ],
  };
}

export const MODEL_LABELS = ["mlops.io/model-name", "mlops.io/model-version"];

export function servingLabelsPolicy(): PolicySpec {
  const labels = `[${MODEL_LABELS.map(celString).join(", ")}]`;
  return {
    failurePolicy: "Fail",
    matchConstraints: {
      resourceRules: [
        { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["pods"] },
        { apiGroups: ["serving.kserve.io"], apiVersions: ["*"], operations: ["CREATE", "UPDATE"], resources: ["inferenceservices"] },
      ],
    },
    // Only serving workloads: every InferenceService, and pods labelled with the serving role.
    matchConditions: [{
      name: "serving-workloads",
      expression: "object.kind == 'InferenceService' || (has(object.metadata.labels) && 'mlops.io/role' in object.metadata.labels && object.metadata.labels['mlops.io/role'] == 'serving')",
    }],
    validations: [{
      expression: `has(object.metadata.labels) && ${labels}.all(l, l in object.metadata.labels && object.metadata.labels[l] != '')`,
      message: `serving workloads must carry the labels ${MODEL_LABELS.join(" and ")}`,
      reason: "Invalid",
    }],
  };
}
