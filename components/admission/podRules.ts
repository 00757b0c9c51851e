/**
 * ml-guard's pod rules that Pod Security admission does not cover, as ValidatingAdmissionPolicies:
 * pod-require-read-only-root-filesystem and pod-disallow-default-service-account.
 */
import { everyContainer } from "./celText";
import { NOT_BEING_DELETED, serviceAccountOf, type PodShape, type PolicySpec } from "./podShapes";

const READ_ONLY = "has(c.securityContext) && has(c.securityContext.readOnlyRootFilesystem) && c.securityContext.readOnlyRootFilesystem";

/**
 * Windows pods cannot have the field, so ml-guard skips them and so does this policy.
 * FACT: the Kubernetes API reference of SecurityContext.readOnlyRootFilesystem, "cannot be set when
 * spec.os.name is windows" (kubernetes-models 5.1.0 carries that text).
 */
const isWindows = (spec: string) => `has(${spec}.os) && ${spec}.os.name == 'windows'`;

export function readOnlyRootFilesystemPolicy(shape: PodShape): PolicySpec {
  return {
    failurePolicy: "Fail",
    // Ephemeral (kubectl debug) containers join a running pod through their own subresource.
    matchConstraints: { resourceRules: shape.resourceRules({ operations: ["CREATE"], ephemeralContainers: true }) },
    matchConditions: [NOT_BEING_DELETED],
    validations: [{
      expression: `${isWindows(shape.spec)} || (${everyContainer(shape.spec, READ_ONLY)})`,
      message: "pod-require-read-only-root-filesystem: every container (init and ephemeral ones too) must set securityContext.readOnlyRootFilesystem: true; mount an emptyDir where it must write (e.g. /tmp)",
      reason: "Forbidden",
    }],
  };
}

export function defaultServiceAccountPolicy(shape: PodShape): PolicySpec {
  return {
    failurePolicy: "Fail",
    // A pod's ServiceAccount cannot change after creation.
    matchConstraints: { resourceRules: shape.resourceRules({ operations: ["CREATE"] }) },
    matchConditions: [NOT_BEING_DELETED],
    variables: [{ name: "serviceAccount", expression: serviceAccountOf(shape.spec) }],
    validations: [{
      expression: "variables.serviceAccount != 'default'",
      message: "pod-disallow-default-service-account: the pods would run as the namespace's default ServiceAccount (serviceAccountName unset, empty or \"default\"); set serviceAccountName to a dedicated account such as training or serving",
      reason: "Forbidden",
    }],
  };
}
