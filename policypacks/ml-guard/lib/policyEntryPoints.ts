import type { Policies, ResourceValidation, ResourceValidationPolicy, StackValidation, StackValidationPolicy } from "@pulumi/policy";

type PackPolicy = Policies[number];
export type Remediation = NonNullable<ResourceValidationPolicy["remediateResource"]>;

/** Keeps the SDK's fast type check (validateResourceOfType tags the function with its type). */
export const keepType = <T extends object>(wrapped: T, original: object): T =>
  Object.assign(wrapped, "__pulumiType" in original ? { __pulumiType: (original).__pulumiType } : {});

/** What replaces each kind of entry point; a kind left out is kept as it is. */
export interface EntryPointWrappers {
  validation?: (validation: ResourceValidation) => ResourceValidation;
  remediation?: (remediation: Remediation) => Remediation;
  stack?: (validation: StackValidation) => StackValidation;
}

/** The policy with its entry points (each resource validation, the remediation, the stack validation) replaced as given. */
export function mapEntryPoints(policy: PackPolicy, wrap: EntryPointWrappers): PackPolicy {
  const { validateResource, remediateResource, validateStack } = policy as Partial<ResourceValidationPolicy & StackValidationPolicy>;
  const { validation, remediation, stack } = wrap;
  return {
    ...policy,
    ...(validateResource && validation ? { validateResource: Array.isArray(validateResource) ? validateResource.map((each) => validation(each)) : validation(validateResource) } : {}),
    ...(remediateResource && remediation ? { remediateResource: remediation(remediateResource) } : {}),
    ...(validateStack && stack ? { validateStack: stack(validateStack) } : {}),
  };
}
