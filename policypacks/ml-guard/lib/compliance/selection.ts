import type { Severity } from "@pulumi/policy";
import { CONTROL_IDS, FRAMEWORK_IDS, frameworkOf, type ControlId, type FrameworkId } from "./vocabulary";

/** Which rules run: the policy config of the selection policy. */
export interface RuleSelection {
  frameworks?: FrameworkId[];
  severities?: Severity[];
  controls?: ControlId[];
}

/** What selection needs to know of a rule. */
export interface SelectableRule {
  name: string;
  severity?: Severity;
  controls: readonly ControlId[];
}

const SEVERITIES: Severity[] = ["low", "medium", "high", "critical"];

/** Enums, so the engine (and plan/check, which validate as it does) refuses a misspelt name before any rule runs. */
export const selectionSchema = {
  frameworks: { type: "array", items: { enum: FRAMEWORK_IDS }, description: "Run only rules mapped to one of these frameworks." },
  severities: { type: "array", items: { enum: SEVERITIES }, description: "Run only rules of one of these severities." },
  controls: { type: "array", items: { enum: CONTROL_IDS }, description: "Run only rules that implement one of these controls." },
} as const;

/**
 * Whether a rule runs, as pulumi/compliance-policies' PolicyManager.selectPolicies decides (policy-manager
 * 0.1.6, index.ts): OR within one criterion, AND across criteria, an absent or empty criterion does not
 * filter. One difference: no criterion at all selects every rule here (selectPolicies returns none), so a
 * pack without selection config runs in full.
 */
export function isSelected(rule: SelectableRule, selection: RuleSelection): boolean {
  const { frameworks = [], severities = [], controls = [] } = selection;
  if (frameworks.length > 0 && !rule.controls.some((control) => frameworks.includes(frameworkOf(control)))) return false;
  if (severities.length > 0 && !severities.some((severity) => severity === rule.severity)) return false;
  if (controls.length > 0 && !rule.controls.some((control) => controls.includes(control))) return false;
  return true;
}

/** The criteria in words, e.g. `frameworks cis-k8s, soc2; severities critical`. */
export function describeSelection(selection: RuleSelection): string {
  const parts = (["frameworks", "severities", "controls"] as const)
    .filter((key) => (selection[key]?.length ?? 0) > 0)
    .map((key) => `${key} ${selection[key]!.join(", ")}`);
  return parts.join("; ");
}
