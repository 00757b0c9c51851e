import type { Policies, ResourceValidation, ResourceValidationPolicy, StackValidation, StackValidationPolicy } from "@pulumi/policy";
import { keepType, mapEntryPoints, type Remediation } from "../policyEntryPoints";
import { controlsOf } from "./ruleControls";
import { isDeselected, selectionPolicy, SELECTION_POLICY } from "./selectionPolicy";

type PackPolicy = Policies[number];

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
const gated = (policy: PackPolicy): PackPolicy => mapEntryPoints(policy, {
  validation: (validation) => gateResource(policy.name, validation),
  remediation: (remediation) => gateRemediation(policy.name, remediation),
  stack: (validation) => gateStack(policy.name, validation),
});

/** The rules, each gated by the selection, and the policy that loads the selection (it must run first). */
export function withRuleSelection(rules: Policies): { carrier: ResourceValidationPolicy & StackValidationPolicy; rules: Policies } {
  const carrier = selectionPolicy(rules.map((rule) => ({ name: rule.name, severity: rule.severity, controls: controlsOf(rule.name) })));
  return { carrier, rules: rules.map(gated) };
}
