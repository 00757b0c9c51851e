import type { ResourceValidationPolicy } from "@pulumi/policy";
import { reportFindings, unverified, violation } from "../lib/findings";
import { parseKubernetesType } from "../lib/kubernetes";
import { asRecord, asString, isUnknown, rawProps } from "../lib/values";

/** Stack tag naming the team a stack belongs to (`pulumi stack tag set mlops.io/team vision`). */
export const TEAM_STACK_TAG = "mlops.io/team";

interface TeamStackConfig {
  team?: string;
}

/**
 * In a team's own stack, every Kubernetes object must live in the team's namespace: nothing
 * cluster-wide (ClusterRoleBindings, CRDs, webhooks, namespaces) and nothing in another team's
 * namespace. Applies when the stack is tagged with its team or the policy config names it.
 */
const foreignNamespaces: ResourceValidationPolicy = {
  name: "team-stack-disallow-foreign-namespaces",
  description: "A team stack may create Kubernetes objects only in its own team's namespace (nothing cluster-wide).",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Create the object in the team's namespace; ask the platform team for anything cluster-wide.",
  configSchema: { properties: { team: { type: "string", description: `The stack's team; default: the stack tag ${TEAM_STACK_TAG}.` } } },
  validateResource: (args, reportViolation) => {
    const team = args.getConfig<TeamStackConfig>().team ?? args.stackTags.get(TEAM_STACK_TAG);
    const type = parseKubernetesType(args.type);
    if (!team || !type) return;
    const props = rawProps(args.props);
    // Helm releases name their namespace at the top level; objects in their metadata.
    const namespace = type.kind === "Release" ? props.namespace : asRecord(props.metadata).namespace;
    if (isUnknown(namespace)) return reportFindings(reportViolation, [unverified("metadata.namespace", "the namespace")]);
    const name = asString(namespace);
    if (name === team) return;
    reportFindings(reportViolation, [violation("metadata.namespace", name === undefined
      ? `${type.kind} is cluster-scoped or has no namespace; team ${team}'s stack may only create objects in namespace ${team}`
      : `${type.kind} goes to namespace ${name}; team ${team}'s stack may only create objects in namespace ${team}`)]);
  },
};

export const teamStackPolicies: ResourceValidationPolicy[] = [foreignNamespaces];
