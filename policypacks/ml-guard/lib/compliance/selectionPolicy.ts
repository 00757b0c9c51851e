import type { ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { describeSelection, isSelected, selectionSchema, type RuleSelection, type SelectableRule } from "./selection";

export const SELECTION_POLICY = "ml-guard-rule-selection";

/**
 * The rules the current run's selection turns off. Only a policy can read its own config (args.getConfig
 * is per policy), so this policy runs first in every Analyze and AnalyzeStack call and loads its selection
 * here for the gated rules, as ml-guard-waivers-valid does for waivers. Its own policy rather than a key
 * of the waivers policy: a selection is not a waiver, it has its own advisory finding, and disabling one
 * must not switch off the other.
 */
let deselected: ReadonlySet<string> = new Set();
export const isDeselected = (rule: string): boolean => deselected.has(rule);

/** FACT: reportViolation also takes { message, enforcementLevel }, whose level wins (@pulumi/policy 1.21.0 server.js). */
type ReportDiagnostic = (diagnostic: { message: string; enforcementLevel: "advisory" }) => void;

/** Loads the selection; reports, once per stack, which rules it turned off. */
export function selectionPolicy(rules: SelectableRule[]): ResourceValidationPolicy & StackValidationPolicy {
  const load = (args: { getConfig: <T extends object>() => T }): RuleSelection => {
    const selection = args.getConfig<RuleSelection>();
    deselected = new Set(rules.filter((rule) => !isSelected(rule, selection)).map((rule) => rule.name));
    return selection;
  };
  const report = (args: StackValidationArgs, reportViolation: ReportDiagnostic) => {
    const selection = load(args);
    if (deselected.size === 0) return;
    const off = rules.filter((rule) => deselected.has(rule.name)).map((rule) => rule.name);
    const scope = off.length === rules.length ? `every one of the ${rules.length} rules (no rule matches)` : `${off.length} of ${rules.length} rules`;
    // Advisory whatever the configured level: a selection is a reviewed choice, not a violation.
    reportViolation({ message: `The rule selection (${describeSelection(selection)}) turned off ${scope}; they report nothing in this run: ${off.join(", ")}`, enforcementLevel: "advisory" });
  };
  return {
    name: SELECTION_POLICY,
    description: "Selects the rules that run by framework, severity or control (policy config), and reports the rules a selection turns off.",
    enforcementLevel: "advisory",
    severity: "low",
    remediationSteps: "Review the rules a selection turns off; remove frameworks, severities and controls from the config of ml-guard-rule-selection to run every rule.",
    configSchema: { properties: selectionSchema },
    // Reports nothing per resource: it only loads the selection before the gated rules run.
    validateResource: (args) => void load(args),
    validateStack: (args, reportViolation) => report(args, reportViolation as unknown as ReportDiagnostic),
  };
}
