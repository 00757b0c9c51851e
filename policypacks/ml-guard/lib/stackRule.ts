import type { StackValidationPolicy } from "@pulumi/policy";
import { reportFindings, type Finding } from "./findings";
import { withRawProps, type StackResource } from "./stack";

type RuleMetadata = Pick<StackValidationPolicy, "name" | "description" | "remediationSteps" | "configSchema">;

/**
 * A mandatory stack rule that checks each subject the stack holds (each bucket, each team namespace)
 * against the rest of the stack, and reports every finding at its subject's URN.
 */
export function perSubjectStackRule<Config extends object>(
  metadata: RuleMetadata,
  subjects: (items: StackResource[], config: Config) => StackResource[],
  find: (subject: StackResource, items: StackResource[]) => Finding[],
): StackValidationPolicy {
  return {
    ...metadata,
    enforcementLevel: "mandatory",
    severity: "high",
    validateStack: (args, reportViolation) => {
      const items = withRawProps(args.resources);
      for (const subject of subjects(items, args.getConfig<Config>())) {
        reportFindings(reportViolation, find(subject, items), subject.resource.urn);
      }
    },
  };
}
