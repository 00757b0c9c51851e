import type { StackValidationArgs, StackValidationPolicy, ResourceValidationPolicy, ReportViolation } from "@pulumi/policy";
import { describeWaiver, expiryProblem, isExpired, waiverCovers, waiverListSchema, type WaivableResource, type Waiver } from "./waivers";

export const WAIVERS_POLICY = "ml-guard-waivers-valid";

/**
 * The waivers of the current run. Only this policy can read its config (args.getConfig is per policy),
 * so it runs first in every Analyze and AnalyzeStack call and hands its list to the wrapped rules.
 */
let active: Waiver[] = [];
export const activeWaivers = (): Waiver[] => active;

function load(args: { getConfig: <T extends object>() => T }): void {
  active = args.getConfig<{ waivers?: Waiver[] }>().waivers ?? [];
}

/** The namespace of a Kubernetes object, when known (a preview may not know it yet). */
export function namespaceOf(props: unknown): string | undefined {
  try {
    const namespace = (props as { metadata?: { namespace?: unknown } } | undefined)?.metadata?.namespace;
    return typeof namespace === "string" ? namespace : undefined;
  } catch {
    return undefined; // an unknown value during preview: patterns on namespace then do not match
  }
}

export const stackResources = (args: StackValidationArgs): WaivableResource[] =>
  args.resources.map((resource) => ({ urn: resource.urn, type: resource.type, name: resource.name, namespace: namespaceOf(resource.props) }));

type ReportDiagnostic = (diagnostic: { message: string; enforcementLevel: "advisory" }) => void;

function validateWaivers(args: StackValidationArgs, reportViolation: ReportViolation): void {
  load(args);
  const resources = stackResources(args);
  active.forEach((waiver, index) => {
    const which = `waiver #${index + 1} (${describeWaiver(waiver)})`;
    const problem = expiryProblem(waiver);
    if (problem) return reportViolation(`${which}: ${problem}`);
    if (isExpired(waiver)) {
      return reportViolation(`${which} expired on ${waiver.expires} and no longer applies: fix the finding, or renew the waiver with a new date in a reviewed change`);
    }
    if (!resources.some((resource) => waiverCovers(waiver, resource))) {
      // Stale is housekeeping, not a risk: advisory even though expired waivers block.
      (reportViolation as unknown as ReportDiagnostic)({ message: `${which} is stale: it matches no resource of this stack; delete it`, enforcementLevel: "advisory" });
    }
  });
}

/** Reports expired (mandatory) and stale (advisory) waivers; carries the waiver list in its config. */
export function waiversPolicy(ruleNames: string[]): ResourceValidationPolicy & StackValidationPolicy {
  return {
    name: WAIVERS_POLICY,
    description: "Waivers in the policy config are valid: not expired, real calendar dates, and each matches a resource of the stack.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Renew an expired waiver with a new date in a reviewed change, or fix the finding and delete the waiver; delete stale waivers.",
    configSchema: { properties: { waivers: waiverListSchema(ruleNames) as never } },
    // Reports nothing per resource: it only loads the waivers before the wrapped rules run.
    validateResource: (args) => load(args),
    validateStack: validateWaivers,
  };
}
