import type { StackValidationPolicy } from "@pulumi/policy";
import { reportFindings, type Finding } from "./findings";
import { withRawProps, type StackResource } from "./stack";

/** The findings of one resource of the stack, reported at its URN. */
export interface ResourceFindings {
  urn: string;
  findings: Finding[];
}

type RuleMetadata = Pick<StackValidationPolicy, "name" | "description" | "enforcementLevel" | "severity" | "remediationSteps" | "configSchema">;

/**
 * A stack rule whose findings belong to different resources (a role, the policy that grants, the
 * workload that reads), each reported at its own URN; `collect` may be asynchronous (HCL parsing).
 */
export function resourceFindingsRule<Config extends object>(
  metadata: RuleMetadata,
  collect: (items: StackResource[], config: Config) => ResourceFindings[] | Promise<ResourceFindings[]>,
): StackValidationPolicy {
  return {
    ...metadata,
    validateStack: async (args, reportViolation) => {
      for (const { urn, findings } of await collect(withRawProps(args.resources), args.getConfig<Config>())) reportFindings(reportViolation, findings, urn);
    },
  };
}

/**
 * A finding reported at advisory level whatever the rule's own level: something this stack cannot
 * settle (a resource outside it) or a weakness that is not a failure. reportFindings downgrades it.
 */
export const advisoryFinding = (path: string, message: string): Finding => ({ path, message, unverified: true });
