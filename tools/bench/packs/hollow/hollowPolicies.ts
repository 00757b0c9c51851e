import type { Policies, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { keepType } from "../../../../policypacks/ml-guard/lib/withWaivers";

const nothing = () => undefined;

/**
 * The same policies (names, levels, kinds, how many validations, the types the SDK's fast skip reads)
 * with every validation and remediation doing nothing: what the policy host spends on a pack of this
 * shape before any rule runs.
 */
export function hollowPolicies(policies: Policies): Policies {
  return policies.map((policy) => {
    const { validateStack } = policy as Partial<StackValidationPolicy>;
    if (validateStack) return { ...policy, validateStack: keepType(nothing, validateStack) };
    const { validateResource, remediateResource } = policy as ResourceValidationPolicy;
    return {
      ...policy,
      ...(validateResource ? { validateResource: Array.isArray(validateResource) ? validateResource.map((v) => keepType(nothing, v)) : keepType(nothing, validateResource) } : {}),
      ...(remediateResource ? { remediateResource: keepType(nothing, remediateResource) } : {}),
    };
  });
}
