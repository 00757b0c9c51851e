/**
 * ml-guard's image rules in the cluster, as ValidatingAdmissionPolicy CEL: digest-pinned images from the
 * allowed registries. Standard CEL only (no Kubernetes extension libraries), so tests evaluate it.
 */
import { celString } from "./celText";
import type { PolicySpec } from "./podShapes";

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
        message: "pod-require-pinned-images: every container image must be pinned by digest (registry/repository@sha256:...)",
        reason: "Forbidden",
      },
      {
        expression: `variables.containers.all(c, c.image.matches(${celString(registryExpression(allowedRegistries))}))`,
        message: `pod-restrict-image-registries: every container image must come from an allowed registry: ${allowedRegistries.join(", ")}`,
        reason: "Forbidden",
      },
    ],
  };
}
