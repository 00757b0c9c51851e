import type * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import { enforcementLevelName, type EnforcementLevel } from "./policyConfig";

/** A rule's metadata as the pack publishes it in GetAnalyzerInfo. */
export interface RuleInfo {
  name: string;
  description: string;
  remediationSteps: string;
  enforcementLevel: EnforcementLevel;
  severity: "unspecified" | "low" | "medium" | "high" | "critical";
  /** The compliance controls the rule implements (ml-guard sets a policy's tags to them). */
  tags: string[];
}

/** In the order of the protocol's PolicySeverity enum (UNSPECIFIED = 0, LOW, MEDIUM, HIGH, CRITICAL). */
const SEVERITIES: RuleInfo["severity"][] = ["unspecified", "low", "medium", "high", "critical"];

export const describeRules = (info: pb.AnalyzerInfo): RuleInfo[] =>
  info.getPoliciesList().map((policy) => ({
    name: policy.getName(),
    description: policy.getDescription(),
    remediationSteps: policy.getRemediationSteps(),
    enforcementLevel: enforcementLevelName(policy.getEnforcementlevel()),
    severity: SEVERITIES[policy.getSeverity()] ?? "unspecified",
    tags: policy.getTagsList(),
  }));
