import type { Policies } from "@pulumi/policy";
import { keepType, mapEntryPoints } from "../../../../policypacks/ml-guard/lib/policyEntryPoints";

const nothing = () => undefined;

/**
 * The same policies (names, levels, kinds, how many validations, the types the SDK's fast skip reads)
 * with every validation and remediation doing nothing: what the policy host spends on a pack of this
 * shape before any rule runs.
 */
export const hollowPolicies = (policies: Policies): Policies => policies.map((policy) => mapEntryPoints(policy, {
  validation: (validation) => keepType(nothing, validation),
  remediation: (remediation) => keepType(nothing, remediation),
  stack: (validation) => keepType(nothing, validation),
}));
