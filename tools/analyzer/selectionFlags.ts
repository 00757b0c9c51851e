import { SELECTION_POLICY } from "../../policypacks/ml-guard/lib/compliance/selectionPolicy";
import { FRAMEWORK_IDS } from "../../policypacks/ml-guard/lib/compliance/vocabulary";
import type { PolicyPackConfig } from "./policyConfig";

/** `--framework`, `--severity` and `--control` of plan and check; each value may also be a comma-separated list. */
export interface SelectionFlags {
  framework?: string[];
  severity?: string[];
  control?: string[];
}

/** The flags' help, the same in plan and check. */
export const SELECTION_FLAG_HELP = {
  framework: `run only rules mapped to one of these frameworks (${FRAMEWORK_IDS.join(", ")})`,
  severity: "run only rules of one of these severities (low, medium, high, critical)",
  control: "run only rules implementing one of these controls (e.g. cis-k8s:5.1.6, nist-800-53:SC-28)",
};

const CRITERIA = { framework: "frameworks", severity: "severities", control: "controls" } as const;

/**
 * The policy config with the flags merged into the selection policy's entry: a flag replaces that
 * criterion of the config file, other keys of the entry stay. The pack validates the result against the
 * selection policy's schema, exactly as it validates a --policy-pack-config file.
 */
export function withSelectionFlags(config: PolicyPackConfig | undefined, flags: SelectionFlags): PolicyPackConfig | undefined {
  const given = (Object.keys(CRITERIA) as (keyof SelectionFlags)[]).filter((flag) => flags[flag] !== undefined);
  if (given.length === 0) return config;
  const current = config?.[SELECTION_POLICY];
  const entry = typeof current === "string" ? { enforcementLevel: current } : { ...current };
  for (const flag of given) entry[CRITERIA[flag]] = flags[flag]!.flatMap((value) => value.split(",")).map((value) => value.trim()).filter(Boolean);
  return { ...config, [SELECTION_POLICY]: entry };
}
