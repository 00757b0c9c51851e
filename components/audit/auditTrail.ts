import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EncryptedBucket, type EncryptedBucketArgs } from "../storage/encryptedBucket";

export interface AuditTrailArgs {
  environment: string;
  region: string;
  /** Buckets whose object reads and writes are recorded (datasets, model artifacts). */
  dataBucketArns: pulumi.Input<string>[];
  /** Where the trail bucket's own access logs go. */
  accessLogBucket: pulumi.Input<string>;
  /** Record every region's management events too. Default true. */
  multiRegion?: boolean;
  /** Write-once retention of the log files. */
  retention: { mode: "GOVERNANCE" | "COMPLIANCE"; days: number };
  /** Key settings shared with the platform's other buckets. */
  keySettings: Pick<EncryptedBucketArgs, "keyAdministratorArns" | "keyUserArns" | "kmsDeletionWindowDays" | "kmsRotationPeriodDays">;
  tags: Record<string, string>;
}

/**
 * Who read or wrote which dataset or model: a CloudTrail trail with S3 data events for the data
 * buckets, log file validation on, KMS-encrypted, delivered to its own EncryptedBucket with object
 * lock and deletions refused.
 */
export class AuditTrail extends pulumi.ComponentResource {
  readonly trail: aws.cloudtrail.Trail;
  readonly bucket: EncryptedBucket;

  constructor(name: string, args: AuditTrailArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-ml:audit:AuditTrail", name, {}, opts);
    const trailName = `ml-${args.environment}-data-access`;
    // The trail's ARN is known before it exists, which breaks the bucket-policy/trail cycle.
    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const trailArn = pulumi.interpolate`arn:${identity.arn.apply((arn) => arn.split(":")[1])}:cloudtrail:${args.region}:${identity.accountId}:trail/${trailName}`;

    this.bucket = new EncryptedBucket(`${name}-logs`, {
      ...args.keySettings,
      cloudTrailArn: trailArn,
      denyDeletes: true,
      objectLock: { mode: args.retention.mode, retentionDays: args.retention.days },
      accessLogs: { bucket: args.accessLogBucket, prefix: "cloudtrail/" },
      noncurrentVersionRetentionDays: args.retention.days,
      tags: { ...args.tags, "mlops.io/bucket-role": "audit-logs" },
    }, { parent: this });

    this.trail = new aws.cloudtrail.Trail(name, {
      name: trailName,
      s3BucketName: this.bucket.bucketName,
      kmsKeyId: this.bucket.keyArn,
      enableLogFileValidation: true,
      isMultiRegionTrail: args.multiRegion ?? true,
      includeGlobalServiceEvents: true,
      advancedEventSelectors: [
        { name: "Management events", fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] },
        {
          name: "Dataset and model object reads and writes",
          fieldSelectors: [
            { field: "eventCategory", equals: ["Data"] },
            { field: "resources.type", equals: ["AWS::S3::Object"] },
            { field: "resources.ARN", startsWiths: args.dataBucketArns.map((arn) => pulumi.interpolate`${arn}/`) },
          ],
        },
      ],
      tags: args.tags,
    }, { parent: this, dependsOn: [this.bucket] });
    this.registerOutputs({ trailArn: this.trail.arn });
  }
}
