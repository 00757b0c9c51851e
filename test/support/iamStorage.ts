/**
 * The platform's buckets, keys and audit trail as the components emit them under the mock runtime,
 * with the policy documents parsed: the tests evaluate what would be deployed, not a hand-made copy.
 * Call installRecordingMocks() in the test file before importing this module.
 */
import { AuditTrail } from "../../components/audit/auditTrail";
import { EncryptedBucket, type EncryptedBucketArgs } from "../../components/storage/encryptedBucket";
import type { PolicyDocument } from "../../components/storage/policyDocuments";
import { servingDataPolicy, trainingDataPolicy } from "../../components/secrets/teamDataAccess";
import { teamBucketPrefix } from "../../components/storage/prefixes";
import { settle, single, valueOf, type CreatedResource } from "./pulumiMocks";
import { ACCOUNT, REGION, roleArn, sessionOf } from "./iamRequests";
import type { IamRequest } from "./iamSimulator";

export interface StoredBucket {
  bucketArn: string;
  keyArn: string;
  /** The key's bare ID and its alias: other names a client may send for the same key. */
  keyId: string;
  keyAlias: string;
  bucketPolicy: PolicyDocument;
  keyPolicy: PolicyDocument;
}

export interface PlatformStorage {
  datasets: StoredBucket;
  artifacts: StoredBucket;
  accessLogs: StoredBucket;
  auditLogs: StoredBucket;
  trailArn: string;
}

/** The roles every key policy names as administrator and as user (EncryptedBucketArgs). */
export const KEY_ADMINISTRATOR_ROLE = "key-admin";
export const KEY_USER_ROLE = "key-user";

async function stored(created: CreatedResource[], name: string, bucket: EncryptedBucket): Promise<StoredBucket> {
  const document = (type: string, resourceName: string) => JSON.parse(single(created, type, resourceName).inputs.policy as string) as PolicyDocument;
  return {
    bucketArn: await valueOf(bucket.bucketArn),
    keyArn: await valueOf(bucket.keyArn),
    keyId: await valueOf(bucket.key.keyId),
    keyAlias: `alias/${name}`,
    bucketPolicy: document("aws:s3/bucketPolicy:BucketPolicy", `${name}-policy`),
    keyPolicy: document("aws:kms/key:Key", `${name}-key`),
  };
}

/** Builds the storage the way MlPlatform does (access logs, datasets, model artifacts, audit trail). */
export async function platformStorage(created: CreatedResource[]): Promise<PlatformStorage> {
  const keySettings = { keyAdministratorArns: [roleArn(KEY_ADMINISTRATOR_ROLE)], keyUserArns: [roleArn(KEY_USER_ROLE)] };
  const tags = { Environment: "test" };
  const accessLogs = new EncryptedBucket("access-logs", { ...keySettings, receivesAccessLogs: true, tags });
  const dataBucket = (name: string, extra: Partial<EncryptedBucketArgs> = {}) =>
    new EncryptedBucket(name, { ...keySettings, ...extra, accessLogs: { bucket: accessLogs.bucketName, prefix: `${name}/` }, tags });
  const datasets = dataBucket("datasets");
  const artifacts = dataBucket("model-artifacts", { objectLock: { mode: "COMPLIANCE", retentionDays: 30 } });
  const trail = new AuditTrail("audit", {
    environment: "test",
    region: REGION,
    dataBucketArns: [datasets.bucketArn, artifacts.bucketArn],
    accessLogBucket: accessLogs.bucketName,
    retention: { mode: "COMPLIANCE", days: 365 },
    keySettings,
    tags,
  });
  const trailArn = await valueOf(trail.trail.arn);
  await settle();
  return {
    datasets: await stored(created, "datasets", datasets),
    artifacts: await stored(created, "model-artifacts", artifacts),
    accessLogs: await stored(created, "access-logs", accessLogs),
    auditLogs: await stored(created, "audit-logs", trail.bucket),
    trailArn,
  };
}

/** Who makes a request: the principal and the policies attached to it. */
export interface Caller {
  principal: string;
  identityPolicies: PolicyDocument[];
}

/** A team's `training` or `serving` pod: a session of the team's role, with that role's data policy. */
export function teamCaller(storage: PlatformStorage, team: string, workload: "training" | "serving"): Caller {
  const buckets = { datasets: storage.datasets, artifacts: storage.artifacts };
  const policy = workload === "training" ? trainingDataPolicy : servingDataPolicy;
  return { principal: sessionOf(`${team}-${workload}`), identityPolicies: [policy(teamBucketPrefix(team), buckets, REGION)] };
}

/**
 * An S3 request on a bucket (key undefined) or one of its objects, judged with the bucket's policy.
 * EncryptedBucket turns on all four Block Public Access flags.
 */
export function s3Request(caller: Caller, action: string, bucket: StoredBucket, key: string | undefined, context: Record<string, string>): IamRequest {
  return {
    ...caller,
    action,
    resource: key === undefined ? bucket.bucketArn : `${bucket.bucketArn}/${key}`,
    resourceAccount: ACCOUNT,
    context,
    resourcePolicy: bucket.bucketPolicy,
    blockPublicAccess: true,
  };
}

/** A KMS request on a bucket's key, judged with the key policy. */
export function kmsRequest(caller: Caller, action: string, bucket: StoredBucket, context: Record<string, string> = {}): IamRequest {
  return { ...caller, action, resource: bucket.keyArn, resourceAccount: ACCOUNT, context, resourcePolicy: bucket.keyPolicy };
}
