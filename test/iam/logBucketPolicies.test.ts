/**
 * The log buckets' policies (the audit trail's bucket, the access-log bucket), judged by their effect:
 * only the log delivery a bucket names may add objects, and nobody deletes from the audit bucket.
 */
import { installRecordingMocks } from "../support/pulumiMocks";

const created = installRecordingMocks();

import { decide, ANONYMOUS, type Decision, type IamRequest } from "../support/iamSimulator";
import { ACCOUNT, ADMINISTRATOR_ACCESS, NO_ENCRYPTION_HEADER, OTHER_ACCOUNT, OVER_PLAIN_HTTP, REGION, ROOT_USER, ROOT_USER_POLICIES, overTls, sessionOf, sseKms } from "../support/iamRequests";
import { bucketPolicy } from "../../components/storage/policyDocuments";
import { platformStorage, s3Request, type Caller, type PlatformStorage, type StoredBucket } from "../support/iamStorage";

const storage = platformStorage(created);
const tls12 = overTls("1.2");
const admin: Caller = { principal: sessionOf("platform-admin"), identityPolicies: [ADMINISTRATOR_ACCESS] };
const foreignAdmin: Caller = { principal: sessionOf("admin", OTHER_ACCOUNT), identityPolicies: [ADMINISTRATOR_ACCESS] };
const root: Caller = { principal: ROOT_USER, identityPolicies: ROOT_USER_POLICIES };
const anonymous: Caller = { principal: ANONYMOUS, identityPolicies: [] };
// Service principals have no identity policies: a resource policy alone grants them.
const cloudTrail: Caller = { principal: "cloudtrail.amazonaws.com", identityPolicies: [] };
const s3LogDelivery: Caller = { principal: "logging.s3.amazonaws.com", identityPolicies: [] };

/*
 * FACT: CloudTrail delivers log files under `AWSLogs/<account id>/`, with `x-amz-acl:
 * bucket-owner-full-control`, and its requests carry aws:SourceArn = the trail's ARN; it first checks
 * the bucket ACL (s3:GetBucketAcl). Source: CloudTrail User Guide, create-s3-bucket-policy-for-cloudtrail.md
 * (awsdocs/aws-cloudtrail-user-guide, commit 56f54d99dfee0c3faf3d4a2b87bb572ad9edf58a).
 * FACT: aws:SourceArn and aws:SourceAccount are in the context only when a service calls on behalf of
 * a resource; a user or role calling directly has neither. Source: IAM User Guide,
 * reference_policies_condition-keys.md#condition-keys-sourcearn (awsdocs/iam-user-guide, commit
 * e2b8637a825b9f292bb04af61277d067dfcc5676).
 * FACT: S3 server access log delivery (logging.s3.amazonaws.com) carries aws:SourceArn = the logged
 * bucket and aws:SourceAccount = its owner. Source: S3 User Guide, enable-server-access-logging.md
 * (awsdocs/amazon-s3-userguide, commit cc53dd6a44d3aa1d654e6d3705a0a7550f20fd2a).
 */
const logFile = (account = ACCOUNT) => `AWSLogs/${account}/CloudTrail/${REGION}/2026/01/02/${account}_CloudTrail_${REGION}_20260102T0000Z_a1b2c3.json.gz`;
const trailDelivery = (s: PlatformStorage, trailArn = s.trailArn, account = ACCOUNT) => ({
  ...tls12, "aws:SourceArn": trailArn, "aws:SourceAccount": account, "s3:x-amz-acl": "bucket-owner-full-control",
});
const otherTrail = (account = ACCOUNT) => `arn:aws:cloudtrail:${REGION}:${account}:trail/someone-elses-trail`;
const putAuditLog = (s: PlatformStorage, caller: Caller, context: Record<string, string>, key = logFile()) =>
  s3Request(caller, "s3:PutObject", s.auditLogs, key, context);
const forgedLog = (s: PlatformStorage) => ({ ...tls12, ...sseKms(s.auditLogs.keyArn), "s3:x-amz-acl": "bucket-owner-full-control" });

type Case = { request: string; expected: Decision; build: (s: PlatformStorage) => IamRequest };

const auditBucketCases: Case[] = [
  { request: "CloudTrail for this trail PUT a log file with aws:kms and the bucket key's ARN", expected: "Allowed", build: (s) => putAuditLog(s, cloudTrail, { ...trailDelivery(s), ...sseKms(s.auditLogs.keyArn) }) },
  { request: "CloudTrail for this trail PUT a log file with no encryption header", expected: "Allowed", build: (s) => putAuditLog(s, cloudTrail, { ...trailDelivery(s), ...NO_ENCRYPTION_HEADER }) },
  { request: "CloudTrail for this trail GET the bucket ACL", expected: "Allowed", build: (s) => s3Request(cloudTrail, "s3:GetBucketAcl", s.auditLogs, undefined, { ...tls12, "aws:SourceArn": s.trailArn, "aws:SourceAccount": ACCOUNT }) },
  { request: "CloudTrail for another trail of this account PUT a log file", expected: "ExplicitlyDenied", build: (s) => putAuditLog(s, cloudTrail, trailDelivery(s, otherTrail())) },
  { request: "CloudTrail for a trail of another account PUT a log file under its account", expected: "ExplicitlyDenied", build: (s) => putAuditLog(s, cloudTrail, trailDelivery(s, otherTrail(OTHER_ACCOUNT), OTHER_ACCOUNT), logFile(OTHER_ACCOUNT)) },
  { request: "CloudTrail for another trail GET the bucket ACL", expected: "ImplicitlyDenied", build: (s) => s3Request(cloudTrail, "s3:GetBucketAcl", s.auditLogs, undefined, { ...tls12, "aws:SourceArn": otherTrail(), "aws:SourceAccount": ACCOUNT }) },
  { request: "CloudTrail for this trail PUT an object outside AWSLogs/<account>/", expected: "ImplicitlyDenied", build: (s) => putAuditLog(s, cloudTrail, trailDelivery(s), "elsewhere/file.json.gz") },
  { request: "CloudTrail for this trail PUT a log file without bucket-owner-full-control", expected: "ImplicitlyDenied", build: (s) => putAuditLog(s, cloudTrail, { ...tls12, "aws:SourceArn": s.trailArn, "aws:SourceAccount": ACCOUNT }) },
  { request: "CloudTrail for this trail PUT a log file over plain HTTP", expected: "ExplicitlyDenied", build: (s) => putAuditLog(s, cloudTrail, { ...trailDelivery(s), ...OVER_PLAIN_HTTP }) },
  { request: "S3 log delivery PUT an access log into the audit bucket", expected: "ExplicitlyDenied", build: (s) => putAuditLog(s, s3LogDelivery, { ...tls12, "aws:SourceArn": s.datasets.bucketArn, "aws:SourceAccount": ACCOUNT }, "datasets/log") },
  { request: "this account's administrator PUT a forged log file under AWSLogs/<account>/ with the bucket key's ARN", expected: "ExplicitlyDenied", build: (s) => putAuditLog(s, admin, forgedLog(s)) },
  { request: "this account's administrator PUT any object with no encryption header", expected: "ExplicitlyDenied", build: (s) => putAuditLog(s, admin, tls12, "notes.txt") },
  { request: "this account's administrator REPLICATE an object into the bucket", expected: "ExplicitlyDenied", build: (s) => s3Request(admin, "s3:ReplicateObject", s.auditLogs, logFile(), tls12) },
  { request: "this account's administrator REPLICATE a delete marker into the bucket", expected: "ExplicitlyDenied", build: (s) => s3Request(admin, "s3:ReplicateDelete", s.auditLogs, logFile(), tls12) },
  { request: "root user PUT a forged log file", expected: "ExplicitlyDenied", build: (s) => putAuditLog(s, root, forgedLog(s)) },
  { request: "anonymous PUT a forged log file", expected: "ExplicitlyDenied", build: (s) => putAuditLog(s, anonymous, forgedLog(s)) },
  { request: "another account's administrator PUT a forged log file", expected: "ExplicitlyDenied", build: (s) => putAuditLog(s, foreignAdmin, forgedLog(s)) },
  { request: "this account's administrator DELETE a log file", expected: "ExplicitlyDenied", build: (s) => s3Request(admin, "s3:DeleteObject", s.auditLogs, logFile(), tls12) },
  { request: "this account's administrator DELETE a log file version", expected: "ExplicitlyDenied", build: (s) => s3Request(admin, "s3:DeleteObjectVersion", s.auditLogs, logFile(), tls12) },
  { request: "root user DELETE a log file", expected: "ExplicitlyDenied", build: (s) => s3Request(root, "s3:DeleteObject", s.auditLogs, logFile(), tls12) },
  { request: "this account's administrator GET a log file over TLS 1.2", expected: "Allowed", build: (s) => s3Request(admin, "s3:GetObject", s.auditLogs, logFile(), tls12) },
  { request: "this account's administrator GET a log file over TLS 1.1", expected: "ExplicitlyDenied", build: (s) => s3Request(admin, "s3:GetObject", s.auditLogs, logFile(), overTls("1.1")) },
  { request: "another account's administrator GET a log file", expected: "ImplicitlyDenied", build: (s) => s3Request(foreignAdmin, "s3:GetObject", s.auditLogs, logFile(), tls12) },
];

const accessLog = "datasets/2026-01-02-00-00-00-A1B2C3D4E5F6";
const logDelivery = (bucketArn: string, account = ACCOUNT) => ({ ...tls12, "aws:SourceArn": bucketArn, "aws:SourceAccount": account });

const accessLogBucketCases: Case[] = [
  { request: "S3 log delivery for a bucket of this account PUT an access log", expected: "Allowed", build: (s) => s3Request(s3LogDelivery, "s3:PutObject", s.accessLogs, accessLog, logDelivery(s.datasets.bucketArn)) },
  { request: "S3 log delivery for a bucket of another account PUT an access log", expected: "ExplicitlyDenied", build: (s) => s3Request(s3LogDelivery, "s3:PutObject", s.accessLogs, accessLog, logDelivery("arn:aws:s3:::someone-elses-bucket", OTHER_ACCOUNT)) },
  { request: "S3 log delivery PUT an access log with aws:kms and no key id", expected: "ExplicitlyDenied", build: (s) => s3Request(s3LogDelivery, "s3:PutObject", s.accessLogs, accessLog, { ...logDelivery(s.datasets.bucketArn), ...sseKms() }) },
  { request: "this account's administrator PUT a forged access log", expected: "ExplicitlyDenied", build: (s) => s3Request(admin, "s3:PutObject", s.accessLogs, accessLog, { ...tls12, ...sseKms(s.accessLogs.keyArn) }) },
  { request: "root user PUT a forged access log", expected: "ExplicitlyDenied", build: (s) => s3Request(root, "s3:PutObject", s.accessLogs, accessLog, tls12) },
  { request: "anonymous PUT a forged access log", expected: "ExplicitlyDenied", build: (s) => s3Request(anonymous, "s3:PutObject", s.accessLogs, accessLog, tls12) },
  { request: "CloudTrail for this trail PUT a log file into the access-log bucket", expected: "ImplicitlyDenied", build: (s) => s3Request(cloudTrail, "s3:PutObject", s.accessLogs, logFile(), trailDelivery(s)) },
  { request: "this account's administrator GET an access log over TLS 1.2", expected: "Allowed", build: (s) => s3Request(admin, "s3:GetObject", s.accessLogs, accessLog, tls12) },
];

/** A bucket that receives both the trail's logs and S3 access logs (EncryptedBucket allows it). */
const bothDeliveries = (s: PlatformStorage): StoredBucket => ({
  ...s.auditLogs,
  bucketPolicy: bucketPolicy({ bucketArn: s.auditLogs.bucketArn, keyArn: s.auditLogs.keyArn, accountId: ACCOUNT, allowS3LogDelivery: true, cloudTrailArn: s.trailArn }),
});
const bothDeliveriesCases: Case[] = [
  { request: "CloudTrail for this trail PUT a log file", expected: "Allowed", build: (s) => s3Request(cloudTrail, "s3:PutObject", bothDeliveries(s), logFile(), trailDelivery(s)) },
  { request: "S3 log delivery for a bucket of this account PUT an access log", expected: "Allowed", build: (s) => s3Request(s3LogDelivery, "s3:PutObject", bothDeliveries(s), accessLog, logDelivery(s.datasets.bucketArn)) },
  { request: "CloudTrail for a trail of another account PUT a log file", expected: "ExplicitlyDenied", build: (s) => s3Request(cloudTrail, "s3:PutObject", bothDeliveries(s), logFile(OTHER_ACCOUNT), trailDelivery(s, otherTrail(OTHER_ACCOUNT), OTHER_ACCOUNT)) },
  { request: "this account's administrator PUT a forged log file", expected: "ExplicitlyDenied", build: (s) => s3Request(admin, "s3:PutObject", bothDeliveries(s), logFile(), forgedLog(s)) },
];

describe("audit-trail bucket policy: each request's decision", () => {
  it.each(auditBucketCases)("$request -> $expected", async ({ build, expected }) => {
    expect(await decide(build(await storage))).toBe(expected);
  });
});

describe("access-log bucket policy: each request's decision", () => {
  it.each(accessLogBucketCases)("$request -> $expected", async ({ build, expected }) => {
    expect(await decide(build(await storage))).toBe(expected);
  });
});

describe("policy of a bucket receiving both deliveries: each request's decision", () => {
  it.each(bothDeliveriesCases)("$request -> $expected", async ({ build, expected }) => {
    expect(await decide(build(await storage))).toBe(expected);
  });
});
