import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bucketPolicy, keyPolicy } from "./policyDocuments";

/** Where a bucket's S3 server access logs go. */
export interface AccessLogDestination {
  /** Name of the log bucket (an EncryptedBucket created with `receivesAccessLogs: true`). */
  bucket: pulumi.Input<string>;
  /** Key prefix for this bucket's logs, e.g. `datasets/`. */
  prefix: string;
}

export interface ObjectLockSettings {
  /** GOVERNANCE lets privileged users lift the lock; COMPLIANCE lets nobody. */
  mode: "GOVERNANCE" | "COMPLIANCE";
  /** Days each new object version is locked. */
  retentionDays: number;
}

export interface EncryptedBucketArgs {
  /** Tags on the bucket and its key; add environment, owner and data classification. */
  tags: Record<string, string>;
  /**
   * Where server access logs go. Required unless this bucket is itself the log bucket
   * (`receivesAccessLogs: true`), which must not log into itself.
   */
  accessLogs?: AccessLogDestination;
  /** This bucket receives S3 server access logs: grants the S3 log delivery service write and key use. Default false. */
  receivesAccessLogs?: boolean;
  /** IAM principals besides the account root that administer the key. Default none. */
  keyAdministratorArns?: string[];
  /** IAM principals that may use the key directly. Default none (use IAM policies through the root grant). */
  keyUserArns?: string[];
  /** KMS key deletion window in days, 14-30. Default 30. */
  kmsDeletionWindowDays?: number;
  /** KMS automatic rotation period in days, 90-2560. Default 365. */
  kmsRotationPeriodDays?: number;
  /** Days non-current object versions are kept. Default 90. */
  noncurrentVersionRetentionDays?: number;
  /** Days current objects are kept (for log buckets); default: kept until deleted. */
  expireObjectsAfterDays?: number;
  /** Write-once retention for every new object version (model artifacts); default off. */
  objectLock?: ObjectLockSettings;
  /** ARN of the one CloudTrail trail allowed to deliver into this bucket (and use its key). Default none. */
  cloudTrailArn?: pulumi.Input<string>;
  /** Refuse every object deletion, for audit logs. Default false. */
  denyDeletes?: boolean;
}

/** Secure defaults, in one place. */
const DEFAULTS = {
  kmsDeletionWindowDays: 30,
  kmsRotationPeriodDays: 365,
  noncurrentVersionRetentionDays: 90,
  abortIncompleteUploadsAfterDays: 7,
} as const;
const MIN_DELETION_WINDOW_DAYS = 14;

function validate(name: string, args: EncryptedBucketArgs): void {
  const window = args.kmsDeletionWindowDays ?? DEFAULTS.kmsDeletionWindowDays;
  if (!Number.isInteger(window) || window < MIN_DELETION_WINDOW_DAYS || window > 30) {
    throw new Error(`EncryptedBucket ${name}: kmsDeletionWindowDays = ${window}: must be a whole number from ${MIN_DELETION_WINDOW_DAYS} to 30`);
  }
  const rotation = args.kmsRotationPeriodDays ?? DEFAULTS.kmsRotationPeriodDays;
  if (!Number.isInteger(rotation) || rotation < 90 || rotation > 2560) {
    throw new Error(`EncryptedBucket ${name}: kmsRotationPeriodDays = ${rotation}: must be a whole number from 90 to 2560`);
  }
  if (!args.accessLogs && !args.receivesAccessLogs) {
    throw new Error(`EncryptedBucket ${name}: accessLogs is required (only the access-log bucket itself, receivesAccessLogs: true, may omit it)`);
  }
  if (args.accessLogs && args.receivesAccessLogs) {
    throw new Error(`EncryptedBucket ${name}: a bucket that receives access logs must not send its own access logs (delivery would loop)`);
  }
}

/**
 * An S3 bucket encrypted with its own customer-managed KMS key: SSE-KMS with bucket keys, all four
 * public-access-block flags, ACLs disabled, versioning, a TLS-only bucket policy that refuses other
 * encryption, access logging, lifecycle rules and optional object lock.
 */
export class EncryptedBucket extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;
  readonly bucket: aws.s3.Bucket;
  /** The bucket's name (physical, auto-named). */
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  readonly keyArn: pulumi.Output<string>;

  constructor(name: string, args: EncryptedBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate before registering anything, so bad arguments leave nothing half-created.
    validate(name, args);
    super("secure-ml:storage:EncryptedBucket", name, {}, opts);
    const parent = { parent: this };
    const receivesAccessLogs = args.receivesAccessLogs ?? false;
    const identity = aws.getCallerIdentityOutput({}, parent);
    const partition = identity.arn.apply((arn) => arn.split(":")[1]);

    this.key = new aws.kms.Key(`${name}-key`, {
      description: `Encrypts the ${name} bucket`,
      enableKeyRotation: true,
      rotationPeriodInDays: args.kmsRotationPeriodDays ?? DEFAULTS.kmsRotationPeriodDays,
      deletionWindowInDays: args.kmsDeletionWindowDays ?? DEFAULTS.kmsDeletionWindowDays,
      policy: pulumi.all([identity.accountId, partition, args.cloudTrailArn]).apply(([accountId, partitionName, cloudTrailArn]) =>
        JSON.stringify(
          keyPolicy({
            accountId,
            partition: partitionName,
            administratorArns: args.keyAdministratorArns ?? [],
            userArns: args.keyUserArns ?? [],
            allowS3LogDelivery: receivesAccessLogs,
            cloudTrailArn,
          }),
        ),
      ),
      tags: args.tags,
    }, parent);
    new aws.kms.Alias(`${name}-key-alias`, { name: `alias/${name}`, targetKeyId: this.key.keyId }, parent);

    this.bucket = new aws.s3.Bucket(name, {
      objectLockEnabled: args.objectLock ? true : undefined,
      forceDestroy: false,
      tags: args.tags,
    }, parent);
    const bucketId = this.bucket.id;

    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-sse`, {
      bucket: bucketId,
      rules: [{
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.key.arn },
        bucketKeyEnabled: true,
        blockedEncryptionTypes: ["SSE-C"],
      }],
    }, parent);
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(`${name}-public-access-block`, {
      bucket: bucketId,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }, parent);
    new aws.s3.BucketOwnershipControls(`${name}-ownership`, {
      bucket: bucketId,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    }, parent);
    const versioning = new aws.s3.BucketVersioning(`${name}-versioning`, {
      bucket: bucketId,
      versioningConfiguration: { status: "Enabled" },
    }, parent);
    // The policy is attached after the public access block so S3 judges it with the block in place.
    new aws.s3.BucketPolicy(`${name}-policy`, {
      bucket: bucketId,
      policy: pulumi.all([this.bucket.arn, this.key.arn, identity.accountId, args.cloudTrailArn]).apply(([bucketArn, keyArn, accountId, cloudTrailArn]) =>
        JSON.stringify(bucketPolicy({ bucketArn, keyArn, accountId, allowS3LogDelivery: receivesAccessLogs, cloudTrailArn, denyDeletes: args.denyDeletes })),
      ),
    }, { parent: this, dependsOn: [publicAccessBlock] });

    if (args.accessLogs) {
      new aws.s3.BucketLogging(`${name}-logging`, {
        bucket: bucketId,
        targetBucket: args.accessLogs.bucket,
        targetPrefix: args.accessLogs.prefix,
        targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
      }, parent);
    }

    new aws.s3.BucketLifecycleConfiguration(`${name}-lifecycle`, {
      bucket: bucketId,
      rules: [
        {
          id: "expire-noncurrent-versions",
          status: "Enabled",
          filter: {},
          noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionRetentionDays ?? DEFAULTS.noncurrentVersionRetentionDays },
        },
        {
          id: "abort-incomplete-uploads",
          status: "Enabled",
          filter: {},
          abortIncompleteMultipartUpload: { daysAfterInitiation: DEFAULTS.abortIncompleteUploadsAfterDays },
        },
        ...(args.expireObjectsAfterDays
          ? [{ id: "expire-objects", status: "Enabled", filter: {}, expiration: { days: args.expireObjectsAfterDays } }]
          : []),
      ],
    }, { parent: this, dependsOn: [versioning] });

    if (args.objectLock) {
      new aws.s3.BucketObjectLockConfiguration(`${name}-object-lock`, {
        bucket: bucketId,
        rule: { defaultRetention: { mode: args.objectLock.mode, days: args.objectLock.retentionDays } },
      }, { parent: this, dependsOn: [versioning, encryption] });
    }

    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    this.keyArn = this.key.arn;
    this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn, keyArn: this.keyArn });
  }
}
