import { installRecordingMocks, settle, single, valueOf } from "../support/pulumiMocks";

const created = installRecordingMocks();

import { EncryptedBucket } from "../../components";
import type { PolicyDocument } from "../../components/storage/policyDocuments";

const logs = new EncryptedBucket("logs", { receivesAccessLogs: true, expireObjectsAfterDays: 365, tags: { Environment: "test" } });
const data = new EncryptedBucket("data", {
  accessLogs: { bucket: logs.bucketName, prefix: "data/" },
  keyAdministratorArns: ["arn:aws:iam::123456789012:role/key-admin"],
  kmsDeletionWindowDays: 21,
  kmsRotationPeriodDays: 180,
  objectLock: { mode: "COMPLIANCE", retentionDays: 30 },
  tags: { Environment: "test", "mlops.io/data-classification": "confidential" },
});

const inputsOf = (type: string, name: string) => single(created, type, name).inputs as Record<string, any>;
const policyOf = (type: string, name: string) => JSON.parse(inputsOf(type, name).policy as string) as PolicyDocument;
const statement = (doc: PolicyDocument, sid: string) => doc.Statement.find((s) => s.Sid === sid);

beforeAll(async () => {
  await valueOf(data.bucketArn);
  await settle();
});

describe("EncryptedBucket", () => {
  it("encrypts with SSE-KMS using the key created alongside, with bucket keys, and blocks SSE-C", async () => {
    const sse = inputsOf("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "data-sse");
    expect(sse.bucket).toBe(await valueOf(data.bucket.id));
    expect(sse.rules[0].applyServerSideEncryptionByDefault).toEqual({ sseAlgorithm: "aws:kms", kmsMasterKeyId: await valueOf(data.keyArn) });
    expect(sse.rules[0].bucketKeyEnabled).toBe(true);
    expect(sse.rules[0].blockedEncryptionTypes).toEqual(["SSE-C"]);
  });

  it("rotates the key on the configured period with the configured deletion window", () => {
    const key = inputsOf("aws:kms/key:Key", "data-key");
    expect(key).toMatchObject({ enableKeyRotation: true, rotationPeriodInDays: 180, deletionWindowInDays: 21 });
    expect(inputsOf("aws:kms/alias:Alias", "data-key-alias").name).toBe("alias/data");
  });

  it("grants the key only to the account root and the named administrators, never to '*'", () => {
    const policy = policyOf("aws:kms/key:Key", "data-key");
    expect(policy.Statement.map((s) => s.Principal)).toEqual([
      { AWS: "arn:aws:iam::123456789012:root" },
      { AWS: ["arn:aws:iam::123456789012:role/key-admin"] },
    ]);
    expect(statement(policy, "KeyAdministrators")?.Action).not.toContain("kms:Decrypt");
  });

  it("lets S3 log delivery use only the log bucket's key, limited to this account", () => {
    const logKey = statement(policyOf("aws:kms/key:Key", "logs-key"), "S3LogDeliveryEncrypts");
    expect(logKey).toMatchObject({ Principal: { Service: "logging.s3.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } });
    expect(statement(policyOf("aws:kms/key:Key", "data-key"), "S3LogDeliveryEncrypts")).toBeUndefined();
  });

  it("blocks all public access and disables ACLs", () => {
    expect(inputsOf("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "data-public-access-block")).toMatchObject({
      blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    });
    expect(inputsOf("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "data-ownership").rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
  });

  it("versions objects and expires only non-current versions of data", () => {
    expect(inputsOf("aws:s3/bucketVersioning:BucketVersioning", "data-versioning").versioningConfiguration).toEqual({ status: "Enabled" });
    const rules = inputsOf("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "data-lifecycle").rules as { id: string }[];
    expect(rules.map((rule) => rule.id)).toEqual(["expire-noncurrent-versions", "abort-incomplete-uploads"]);
    const logRules = inputsOf("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "logs-lifecycle").rules as { id: string; expiration?: { days: number } }[];
    expect(logRules.find((rule) => rule.id === "expire-objects")?.expiration).toEqual({ days: 365 });
  });

  it("denies non-TLS and pre-1.2 TLS requests to the bucket and its objects", async () => {
    const policy = policyOf("aws:s3/bucketPolicy:BucketPolicy", "data-policy");
    const arn = await valueOf(data.bucketArn);
    expect(statement(policy, "DenyInsecureTransport")).toEqual({
      Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [arn, `${arn}/*`],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    expect(statement(policy, "DenyTlsBelow12")?.Condition).toEqual({ NumericLessThan: { "s3:TlsVersion": "1.2" } });
  });

  it("denies uploads asking for SSE-S3, SSE-C or another key, but not uploads relying on the default", async () => {
    const policy = policyOf("aws:s3/bucketPolicy:BucketPolicy", "data-policy");
    expect(statement(policy, "DenyOtherEncryptionThanKms")?.Condition).toEqual({
      StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
      // Only when the header is present: a missing header means "use the bucket default".
      Null: { "s3:x-amz-server-side-encryption": "false" },
    });
    expect(statement(policy, "DenyOtherKmsKey")?.Condition).toEqual({
      StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": await valueOf(data.keyArn) },
      Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
    });
    expect(statement(policy, "DenyCustomerProvidedKeys")?.Condition).toEqual({ Null: { "s3:x-amz-server-side-encryption-customer-algorithm": "false" } });
    expect(policy.Statement.filter((s) => s.Effect === "Allow")).toEqual([]);
  });

  it("logs access into the log bucket, and the log bucket accepts S3 log delivery only from this account", async () => {
    const logging = inputsOf("aws:s3/bucketLogging:BucketLogging", "data-logging");
    expect(logging).toMatchObject({ targetBucket: await valueOf(logs.bucketName), targetPrefix: "data/" });
    expect(created.some((r) => r.name === "logs-logging")).toBe(false);
    expect(statement(policyOf("aws:s3/bucketPolicy:BucketPolicy", "logs-policy"), "S3LogDeliveryWrites")).toMatchObject({
      Effect: "Allow", Principal: { Service: "logging.s3.amazonaws.com" }, Action: "s3:PutObject",
      Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
    });
  });

  it("enables object lock at creation and sets the default retention", () => {
    expect(inputsOf("aws:s3/bucket:Bucket", "data").objectLockEnabled).toBe(true);
    expect(inputsOf("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "data-object-lock").rule).toEqual({ defaultRetention: { mode: "COMPLIANCE", days: 30 } });
    expect(created.some((r) => r.name === "logs-object-lock")).toBe(false);
  });

  it("tags the key and the bucket", () => {
    expect(inputsOf("aws:s3/bucket:Bucket", "data").tags).toEqual({ Environment: "test", "mlops.io/data-classification": "confidential" });
    expect(inputsOf("aws:kms/key:Key", "data-key").tags).toEqual(inputsOf("aws:s3/bucket:Bucket", "data").tags);
  });

  it.each([
    [{ kmsDeletionWindowDays: 7 }, "kmsDeletionWindowDays = 7: must be a whole number from 14 to 30"],
    [{ kmsRotationPeriodDays: 30 }, "kmsRotationPeriodDays = 30: must be a whole number from 90 to 2560"],
    [{ accessLogs: undefined }, "accessLogs is required"],
    [{ receivesAccessLogs: true }, "must not send its own access logs"],
  ])("refuses unsafe arguments %j before registering anything", async (override, message) => {
    await settle();
    const before = created.length;
    expect(() => new EncryptedBucket("bad", { accessLogs: { bucket: "b", prefix: "p/" }, tags: {}, ...override })).toThrow(message);
    await settle();
    expect(created.length).toBe(before);
  });
});
