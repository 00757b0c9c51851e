import type { Policies, ResourceValidation, ResourceValidationPolicy, StackValidation, StackValidationPolicy } from "@pulumi/policy";
import { keepType } from "../withWaivers";
import { controlsOf } from "./ruleControls";
import { isDeselected, selectionPolicy, SELECTION_POLICY } from "./selectionPolicy";

type PackPolicy = Policies[number];
type Remediation = NonNullable<ResourceValidationPolicy["remediateResource"]>;

/**
 * FACT: a validation that calls args.notApplicable(reason) is reported in the response's notApplicable
 * list, not as a diagnostic (NotApplicableError in @pulumi/policy 1.21.0 server.js, in Analyze,
 * AnalyzeStack and Remediate alike): a deselected rule reports nothing and says why.
 */
const REASON = `deselected by the ${SELECTION_POLICY} policy config`;

const gateResource = (name: string, validation: ResourceValidation): ResourceValidation =>
  keepType<ResourceValidation>((args, report) => (isDeselected(name) ? args.notApplicable(REASON) : validation(args, report)), validation);

const gateRemediation = (name: string, remediation: Remediation): Remediation =>
  keepType<Remediation>((args) => (isDeselected(name) ? args.notApplicable(REASON) : remediation(args)), remediation);

const gateStack = (name: string, validation: StackValidation): StackValidation =>
  (args, report) => (isDeselected(name) ? args.notApplicable(REASON) : validation(args, report));

/** The policy with every entry point gated: validations, stack validation and remediation. */
function gated(policy: PackPolicy): PackPolicy {
  const { validateResource, remediateResource, validateStack } = policy as Partial<ResourceValidationPolicy & StackValidationPolicy>;
  const { name } = policy;
  return {
    ...policy,
    ...(validateResource ? { validateResource: Array.isArray(validateResource) ? validateResource.map((v) => gateResource(name, v)) : gateResource(name, validateResource) } : {}),
    ...(remediateResource ? { remediateResource: gateRemediation(name, remediateResource) } : {}),
    ...(validateStack ? { validateStack: gateStack(name, validateStack) } : {}),
  };
}

/** The rules, each gated by the selection, and the policy that loads the selection (it must run first). */
export function withRuleSelection(rules: Policies): { carrier: ResourceValidationPolicy & StackValidationPolicy; rules: Policies } {
  const carrier = selectionPolicy(rules.map((rule) => ({ name: rule.name, severity: rule.severity, controls: controlsOf(rule.name) })));
  return { carrier, rules: rules.map(gated) };
}
