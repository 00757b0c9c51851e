/**
 * The data buckets' policy (datasets, model artifacts), judged by its effect: each case is one request,
 * evaluated with the caller's IAM policies and the bucket policy the component emits.
 */
import { installRecordingMocks } from "../support/pulumiMocks";

const created = installRecordingMocks();

import { decide, ANONYMOUS, type Decision, type IamRequest } from "../support/iamSimulator";
import {
  ADMINISTRATOR_ACCESS, NO_ENCRYPTION_HEADER, OTHER_ACCOUNT, OVER_PLAIN_HTTP, REGION, ROOT_USER, ROOT_USER_POLICIES, SSE_C, SSE_S3,
  dsseKms, overTls, sessionOf, sseKms,
} from "../support/iamRequests";
import { platformStorage, s3Request, teamCaller, type Caller, type PlatformStorage } from "../support/iamStorage";

const storage = platformStorage(created);
const MODEL = "teams/vision/model.pt";
const training = (s: PlatformStorage) => teamCaller(s, "vision", "training");
const admin: Caller = { principal: sessionOf("platform-admin"), identityPolicies: [ADMINISTRATOR_ACCESS] };
const foreignAdmin: Caller = { principal: sessionOf("admin", OTHER_ACCOUNT), identityPolicies: [ADMINISTRATOR_ACCESS] };
const anonymous: Caller = { principal: ANONYMOUS, identityPolicies: [] };
const root: Caller = { principal: ROOT_USER, identityPolicies: ROOT_USER_POLICIES };
const tls12 = overTls("1.2");
const putModel = (s: PlatformStorage, context: Record<string, string>, caller = training(s)) =>
  s3Request(caller, "s3:PutObject", s.artifacts, MODEL, { ...tls12, ...context });

const cases: { request: string; expected: Decision; build: (s: PlatformStorage) => IamRequest }[] = [
  // Transport: every action, every caller.
  { request: "training PUT model over TLS 1.2, no encryption header (bucket default: this key)", expected: "Allowed", build: (s) => putModel(s, NO_ENCRYPTION_HEADER) },
  { request: "training PUT model over TLS 1.3, no encryption header", expected: "Allowed", build: (s) => putModel(s, overTls("1.3")) },
  { request: "training PUT model over plain HTTP", expected: "ExplicitlyDenied", build: (s) => s3Request(training(s), "s3:PutObject", s.artifacts, MODEL, OVER_PLAIN_HTTP) },
  { request: "training PUT model over TLS 1.0", expected: "ExplicitlyDenied", build: (s) => putModel(s, overTls("1.0")) },
  { request: "training PUT model over TLS 1.1", expected: "ExplicitlyDenied", build: (s) => putModel(s, overTls("1.1")) },
  { request: "training GET model over TLS 1.2", expected: "Allowed", build: (s) => s3Request(training(s), "s3:GetObject", s.artifacts, MODEL, tls12) },
  { request: "training GET model over plain HTTP", expected: "ExplicitlyDenied", build: (s) => s3Request(training(s), "s3:GetObject", s.artifacts, MODEL, OVER_PLAIN_HTTP) },
  { request: "training GET model over TLS 1.1", expected: "ExplicitlyDenied", build: (s) => s3Request(training(s), "s3:GetObject", s.artifacts, MODEL, overTls("1.1")) },
  { request: "training LIST teams/vision/ over plain HTTP", expected: "ExplicitlyDenied", build: (s) => s3Request(training(s), "s3:ListBucket", s.artifacts, undefined, { ...OVER_PLAIN_HTTP, "s3:prefix": "teams/vision/" }) },
  { request: "administrator GET dataset over TLS 1.0", expected: "ExplicitlyDenied", build: (s) => s3Request(admin, "s3:GetObject", s.datasets, "teams/vision/train.csv", overTls("1.0")) },
  // Encryption headers of an upload.
  { request: "training PUT model with SSE-S3 (AES256)", expected: "ExplicitlyDenied", build: (s) => putModel(s, SSE_S3) },
  { request: "training PUT model with aws:kms and no key id (S3 would use aws/s3)", expected: "ExplicitlyDenied", build: (s) => putModel(s, sseKms()) },
  { request: "training PUT model with aws:kms and the bucket key's ARN", expected: "Allowed", build: (s) => putModel(s, sseKms(s.artifacts.keyArn)) },
  // Decided: only the key ARN is accepted. The condition key holds the string sent, and an alias
  // resolves in the caller's account (ServerSideEncryptionByDefault, S3 API Reference), so "this key"
  // is only certain by ARN; SDKs and the CLI send whatever the client configured.
  { request: "training PUT model with aws:kms and the bucket key's bare key ID", expected: "ExplicitlyDenied", build: (s) => putModel(s, sseKms(s.artifacts.keyId)) },
  { request: "training PUT model with aws:kms and the bucket key's alias name", expected: "ExplicitlyDenied", build: (s) => putModel(s, sseKms(s.artifacts.keyAlias)) },
  {
    request: "training PUT model with aws:kms and the bucket key's alias ARN", expected: "ExplicitlyDenied",
    build: (s) => putModel(s, sseKms(s.artifacts.keyArn.replace(/key\/.*$/, s.artifacts.keyAlias))),
  },
  { request: "training PUT model with aws:kms and another bucket's key ARN", expected: "ExplicitlyDenied", build: (s) => putModel(s, sseKms(s.datasets.keyArn)) },
  { request: "training PUT model with aws:kms and a key of another account", expected: "ExplicitlyDenied", build: (s) => putModel(s, sseKms(`arn:aws:kms:${REGION}:${OTHER_ACCOUNT}:key/0d7c1c2e-5b36-4b36-9e5f-0123456789ab`)) },
  { request: "training PUT model with aws:kms and the AWS managed key's alias ARN (aws/s3)", expected: "ExplicitlyDenied", build: (s) => putModel(s, sseKms(s.artifacts.keyArn.replace(/key\/.*$/, "alias/aws/s3"))) },
  { request: "training PUT model with only a key-id header naming another key", expected: "ExplicitlyDenied", build: (s) => putModel(s, { "s3:x-amz-server-side-encryption-aws-kms-key-id": s.datasets.keyArn }) },
  // Refused by design: FACT: S3 Bucket Keys are not supported for DSSE-KMS (S3 User Guide,
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingDSSEncryption.html), and the buckets
  // are SSE-KMS with bucket keys; DSSE without a key id would also use aws/s3.
  { request: "training PUT model with DSSE-KMS and no key id", expected: "ExplicitlyDenied", build: (s) => putModel(s, dsseKms()) },
  { request: "training PUT model with DSSE-KMS and the bucket key's ARN", expected: "ExplicitlyDenied", build: (s) => putModel(s, dsseKms(s.artifacts.keyArn)) },
  { request: "training PUT model with SSE-C", expected: "ExplicitlyDenied", build: (s) => putModel(s, SSE_C) },
  { request: "administrator PUT dataset with aws:kms and no key id", expected: "ExplicitlyDenied", build: (s) => s3Request(admin, "s3:PutObject", s.datasets, "teams/vision/train.csv", { ...tls12, ...sseKms() }) },
  { request: "administrator PUT dataset with aws:kms and the datasets key's ARN", expected: "Allowed", build: (s) => s3Request(admin, "s3:PutObject", s.datasets, "teams/vision/train.csv", { ...tls12, ...sseKms(s.datasets.keyArn) }) },
  { request: "root user PUT model with SSE-S3", expected: "ExplicitlyDenied", build: (s) => putModel(s, SSE_S3, root) },
  // Who: the bucket policy grants nobody; IAM in this account decides, other accounts and anonymous get nothing.
  { request: "anonymous GET model over TLS 1.2", expected: "ImplicitlyDenied", build: (s) => s3Request(anonymous, "s3:GetObject", s.artifacts, MODEL, tls12) },
  { request: "anonymous PUT model over TLS 1.2, no encryption header", expected: "ImplicitlyDenied", build: (s) => putModel(s, NO_ENCRYPTION_HEADER, anonymous) },
  { request: "anonymous LIST bucket over TLS 1.2", expected: "ImplicitlyDenied", build: (s) => s3Request(anonymous, "s3:ListBucket", s.artifacts, undefined, tls12) },
  { request: "anonymous GET model over plain HTTP", expected: "ExplicitlyDenied", build: (s) => s3Request(anonymous, "s3:GetObject", s.artifacts, MODEL, OVER_PLAIN_HTTP) },
  { request: "another account's administrator GET model over TLS 1.2", expected: "ImplicitlyDenied", build: (s) => s3Request(foreignAdmin, "s3:GetObject", s.artifacts, MODEL, tls12) },
  { request: "another account's administrator PUT model with the bucket key's ARN", expected: "ImplicitlyDenied", build: (s) => putModel(s, sseKms(s.artifacts.keyArn), foreignAdmin) },
  { request: "this account's administrator GET model over TLS 1.2", expected: "Allowed", build: (s) => s3Request(admin, "s3:GetObject", s.artifacts, MODEL, tls12) },
];

describe("data bucket policy: each request's decision", () => {
  it.each(cases)("$request -> $expected", async ({ build, expected }) => {
    expect(await decide(build(await storage))).toBe(expected);
  });
});
