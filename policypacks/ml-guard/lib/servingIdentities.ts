import { conditionValues, coversAction, grantStatementsOf, matchesSomeWithPrefix, valueMatches, type GrantStatement } from "./iamGrants";
import { isKind } from "./kubernetes";
import { refersTo } from "./references";
import { DEFAULT_SERVING_SERVICE_ACCOUNT, SERVING_ROLE_LABEL } from "./servingWorkloads";
import { namespaceName, objectName, ofTypes, selection, type StackResource } from "./stack";
import { asArray, asRecord, asString, isUnknown, parseJsonDocument } from "./values";

/**
 * Which IAM roles of the stack serving pods run as, and every permission document such a role holds.
 * A serving service account is one named `serving` or labelled mlops.io/role=serving; a role serves
 * it through IRSA (its trust policy admits the account's token, or the account is annotated with the
 * role) or through an EKS Pod Identity association.
 */

const SERVING = DEFAULT_SERVING_SERVICE_ACCOUNT;
const IRSA_ANNOTATION = "eks.amazonaws.com/role-arn";
const POD_IDENTITY_ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation";
/** Service account subjects in web-identity tokens: `system:serviceaccount:<namespace>:<name>`. */
const SUBJECT_PREFIX = "system:serviceaccount:";
/** Condition operators that admit only the listed values (negations admit everyone else). */
const ADMITTING_OPERATORS = /^(forallvalues:|foranyvalue:)?(stringequals|stringequalsignorecase|stringlike)$/;

const isServiceAccount = (item: StackResource) => isKind(item.resource.type, "", "ServiceAccount");

const isServingServiceAccount = (item: StackResource) =>
  isServiceAccount(item) && (objectName(item) === SERVING || asRecord(asRecord(item.props.metadata).labels)[SERVING_ROLE_LABEL] === SERVING);

export const servingServiceAccounts = selection(isServingServiceAccount);
const podIdentityAssociations = ofTypes(POD_IDENTITY_ASSOCIATION);
const managedPolicies = ofTypes("aws:iam/policy:Policy");
const rolePolicies = ofTypes("aws:iam/rolePolicy:RolePolicy");

/** Why `role` is a serving identity; `unknown` names what hides the answer until apply. */
export interface ServingEvidence {
  why?: string;
  unknown?: string;
}

const reversed = (text: string) => [...text.replace(/\$\{[^}]*\}/g, "*")].reverse().join("");

/** Whether a condition value on `:sub` admits a serving account's token. */
function admitsServing(operator: string, value: string, servingSubjects: string[]): boolean {
  const like = operator.toLowerCase().endsWith("stringlike");
  const fold = (text: string) => (operator.toLowerCase().endsWith("ignorecase") ? text.toLowerCase() : text);
  const pattern = fold(value);
  // `...:serving` in any namespace, or the subject of a serving-labelled account of this stack.
  const endsInServing = like ? matchesSomeWithPrefix(reversed(pattern), reversed(`:${SERVING}`)) : pattern.startsWith(SUBJECT_PREFIX) && pattern.endsWith(`:${SERVING}`);
  return endsInServing || servingSubjects.some((subject) => (like ? valueMatches(pattern, subject) : pattern === fold(subject)));
}

function trustEvidence(statement: GrantStatement, servingSubjects: string[]): ServingEvidence {
  const where = `its trust policy's Statement[${statement.index}]`;
  if (statement.principals.some((principal) => principal === "pods.eks.amazonaws.com")) {
    const tags = conditionValues(statement, (key) => key === "aws:requesttag/kubernetes-service-account");
    if (tags.some(({ values }) => values.some(isUnknown))) return { unknown: `${where}'s service account condition` };
    return tags.some(({ values }) => values.some((value) => asString(value) === SERVING)) ? { why: `${where} lets EKS Pod Identity give it to serving service accounts` } : {};
  }
  if (!coversAction(statement, "sts:AssumeRoleWithWebIdentity") || !statement.principals.some((principal) => principal.includes(":oidc-provider/"))) return {};
  const subjects = conditionValues(statement, (key) => key.endsWith(":sub")).filter(({ operator }) => ADMITTING_OPERATORS.test(operator.toLowerCase()));
  if (subjects.length === 0) return { why: `${where} admits every service account of the cluster (no :sub condition)` };
  if (subjects.some(({ values }) => values.some(isUnknown))) return { unknown: `${where}'s :sub condition` };
  return subjects.some(({ operator, values }) => values.some((value) => admitsServing(operator, String(value), servingSubjects)))
    ? { why: `${where} admits serving service account tokens` }
    : {};
}

export function servingEvidence(role: StackResource, items: StackResource[]): ServingEvidence {
  const servingAccounts = servingServiceAccounts(items);
  const annotated = servingAccounts.find((account) => {
    const annotation = asRecord(asRecord(account.props.metadata).annotations)[IRSA_ANNOTATION];
    return annotation !== undefined && refersTo(account, "metadata", annotation, role, [role.props.arn]);
  });
  if (annotated) return { why: `service account ${namespaceName(annotated) ?? "default"}/${objectName(annotated)} is annotated with it (IRSA)` };
  const associated = podIdentityAssociations(items).find((item) =>
    (item.props.serviceAccount === SERVING || servingAccounts.some((account) => objectName(account) === item.props.serviceAccount && namespaceName(account) === item.props.namespace)) &&
    refersTo(item, "roleArn", item.props.roleArn, role, [role.props.arn]));
  if (associated) return { why: `EKS Pod Identity association ${associated.resource.name} gives it to ${String(associated.props.namespace)}/${String(associated.props.serviceAccount)}` };
  const trust = parseJsonDocument(role.props.assumeRolePolicy);
  if (trust.unknown) return { unknown: "its trust policy" };
  const servingSubjects = servingAccounts.map((account) => `${SUBJECT_PREFIX}${namespaceName(account) ?? "default"}:${objectName(account)}`);
  const evidence = (trust.document ? grantStatementsOf(trust.document) : []).filter((statement) => statement.effect === "Allow").map((statement) => trustEvidence(statement, servingSubjects));
  return evidence.find((item) => item.why) ?? evidence.find((item) => item.unknown) ?? {};
}

/** A permission document a role holds, with where it is written (for findings). */
export interface PermissionDocument {
  holder: StackResource;
  /** Field path of the document in its holder, e.g. `inlinePolicies[0].policy`. */
  path: string;
  document?: Record<string, unknown>;
  /** The document is unknown until apply. */
  unknown: boolean;
  /** The AWS-managed policy the document stands for (its statements are not the holder's to point at). */
  managed?: string;
}

/**
 * What the AWS-managed policies that write to every bucket allow on S3 (AWS managed policy
 * reference: AdministratorAccess and PowerUserAccess allow `*` / all but IAM and Organizations,
 * AmazonS3FullAccess allows `s3:*`, each on every resource).
 */
const MANAGED_S3_WRITERS: Record<string, Record<string, unknown>> = {
  AdministratorAccess: { Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
  PowerUserAccess: { Statement: [{ Effect: "Allow", NotAction: ["iam:*", "organizations:*", "account:*"], Resource: "*" }] },
  AmazonS3FullAccess: { Statement: [{ Effect: "Allow", Action: ["s3:*", "s3-object-lambda:*"], Resource: "*" }] },
};

function documentAt(holder: StackResource, path: string, value: unknown): PermissionDocument[] {
  const parsed = parseJsonDocument(value);
  // An invalid document cannot be applied; iam-policy rules report it.
  return parsed.unknown || parsed.document ? [{ holder, path, document: parsed.document, unknown: parsed.unknown }] : [];
}

function managedDocument(holder: StackResource, path: string, arn: unknown): PermissionDocument[] {
  const name = /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/.exec(asString(arn) ?? "")?.[1];
  const document = name === undefined ? undefined : MANAGED_S3_WRITERS[name];
  return document && name ? [{ holder, path, document, unknown: false, managed: name }] : [];
}

/** The documents of a policy ARN an attachment names: a policy of this stack, or a known AWS-managed one. */
function attachedDocuments(items: StackResource[], attachment: StackResource): PermissionDocument[] {
  const policy = managedPolicies(items).find((item) => refersTo(attachment, "policyArn", attachment.props.policyArn, item, [item.props.arn]));
  return policy ? documentAt(policy, "policy", policy.props.policy) : managedDocument(attachment, "policyArn", attachment.props.policyArn);
}

const roleAttachments = ofTypes("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/policyAttachment:PolicyAttachment");

export function permissionDocumentsOf(role: StackResource, items: StackResource[]): PermissionDocument[] {
  const roleNames = [role.props.name, role.props.id];
  const attachedTo = (item: StackResource) =>
    item.resource.type === "aws:iam/policyAttachment:PolicyAttachment"
      ? asArray(item.props.roles).some((value) => refersTo(item, "roles", value, role, roleNames))
      : refersTo(item, "role", item.props.role, role, roleNames);
  return [
    ...asArray(role.props.inlinePolicies).flatMap((inline, index) => documentAt(role, `inlinePolicies[${index}].policy`, asRecord(inline).policy)),
    ...asArray(role.props.managedPolicyArns).flatMap((arn, index) => managedDocument(role, `managedPolicyArns[${index}]`, arn)),
    ...rolePolicies(items).filter(attachedTo).flatMap((item) => documentAt(item, "policy", item.props.policy)),
    ...roleAttachments(items).filter(attachedTo).flatMap((item) => attachedDocuments(items, item)),
  ];
}
