import type { Policies } from "@pulumi/policy";
import { controlsOf } from "./ruleControls";

/**
 * Tags every policy with the controls it implements. FACT: a policy's tags are published in
 * GetAnalyzerInfo (PolicyInfo.tags, makeAnalyzerInfo in @pulumi/policy 1.21.0 protoutil.js), so the
 * engine, Pulumi Cloud and plan/check (SARIF) all see them.
 */
export const withCompliance = (policies: Policies): Policies =>
  policies.map((policy) => ({ ...policy, tags: [...controlsOf(policy.name)] }));
