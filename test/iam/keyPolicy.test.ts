/**
 * The bucket keys' policies, judged by their effect together with each caller's IAM policies: team
 * roles use a key only through S3, the account keeps administering every key, strangers get nothing.
 */
import { installRecordingMocks } from "../support/pulumiMocks";

const created = installRecordingMocks();

import { decide, ANONYMOUS, type Decision, type IamRequest } from "../support/iamSimulator";
import { ACCOUNT, ADMINISTRATOR_ACCESS, OTHER_ACCOUNT, REGION, ROOT_USER, ROOT_USER_POLICIES, sessionOf } from "../support/iamRequests";
import { KEY_ADMINISTRATOR_ROLE, KEY_USER_ROLE, kmsRequest, platformStorage, teamCaller, type Caller, type PlatformStorage } from "../support/iamStorage";

const storage = platformStorage(created);

/*
 * FACT: kms:ViaService names the service that made a KMS request on the caller's behalf
 * (`s3.<region>.amazonaws.com` when S3 encrypts or decrypts an object for them) and is absent from a
 * direct call. Source: KMS Developer Guide, conditions-kms.md#conditions-kms-via-service
 * (awsdocs/aws-kms-developer-guide, commit 3447fd9221fcc8ee5589b4c1a513883756729eac).
 * FACT: a key policy statement for the account principal (`arn:aws:iam::<account>:root`) gives the
 * account full access and lets IAM policies of the account grant use of the key; without it IAM
 * policies are ineffective. Same guide, key-policy-default.md#key-policy-default-allow-root-enable-iam.
 * FACT: CloudTrail encrypts a trail's log files with GenerateDataKey as cloudtrail.amazonaws.com, with
 * aws:SourceArn = the trail and the encryption context aws:cloudtrail:arn. Source: CloudTrail User
 * Guide, create-kms-key-policy-for-cloudtrail.md (awsdocs/aws-cloudtrail-user-guide, commit
 * 56f54d99dfee0c3faf3d4a2b87bb572ad9edf58a).
 */
const throughS3 = (region = REGION) => ({ "kms:ViaService": `s3.${region}.amazonaws.com` });
const training = (s: PlatformStorage) => teamCaller(s, "vision", "training");
const serving = (s: PlatformStorage) => teamCaller(s, "vision", "serving");
const admin: Caller = { principal: sessionOf("platform-admin"), identityPolicies: [ADMINISTRATOR_ACCESS] };
const foreignAdmin: Caller = { principal: sessionOf("admin", OTHER_ACCOUNT), identityPolicies: [ADMINISTRATOR_ACCESS] };
const root: Caller = { principal: ROOT_USER, identityPolicies: ROOT_USER_POLICIES };
const unprivileged: Caller = { principal: sessionOf("some-app"), identityPolicies: [] };
const anonymous: Caller = { principal: ANONYMOUS, identityPolicies: [] };
// The roles the key policy names; no IAM policy of their own.
const keyAdministrator: Caller = { principal: sessionOf(KEY_ADMINISTRATOR_ROLE), identityPolicies: [] };
const keyUser: Caller = { principal: sessionOf(KEY_USER_ROLE), identityPolicies: [] };
const cloudTrail: Caller = { principal: "cloudtrail.amazonaws.com", identityPolicies: [] };
const s3LogDelivery: Caller = { principal: "logging.s3.amazonaws.com", identityPolicies: [] };
const trailContext = (trailArn: string) => ({ "aws:SourceArn": trailArn, "aws:SourceAccount": ACCOUNT, "kms:EncryptionContext:aws:cloudtrail:arn": trailArn });
const otherTrail = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/someone-elses-trail`;

const cases: { request: string; expected: Decision; build: (s: PlatformStorage) => IamRequest }[] = [
  // Team roles: the bucket keys through S3, nothing else.
  { request: "training Decrypt with the model-artifacts key through S3", expected: "Allowed", build: (s) => kmsRequest(training(s), "kms:Decrypt", s.artifacts, throughS3()) },
  { request: "training GenerateDataKey with the model-artifacts key through S3", expected: "Allowed", build: (s) => kmsRequest(training(s), "kms:GenerateDataKey", s.artifacts, throughS3()) },
  { request: "training Decrypt with the datasets key through S3", expected: "Allowed", build: (s) => kmsRequest(training(s), "kms:Decrypt", s.datasets, throughS3()) },
  { request: "training GenerateDataKey with the datasets key through S3", expected: "ImplicitlyDenied", build: (s) => kmsRequest(training(s), "kms:GenerateDataKey", s.datasets, throughS3()) },
  { request: "training Decrypt with the model-artifacts key directly, outside S3", expected: "ImplicitlyDenied", build: (s) => kmsRequest(training(s), "kms:Decrypt", s.artifacts) },
  { request: "training Decrypt with the model-artifacts key through EC2", expected: "ImplicitlyDenied", build: (s) => kmsRequest(training(s), "kms:Decrypt", s.artifacts, { "kms:ViaService": `ec2.${REGION}.amazonaws.com` }) },
  { request: "training Decrypt with the model-artifacts key through S3 of another region", expected: "ImplicitlyDenied", build: (s) => kmsRequest(training(s), "kms:Decrypt", s.artifacts, throughS3("eu-west-1")) },
  { request: "training Encrypt with the model-artifacts key through S3", expected: "ImplicitlyDenied", build: (s) => kmsRequest(training(s), "kms:Encrypt", s.artifacts, throughS3()) },
  { request: "training CreateGrant on the model-artifacts key", expected: "ImplicitlyDenied", build: (s) => kmsRequest(training(s), "kms:CreateGrant", s.artifacts, throughS3()) },
  { request: "serving Decrypt with the model-artifacts key through S3", expected: "Allowed", build: (s) => kmsRequest(serving(s), "kms:Decrypt", s.artifacts, throughS3()) },
  { request: "serving GenerateDataKey with the model-artifacts key through S3", expected: "ImplicitlyDenied", build: (s) => kmsRequest(serving(s), "kms:GenerateDataKey", s.artifacts, throughS3()) },
  { request: "serving Decrypt with the datasets key through S3", expected: "ImplicitlyDenied", build: (s) => kmsRequest(serving(s), "kms:Decrypt", s.datasets, throughS3()) },
  { request: "serving Decrypt with the model-artifacts key directly, outside S3", expected: "ImplicitlyDenied", build: (s) => kmsRequest(serving(s), "kms:Decrypt", s.artifacts) },
  // Administration stays with the account; administrators cannot read data with the key.
  { request: "root user PutKeyPolicy on the model-artifacts key", expected: "Allowed", build: (s) => kmsRequest(root, "kms:PutKeyPolicy", s.artifacts) },
  { request: "root user CancelKeyDeletion on the audit key", expected: "Allowed", build: (s) => kmsRequest(root, "kms:CancelKeyDeletion", s.auditLogs) },
  { request: "this account's administrator PutKeyPolicy on the model-artifacts key", expected: "Allowed", build: (s) => kmsRequest(admin, "kms:PutKeyPolicy", s.artifacts) },
  { request: "this account's administrator Decrypt with the model-artifacts key directly (IAM grants it)", expected: "Allowed", build: (s) => kmsRequest(admin, "kms:Decrypt", s.artifacts) },
  { request: "named key administrator ScheduleKeyDeletion on the model-artifacts key", expected: "Allowed", build: (s) => kmsRequest(keyAdministrator, "kms:ScheduleKeyDeletion", s.artifacts) },
  { request: "named key administrator PutKeyPolicy on the datasets key", expected: "Allowed", build: (s) => kmsRequest(keyAdministrator, "kms:PutKeyPolicy", s.datasets) },
  { request: "named key administrator Decrypt with the model-artifacts key", expected: "ImplicitlyDenied", build: (s) => kmsRequest(keyAdministrator, "kms:Decrypt", s.artifacts) },
  { request: "named key user Decrypt with the model-artifacts key directly", expected: "Allowed", build: (s) => kmsRequest(keyUser, "kms:Decrypt", s.artifacts) },
  { request: "named key user PutKeyPolicy on the model-artifacts key", expected: "ImplicitlyDenied", build: (s) => kmsRequest(keyUser, "kms:PutKeyPolicy", s.artifacts) },
  { request: "named key user ScheduleKeyDeletion on the model-artifacts key", expected: "ImplicitlyDenied", build: (s) => kmsRequest(keyUser, "kms:ScheduleKeyDeletion", s.artifacts) },
  { request: "role of this account without a KMS policy Decrypt with the model-artifacts key", expected: "ImplicitlyDenied", build: (s) => kmsRequest(unprivileged, "kms:Decrypt", s.artifacts, throughS3()) },
  // Strangers.
  { request: "another account's administrator Decrypt with the model-artifacts key through S3", expected: "ImplicitlyDenied", build: (s) => kmsRequest(foreignAdmin, "kms:Decrypt", s.artifacts, throughS3()) },
  { request: "another account's administrator PutKeyPolicy on the model-artifacts key", expected: "ImplicitlyDenied", build: (s) => kmsRequest(foreignAdmin, "kms:PutKeyPolicy", s.artifacts) },
  { request: "anonymous Decrypt with the model-artifacts key", expected: "ImplicitlyDenied", build: (s) => kmsRequest(anonymous, "kms:Decrypt", s.artifacts) },
  // Log delivery services, each on its own bucket's key only.
  { request: "CloudTrail for this trail GenerateDataKey with the audit key and the trail's encryption context", expected: "Allowed", build: (s) => kmsRequest(cloudTrail, "kms:GenerateDataKey", s.auditLogs, trailContext(s.trailArn)) },
  { request: "CloudTrail for this trail DescribeKey on the audit key", expected: "Allowed", build: (s) => kmsRequest(cloudTrail, "kms:DescribeKey", s.auditLogs, { "aws:SourceArn": s.trailArn, "aws:SourceAccount": ACCOUNT }) },
  {
    request: "CloudTrail for this trail GenerateDataKey with the audit key and another account's trail as encryption context", expected: "ImplicitlyDenied",
    build: (s) => kmsRequest(cloudTrail, "kms:GenerateDataKey", s.auditLogs, { ...trailContext(s.trailArn), "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:${REGION}:${OTHER_ACCOUNT}:trail/t` }),
  },
  { request: "CloudTrail for another trail GenerateDataKey with the audit key", expected: "ImplicitlyDenied", build: (s) => kmsRequest(cloudTrail, "kms:GenerateDataKey", s.auditLogs, trailContext(otherTrail)) },
  { request: "CloudTrail for this trail Decrypt with the audit key", expected: "ImplicitlyDenied", build: (s) => kmsRequest(cloudTrail, "kms:Decrypt", s.auditLogs, trailContext(s.trailArn)) },
  { request: "CloudTrail for this trail GenerateDataKey with the model-artifacts key", expected: "ImplicitlyDenied", build: (s) => kmsRequest(cloudTrail, "kms:GenerateDataKey", s.artifacts, trailContext(s.trailArn)) },
  { request: "S3 log delivery for this account GenerateDataKey with the access-log key", expected: "Allowed", build: (s) => kmsRequest(s3LogDelivery, "kms:GenerateDataKey", s.accessLogs, { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": s.datasets.bucketArn }) },
  { request: "S3 log delivery for another account GenerateDataKey with the access-log key", expected: "ImplicitlyDenied", build: (s) => kmsRequest(s3LogDelivery, "kms:GenerateDataKey", s.accessLogs, { "aws:SourceAccount": OTHER_ACCOUNT, "aws:SourceArn": "arn:aws:s3:::someone-elses-bucket" }) },
  { request: "S3 log delivery for this account GenerateDataKey with the model-artifacts key", expected: "ImplicitlyDenied", build: (s) => kmsRequest(s3LogDelivery, "kms:GenerateDataKey", s.artifacts, { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": s.datasets.bucketArn }) },
];

describe("bucket key policy: each request's decision", () => {
  it.each(cases)("$request -> $expected", async ({ build, expected }) => {
    expect(await decide(build(await storage))).toBe(expected);
  });
});
