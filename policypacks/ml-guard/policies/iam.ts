import type { ResourceValidationPolicy } from "@pulumi/policy";
import { IAM, KMS, S3, isOneOf } from "../lib/aws";
import { reportFindings, unverified, violation, type Finding } from "../lib/findings";
import { hasIdentityCondition, isAdminGrant, isPublicAllow, statementsOf } from "../lib/iamPolicy";
import { asArray, asRecord, asString, parseJsonDocument, rawProps } from "../lib/values";

/** Resource policies (who may call) of the resources the platform creates, by field. */
const RESOURCE_POLICY_FIELDS: [readonly string[], string][] = [
  [["aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey", "aws:kms/externalKey:ExternalKey"], "policy"],
  [KMS.keyPolicy, "policy"],
  [S3.policy, "policy"],
  [S3.bucket, "policy"],
  [[IAM.role], "assumeRolePolicy"],
];

function documentFindings(value: unknown, path: string, check: (document: Record<string, unknown>) => Finding[]): Finding[] {
  const parsed = parseJsonDocument(value);
  if (parsed.unknown) return [unverified(path, "the policy document")];
  if (parsed.invalid) return [violation(path, "is not a valid JSON policy document")];
  return parsed.document ? check(parsed.document) : [];
}

const publicPrincipal: ResourceValidationPolicy = {
  name: "iam-policy-disallow-public-principal",
  description: "Key, bucket and trust policies must not allow Principal \"*\" (in any spelling) without a condition that pins the caller's account or organisation.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Name the principals, or add a StringEquals condition on aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceAccount or aws:SourceArn.",
  validateResource: (args, reportViolation) => {
    const field = RESOURCE_POLICY_FIELDS.find(([types]) => isOneOf(args.type, types))?.[1];
    if (!field) return;
    const props = rawProps(args.props);
    reportFindings(reportViolation, documentFindings(props[field], field, (document) =>
      statementsOf(document).filter((statement) => isPublicAllow(statement) && !hasIdentityCondition(statement)).map((statement) =>
        violation(`${field}.Statement[${statement.index}]`, `allows ${statement.hasNotPrincipal ? "everyone but the NotPrincipal" : "any AWS principal"} with no condition on the caller's account or organisation; name the principals or add one`))));
  },
};

const ADMIN_MANAGED_POLICIES = /^arn:aws[a-z-]*:iam::aws:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess)$/;

const wildcardAdmin: ResourceValidationPolicy = {
  name: "iam-policy-disallow-wildcard-admin",
  description: "IAM policies must not allow \"*\" actions (or NotAction) on \"*\" resources, nor attach AWS administrator policies.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "List the actions the role needs and scope Resource to the team's bucket prefixes and keys.",
  validateResource: (args, reportViolation) => {
    const props = rawProps(args.props);
    const adminStatements = (document: Record<string, unknown>, path: string) =>
      statementsOf(document).filter(isAdminGrant).map((statement) =>
        violation(`${path}.Statement[${statement.index}]`, `allows ${statement.hasNotAction ? "every action but the NotAction list" : "every action"} on every resource; grant only the actions and resources the workload needs`));
    let findings: Finding[] = [];
    if (isOneOf(args.type, IAM.identityPolicies)) {
      findings = documentFindings(props.policy, "policy", (document) => adminStatements(document, "policy"));
    } else if (args.type === IAM.role) {
      findings = asArray(props.inlinePolicies).flatMap((inline, index) =>
        documentFindings(asRecord(inline).policy, `inlinePolicies[${index}].policy`, (document) => adminStatements(document, `inlinePolicies[${index}].policy`)));
      findings.push(...asArray(props.managedPolicyArns).flatMap((arn, index) =>
        typeof arn === "string" && ADMIN_MANAGED_POLICIES.test(arn) ? [violation(`managedPolicyArns[${index}]`, `attaches ${arn}; attach a least-privilege policy instead`)] : []));
    } else if (isOneOf(args.type, IAM.attachments)) {
      const arn = props.policyArn;
      // An ARN unknown in preview is a policy of this stack (AWS-managed ARNs are constants); its own document is checked.
      if (typeof arn === "string" && ADMIN_MANAGED_POLICIES.test(arn)) findings = [violation("policyArn", `attaches ${asString(arn)}; attach a least-privilege policy instead`)];
    }
    reportFindings(reportViolation, findings);
  },
};

export const iamPolicies: ResourceValidationPolicy[] = [publicPrincipal, wildcardAdmin];
