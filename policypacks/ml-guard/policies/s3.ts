import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { KMS, S3, isAwsManagedS3Key, isOneOf } from "../lib/aws";
import { bridgedBoolean } from "../lib/bridgedValues";
import { bucketName, buckets, childrenOf } from "../lib/buckets";
import { reportFindings, unverified, violation, type Finding } from "../lib/findings";
import { statementsOf, type Statement } from "../lib/iamPolicy";
import { type StackResource } from "../lib/stack";
import { perSubjectStackRule } from "../lib/stackRule";
import { asArray, asRecord, isUnknown, parseJsonDocument, rawProps } from "../lib/values";

const KMS_ALGORITHMS = new Set(["aws:kms", "aws:kms:dsse"]);
const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

/** Findings for the rules of one SSE configuration, given where they sit. Unknown key ids are left to the stack rule. */
function encryptionRuleFindings(rules: unknown, path: string): Finding[] {
  if (isUnknown(rules)) return [unverified(path, "the encryption rules")];
  const list = asArray(rules);
  if (list.length === 0) return [violation(path, "no default encryption rule; add one with sseAlgorithm aws:kms and your KMS key")];
  return list.flatMap((rule, index) => {
    const rulePath = `${path}[${index}]`;
    const byDefault = asRecord(asRecord(rule).applyServerSideEncryptionByDefault);
    const algorithm = byDefault.sseAlgorithm;
    const keyId = byDefault.kmsMasterKeyId;
    if (isUnknown(algorithm)) return [unverified(`${rulePath}.applyServerSideEncryptionByDefault.sseAlgorithm`, "the SSE algorithm")];
    if (!KMS_ALGORITHMS.has(String(algorithm))) {
      return [violation(`${rulePath}.applyServerSideEncryptionByDefault.sseAlgorithm`, `objects are encrypted with ${JSON.stringify(algorithm ?? "nothing")} (S3-managed keys); use aws:kms with a customer-managed key`)];
    }
    const findings: Finding[] = [];
    if (keyId === undefined || keyId === null || keyId === "") {
      findings.push(violation(`${rulePath}.applyServerSideEncryptionByDefault.kmsMasterKeyId`, "no key given, so S3 uses the AWS-managed aws/s3 key, whose policy you cannot restrict; set kmsMasterKeyId to a customer-managed key"));
    } else if (typeof keyId === "string" && isAwsManagedS3Key(keyId)) {
      findings.push(violation(`${rulePath}.applyServerSideEncryptionByDefault.kmsMasterKeyId`, "uses the AWS-managed aws/s3 key; use a customer-managed key"));
    }
    const bucketKey = asRecord(rule).bucketKeyEnabled;
    // DSSE-KMS does not support bucket keys.
    if (algorithm === "aws:kms" && isUnknown(bucketKey)) findings.push(unverified(`${rulePath}.bucketKeyEnabled`, "bucketKeyEnabled"));
    else if (algorithm === "aws:kms" && bridgedBoolean(bucketKey) !== true) {
      findings.push(violation(`${rulePath}.bucketKeyEnabled`, "bucket keys are off, so every object costs a KMS call; set bucketKeyEnabled: true"));
    }
    return findings;
  });
}

const encryptionNotKms: ResourceValidationPolicy = {
  name: "s3-encryption-disallow-non-kms",
  description: "S3 default encryption must be SSE-KMS with a customer-managed key and bucket keys.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set rules[].applyServerSideEncryptionByDefault to {sseAlgorithm: \"aws:kms\", kmsMasterKeyId: <your key ARN>} and bucketKeyEnabled: true.",
  validateResource: (args, reportViolation) => {
    const props = rawProps(args.props);
    if (isOneOf(args.type, S3.encryption)) reportFindings(reportViolation, encryptionRuleFindings(props.rules, "rules"));
    else if (isOneOf(args.type, S3.bucket) && props.serverSideEncryptionConfiguration !== undefined) {
      reportFindings(reportViolation, encryptionRuleFindings(asRecord(props.serverSideEncryptionConfiguration).rules, "serverSideEncryptionConfiguration.rules"));
    }
  },
};

/** Whether an SSE configuration uses a customer-managed key, resolving an unknown key id through its dependencies. */
function keyVerdict(sse: StackResource, items: StackResource[]): "customer" | "aws-managed" | "unknown" {
  const rules = sse.props.rules;
  // Rules unknown as a whole: treated like an unknown key id (resolved through the dependencies below).
  const keyIds = isUnknown(rules) ? [rules] : asArray(rules).map((rule) => asRecord(asRecord(rule).applyServerSideEncryptionByDefault).kmsMasterKeyId);
  if (keyIds.length === 0 || keyIds.some((id) => id === undefined || id === null || id === "")) return "aws-managed";
  if (keyIds.every((id) => typeof id === "string" && !isUnknown(id))) return keyIds.some((id) => isAwsManagedS3Key(id as string)) ? "aws-managed" : "customer";
  // First preview: the key ARN is an output of a key created in this stack. The engine tells us so.
  const keysInStack = items.filter((item) => isOneOf(item.resource.type, KMS.key));
  const fromStackKey = (sse.resource.propertyDependencies.rules ?? []).some((dependency) => keysInStack.some((key) => key.resource.urn === dependency.urn));
  return fromStackKey ? "customer" : "unknown";
}

function bucketStackRule(
  name: string,
  description: string,
  remediationSteps: string,
  check: (bucket: StackResource, items: StackResource[], label: string) => Finding[],
): StackValidationPolicy {
  return perSubjectStackRule({ name, description, remediationSteps }, buckets, (bucket, items) =>
    check(bucket, items, `bucket ${bucketName(bucket) ?? bucket.resource.name}`));
}

const missingKmsEncryption = bucketStackRule(
  "s3-bucket-missing-kms-encryption",
  "Every S3 bucket must have default encryption with a customer-managed KMS key.",
  "Add an aws.s3.BucketServerSideEncryptionConfiguration for the bucket with sseAlgorithm aws:kms and a key created with aws.kms.Key.",
  (bucket, items, label) => {
    const configs = childrenOf(items, bucket, S3.encryption);
    if (configs.length === 0 && bucket.props.serverSideEncryptionConfiguration === undefined) {
      return [violation("serverSideEncryptionConfiguration", `${label} has no default encryption configuration; add one with SSE-KMS and a customer-managed key`)];
    }
    return configs.flatMap((sse) => {
      const verdict = keyVerdict(sse, items);
      if (verdict === "aws-managed") return [violation("rules", `${label} is encrypted with the AWS-managed key; use a customer-managed KMS key`)];
      if (verdict === "unknown") return [unverified("rules[].applyServerSideEncryptionByDefault.kmsMasterKeyId", `the KMS key of ${label}`)];
      return [];
    });
  },
);

const publicAccessBlockFlags: ResourceValidationPolicy = {
  name: "s3-public-access-block-disallow-disabled-flags",
  description: "All four S3 public access block flags must be on.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true (remediate level does it for you).",
  validateResource: (args, reportViolation) => {
    if (!isOneOf(args.type, [...S3.publicAccessBlock, ...S3.accountPublicAccessBlock])) return;
    const props = rawProps(args.props);
    reportFindings(reportViolation, PUBLIC_ACCESS_FLAGS.flatMap((flag) =>
      isUnknown(props[flag]) ? [unverified(flag, flag)] : bridgedBoolean(props[flag]) === true ? [] : [violation(flag, `${flag} is not true, so public access can be granted; set it to true`)]));
  },
  remediateResource: (args) => {
    if (!isOneOf(args.type, [...S3.publicAccessBlock, ...S3.accountPublicAccessBlock])) return;
    const props = rawProps(args.props);
    if (PUBLIC_ACCESS_FLAGS.every((flag) => props[flag] === true)) return;
    return { ...props, ...Object.fromEntries(PUBLIC_ACCESS_FLAGS.map((flag) => [flag, true])) };
  },
};

const missingPublicAccessBlock = bucketStackRule(
  "s3-bucket-missing-public-access-block",
  "Every S3 bucket must have a public access block with all four flags on (or the account must have one).",
  "Add an aws.s3.BucketPublicAccessBlock for the bucket with the four flags true.",
  (bucket, items, label) => {
    const fullyBlocked = (block: StackResource) => PUBLIC_ACCESS_FLAGS.every((flag) => bridgedBoolean(block.props[flag]) === true || isUnknown(block.props[flag]));
    const accountWide = items.some((item) => isOneOf(item.resource.type, S3.accountPublicAccessBlock) && fullyBlocked(item));
    return accountWide || childrenOf(items, bucket, S3.publicAccessBlock).some(fullyBlocked)
      ? []
      : [violation("publicAccessBlock", `${label} has no public access block with all four flags on; a later policy or ACL could make it public`)];
  },
);

const PUBLIC_ACLS = new Set(["public-read", "public-read-write", "authenticated-read", "aws-exec-read", "log-delivery-write"]);
const PUBLIC_GRANTEES = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)/;

const disallowAcls: ResourceValidationPolicy = {
  name: "s3-bucket-disallow-acls",
  description: "S3 ACLs must be disabled (BucketOwnerEnforced) and never grant public access.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Remove acl/grants and BucketAcl resources; set BucketOwnershipControls objectOwnership: BucketOwnerEnforced. Grant access with IAM or the bucket policy.",
  validateResource: (args, reportViolation) => {
    const props = rawProps(args.props);
    const findings: Finding[] = [];
    if (isOneOf(args.type, S3.bucket)) {
      if (isUnknown(props.acl)) findings.push(unverified("acl", "the canned ACL"));
      else if (typeof props.acl === "string" && props.acl !== "private") findings.push(violation("acl", `canned ACL ${props.acl} grants access outside the bucket owner; remove it`));
      if (isUnknown(props.grants)) findings.push(unverified("grants", "the ACL grants"));
      else if (asArray(props.grants).length > 0) findings.push(violation("grants", "ACL grants are set; remove them and use IAM or the bucket policy"));
    } else if (isOneOf(args.type, S3.acl)) {
      const acl = props.acl;
      const grants = asArray(asRecord(props.accessControlPolicy).grants);
      if (typeof acl === "string" && PUBLIC_ACLS.has(acl)) findings.push(violation("acl", `canned ACL ${acl} makes objects readable by others; remove the BucketAcl`));
      if (grants.some((grant) => PUBLIC_GRANTEES.test(JSON.stringify(grant)))) findings.push(violation("accessControlPolicy.grants", "a grant to AllUsers or AuthenticatedUsers makes the bucket public; remove it"));
      if (findings.length === 0) findings.push(violation("acl", "ACLs must stay disabled (BucketOwnerEnforced); remove the BucketAcl and grant access through IAM"));
    } else if (isOneOf(args.type, S3.ownership)) {
      const ownership = asRecord(props.rule).objectOwnership;
      if (isUnknown(ownership)) findings.push(unverified("rule.objectOwnership", "object ownership"));
      else if (ownership !== "BucketOwnerEnforced") findings.push(violation("rule.objectOwnership", `${JSON.stringify(ownership)} keeps ACLs active; set objectOwnership: BucketOwnerEnforced`));
    }
    reportFindings(reportViolation, findings);
  },
};

const missingVersioning = bucketStackRule(
  "s3-bucket-missing-versioning",
  "Every S3 bucket must have versioning enabled, so overwritten or deleted datasets and models can be recovered.",
  "Add an aws.s3.BucketVersioning with versioningConfiguration.status Enabled.",
  (bucket, items, label) => {
    const statuses = childrenOf(items, bucket, S3.versioning).map((child) => asRecord(child.props.versioningConfiguration).status);
    if (statuses.some(isUnknown)) return [unverified("versioningConfiguration.status", `versioning of ${label}`)];
    const inlineEnabled = asRecord(bucket.props.versioning).enabled;
    if (statuses.includes("Enabled") || bridgedBoolean(inlineEnabled) === true) return [];
    if (isUnknown(inlineEnabled)) return [unverified("versioning.enabled", `versioning of ${label}`)];
    return [violation("versioning", `${label} is not versioned${statuses.length ? ` (status ${statuses.map(String).join(", ")})` : ""}; enable versioning`)];
  },
);

/**
 * Whether a Resource entry covers every object of the bucket: "*", or an S3 ARN whose part before a
 * trailing "*" matches a prefix of "<bucket>/" (any bucket's, while the name is not known yet).
 */
function coversObjects(resource: string, bucket: string | undefined): boolean {
  if (resource === "*") return true;
  const match = /^arn:aws[a-z-]*:s3:::(.*)\*$/.exec(resource);
  if (!match) return false;
  if (bucket === undefined) return /^[^/]*\/?$/.test(match[1]);
  const stem = match[1].replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${stem}`).test(`${bucket}/`);
}

/** A Deny for everyone of every S3 action on the bucket's objects when aws:SecureTransport is false. */
function deniesInsecureTransport(statement: Statement, bucket: string | undefined): boolean {
  const secureTransport = Object.entries(statement.condition)
    // aws:SecureTransport is always in the request context, so BoolIfExists works the same as Bool.
    .filter(([operator]) => ["bool", "boolifexists"].includes(operator.toLowerCase()))
    .flatMap(([, keys]) => Object.entries(keys).filter(([key]) => key.toLowerCase() === "aws:securetransport").map(([, value]) => value));
  return statement.effect === "Deny" &&
    statement.principals.includes("*") &&
    statement.actions.some((action) => action === "*" || action === "s3:*") &&
    statement.resources.some((resource) => coversObjects(resource, bucket)) &&
    secureTransport.flat().some((value) => String(value).toLowerCase() === "false");
}

const missingTlsPolicy = bucketStackRule(
  "s3-bucket-missing-tls-policy",
  "Every S3 bucket must have a bucket policy that denies requests not made over TLS.",
  "Add a Deny statement for Principal \"*\", Action s3:*, the bucket and its objects, with Condition Bool aws:SecureTransport \"false\".",
  (bucket, items, label) => {
    // An absent inline policy parses to no document.
    const documents = [...childrenOf(items, bucket, S3.policy).map((policy) => policy.props.policy), bucket.props.policy];
    const parsed = documents.map(parseJsonDocument);
    if (parsed.some((result) => result.unknown)) return [unverified("policy", `the bucket policy of ${label}`)];
    const covered = parsed.some((result) => result.document && statementsOf(result.document).some((statement) => deniesInsecureTransport(statement, bucketName(bucket))));
    return covered ? [] : [violation("policy", `${label} has no bucket policy denying aws:SecureTransport=false; plain-HTTP requests would be served`)];
  },
);

const missingAccessLogging = bucketStackRule(
  "s3-bucket-missing-access-logging",
  "Every S3 bucket must send server access logs to a log bucket (log buckets themselves excepted).",
  "Add an aws.s3.BucketLogging with targetBucket set to the environment's access-log bucket.",
  (bucket, items, label) => {
    const isLogTarget = childrenOf(items, bucket, S3.logging, "targetBucket").length > 0;
    const logs = childrenOf(items, bucket, S3.logging).length > 0 || asRecord(bucket.props.logging).targetBucket !== undefined;
    return isLogTarget || logs ? [] : [violation("logging", `${label} has no access logging; reads of datasets and models would leave no trace`)];
  },
);

export const s3Policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  encryptionNotKms, missingKmsEncryption, publicAccessBlockFlags, missingPublicAccessBlock, disallowAcls, missingVersioning, missingTlsPolicy, missingAccessLogging,
];

