import type { ModelApproval } from "@secure-ml-platform/components";
import type { ApprovalConfig, ApproverConfig } from "../config/approvals";

/**
 * The stack's approvals as the endpoints and the stack outputs carry them: each with the teams of its
 * approver, taken from the approvers list (one place to audit who belongs where), not from the entry.
 */
export function stackApprovals(approvals: ApprovalConfig[], approvers: ApproverConfig[]): ModelApproval[] {
  const teamsOf = new Map(approvers.map((approver) => [approver.identity, approver.teams]));
  return approvals.map((approval) => {
    const approverTeams = teamsOf.get(approval.approver);
    // The config schema refuses an approval whose approver is not listed; never default to "no team".
    if (!approverTeams) throw new Error(`approval ${approval.id}: approver ${approval.approver} is not among the approvers`);
    return { ...approval, approverTeams };
  });
}
