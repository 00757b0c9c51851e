/**
 * The team roles' data policies, judged by their effect: each request by a team's `training` or
 * `serving` pod is evaluated with the role's IAM policy and the bucket policy it meets.
 */
import { installRecordingMocks } from "../support/pulumiMocks";

const created = installRecordingMocks();

import { decide, type Decision, type IamRequest } from "../support/iamSimulator";
import { ACCOUNT, NO_ENCRYPTION_HEADER, REGION, overTls, sseKms } from "../support/iamRequests";
import { platformStorage, s3Request, teamCaller, type Caller, type PlatformStorage, type StoredBucket } from "../support/iamStorage";

const storage = platformStorage(created);
const tls12 = overTls("1.2");
type Case = { request: string; expected: Decision; build: (s: PlatformStorage) => IamRequest };
type Bucket = (s: PlatformStorage) => StoredBucket;
/** Request headers, or headers that name one of the platform's keys. */
type Headers = Record<string, string> | ((s: PlatformStorage) => Record<string, string>);
const withArtifactsKeyArn: Headers = (s) => sseKms(s.artifacts.keyArn);

const datasets: Bucket = (s) => s.datasets;
const artifacts: Bucket = (s) => s.artifacts;
const auditLogFile = `AWSLogs/${ACCOUNT}/CloudTrail/${REGION}/2026/01/02/log.json.gz`;

/*
 * FACT: s3:prefix is the `prefix` parameter of a ListObjects(V2) request, absent when none is sent.
 * Source: S3 User Guide, amazon-s3-policy-keys.md, "s3:prefix" (awsdocs/amazon-s3-userguide, commit
 * cc53dd6a44d3aa1d654e6d3705a0a7550f20fd2a).
 */
function requestsBy(caller: (s: PlatformStorage) => Caller) {
  return {
    get: (bucket: Bucket, key: string) => (s: PlatformStorage) => s3Request(caller(s), "s3:GetObject", bucket(s), key, tls12),
    act: (action: string, bucket: Bucket, key: string, context: Headers = {}) => (s: PlatformStorage) =>
      s3Request(caller(s), action, bucket(s), key, { ...tls12, ...(typeof context === "function" ? context(s) : context) }),
    onBucket: (action: string, bucket: Bucket) => (s: PlatformStorage) => s3Request(caller(s), action, bucket(s), undefined, tls12),
    list: (bucket: Bucket, prefix?: string) => (s: PlatformStorage) =>
      s3Request(caller(s), "s3:ListBucket", bucket(s), undefined, { ...tls12, ...(prefix === undefined ? {} : { "s3:prefix": prefix }) }),
  };
}

const training = requestsBy((s) => teamCaller(s, "vision", "training"));
const serving = requestsBy((s) => teamCaller(s, "vision", "serving"));
const nlpTraining = requestsBy((s) => teamCaller(s, "nlp", "training"));

const trainingCases: Case[] = [
  { request: "vision training GET datasets teams/vision/train.csv", expected: "Allowed", build: training.get(datasets, "teams/vision/train.csv") },
  { request: "vision training GET an older version of datasets teams/vision/train.csv", expected: "Allowed", build: training.act("s3:GetObjectVersion", datasets, "teams/vision/train.csv") },
  { request: "vision training LIST datasets under teams/vision/", expected: "Allowed", build: training.list(datasets, "teams/vision/") },
  { request: "vision training LIST datasets under teams/vision/images/", expected: "Allowed", build: training.list(datasets, "teams/vision/images/") },
  { request: "vision training LIST datasets under teams/", expected: "ImplicitlyDenied", build: training.list(datasets, "teams/") },
  { request: "vision training LIST datasets with no prefix", expected: "ImplicitlyDenied", build: training.list(datasets) },
  { request: "vision training LIST datasets under teams/nlp/", expected: "ImplicitlyDenied", build: training.list(datasets, "teams/nlp/") },
  { request: "vision training LIST datasets under teams/visionary/ (a longer team name)", expected: "ImplicitlyDenied", build: training.list(datasets, "teams/visionary/") },
  { request: "vision training GET datasets teams/nlp/train.csv", expected: "ImplicitlyDenied", build: training.get(datasets, "teams/nlp/train.csv") },
  { request: "vision training GET datasets teams/visionary/train.csv", expected: "ImplicitlyDenied", build: training.get(datasets, "teams/visionary/train.csv") },
  { request: "vision training GET datasets shared/train.csv, outside every team prefix", expected: "ImplicitlyDenied", build: training.get(datasets, "shared/train.csv") },
  { request: "vision training PUT datasets teams/vision/train.csv", expected: "ImplicitlyDenied", build: training.act("s3:PutObject", datasets, "teams/vision/train.csv", NO_ENCRYPTION_HEADER) },
  { request: "vision training DELETE datasets teams/vision/train.csv", expected: "ImplicitlyDenied", build: training.act("s3:DeleteObject", datasets, "teams/vision/train.csv") },
  { request: "vision training PUT model-artifacts teams/vision/model.pt, no encryption header", expected: "Allowed", build: training.act("s3:PutObject", artifacts, "teams/vision/model.pt", NO_ENCRYPTION_HEADER) },
  { request: "vision training PUT model-artifacts teams/vision/model.pt with the bucket key's ARN", expected: "Allowed", build: training.act("s3:PutObject", artifacts, "teams/vision/model.pt", withArtifactsKeyArn) },
  { request: "vision training GET model-artifacts teams/vision/model.pt", expected: "Allowed", build: training.get(artifacts, "teams/vision/model.pt") },
  { request: "vision training LIST model-artifacts under teams/vision/", expected: "Allowed", build: training.list(artifacts, "teams/vision/") },
  { request: "vision training DELETE model-artifacts teams/vision/model.pt", expected: "ImplicitlyDenied", build: training.act("s3:DeleteObject", artifacts, "teams/vision/model.pt") },
  { request: "vision training DELETE a version of model-artifacts teams/vision/model.pt", expected: "ImplicitlyDenied", build: training.act("s3:DeleteObjectVersion", artifacts, "teams/vision/model.pt") },
  { request: "vision training PUT retention on model-artifacts teams/vision/model.pt", expected: "ImplicitlyDenied", build: training.act("s3:PutObjectRetention", artifacts, "teams/vision/model.pt") },
  { request: "vision training PUT model-artifacts teams/nlp/model.pt", expected: "ImplicitlyDenied", build: training.act("s3:PutObject", artifacts, "teams/nlp/model.pt", NO_ENCRYPTION_HEADER) },
  { request: "vision training GET model-artifacts teams/nlp/model.pt", expected: "ImplicitlyDenied", build: training.get(artifacts, "teams/nlp/model.pt") },
  { request: "vision training GET an audit log file", expected: "ImplicitlyDenied", build: training.get((s) => s.auditLogs, auditLogFile) },
  { request: "vision training GET an access log", expected: "ImplicitlyDenied", build: training.get((s) => s.accessLogs, "datasets/2026-01-02-00-00-00-A1B2C3D4E5F6") },
  { request: "vision training PUT the model-artifacts bucket policy", expected: "ImplicitlyDenied", build: training.onBucket("s3:PutBucketPolicy", artifacts) },
  { request: "nlp training GET datasets teams/vision/train.csv", expected: "ImplicitlyDenied", build: nlpTraining.get(datasets, "teams/vision/train.csv") },
  { request: "nlp training GET datasets teams/nlp/train.csv", expected: "Allowed", build: nlpTraining.get(datasets, "teams/nlp/train.csv") },
];

const servingCases: Case[] = [
  { request: "vision serving GET model-artifacts teams/vision/model.pt", expected: "Allowed", build: serving.get(artifacts, "teams/vision/model.pt") },
  { request: "vision serving GET an older version of model-artifacts teams/vision/model.pt", expected: "Allowed", build: serving.act("s3:GetObjectVersion", artifacts, "teams/vision/model.pt") },
  { request: "vision serving LIST model-artifacts under teams/vision/", expected: "Allowed", build: serving.list(artifacts, "teams/vision/") },
  { request: "vision serving PUT model-artifacts teams/vision/model.pt (overwrite the served model), no encryption header", expected: "ImplicitlyDenied", build: serving.act("s3:PutObject", artifacts, "teams/vision/model.pt", NO_ENCRYPTION_HEADER) },
  { request: "vision serving PUT model-artifacts teams/vision/model.pt with the bucket key's ARN", expected: "ImplicitlyDenied", build: serving.act("s3:PutObject", artifacts, "teams/vision/model.pt", withArtifactsKeyArn) },
  { request: "vision serving DELETE model-artifacts teams/vision/model.pt", expected: "ImplicitlyDenied", build: serving.act("s3:DeleteObject", artifacts, "teams/vision/model.pt") },
  { request: "vision serving DELETE a version of model-artifacts teams/vision/model.pt", expected: "ImplicitlyDenied", build: serving.act("s3:DeleteObjectVersion", artifacts, "teams/vision/model.pt") },
  { request: "vision serving PUT tags on model-artifacts teams/vision/model.pt", expected: "ImplicitlyDenied", build: serving.act("s3:PutObjectTagging", artifacts, "teams/vision/model.pt") },
  { request: "vision serving GET model-artifacts teams/nlp/model.pt", expected: "ImplicitlyDenied", build: serving.get(artifacts, "teams/nlp/model.pt") },
  { request: "vision serving GET model-artifacts teams/visionary/model.pt", expected: "ImplicitlyDenied", build: serving.get(artifacts, "teams/visionary/model.pt") },
  { request: "vision serving LIST model-artifacts under teams/nlp/", expected: "ImplicitlyDenied", build: serving.list(artifacts, "teams/nlp/") },
  { request: "vision serving LIST model-artifacts with no prefix", expected: "ImplicitlyDenied", build: serving.list(artifacts) },
  { request: "vision serving GET datasets teams/vision/train.csv", expected: "ImplicitlyDenied", build: serving.get(datasets, "teams/vision/train.csv") },
  { request: "vision serving LIST datasets under teams/vision/", expected: "ImplicitlyDenied", build: serving.list(datasets, "teams/vision/") },
  { request: "vision serving GET an audit log file", expected: "ImplicitlyDenied", build: serving.get((s) => s.auditLogs, auditLogFile) },
];

describe("training role: each request's decision", () => {
  it.each(trainingCases)("$request -> $expected", async ({ build, expected }) => {
    expect(await decide(build(await storage))).toBe(expected);
  });
});

describe("serving role: each request's decision", () => {
  it.each(servingCases)("$request -> $expected", async ({ build, expected }) => {
    expect(await decide(build(await storage))).toBe(expected);
  });
});
