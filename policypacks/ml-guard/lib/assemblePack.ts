import type { Policies } from "@pulumi/policy";
import { withCompliance } from "./compliance/withCompliance";
import { withRuleSelection } from "./compliance/withRuleSelection";
import { withWaivers } from "./withWaivers";

/**
 * The pack's policies in the order they run: the selection policy and the waivers policy first (each
 * loads its config for the rules after it, and neither can be deselected or waived), then every rule,
 * gated by the selection and wrapped by the waivers; each tagged with its controls.
 */
export function assemblePack(rules: Policies): Policies {
  const selection = withRuleSelection(rules);
  return withCompliance([selection.carrier, ...withWaivers(selection.rules)]);
}
