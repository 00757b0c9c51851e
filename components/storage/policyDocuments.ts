/**
 * IAM policy documents for EncryptedBucket, as pure functions of ARNs so they can be unit-tested
 * and reviewed on their own.
 */

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  /** Resource policies name who; identity policies have none. */
  Principal?: "*" | { AWS?: string | string[]; Service?: string | string[]; Federated?: string };
  Action: string | string[];
  /** Trust policies have none: the role itself is the resource. */
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

const S3_LOG_DELIVERY = "logging.s3.amazonaws.com";
const CLOUDTRAIL = "cloudtrail.amazonaws.com";

const KEY_ADMIN_ACTIONS = [
  "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*",
  "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource",
  "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:RotateKeyOnDemand",
];
const KEY_USE_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

export interface KeyPolicyInput {
  accountId: string;
  partition: string;
  administratorArns: string[];
  userArns: string[];
  /** Lets S3 server access log delivery encrypt log objects with this key. */
  allowS3LogDelivery: boolean;
  /** Lets this CloudTrail trail (and only it) encrypt its log files with this key. */
  cloudTrailArn?: string;
}

/**
 * Key policy: the account root (so IAM policies in the account can delegate, and the key can never be
 * orphaned), named administrators, named users, and, for a log bucket, the S3 log delivery service
 * limited to this account. No `Principal: "*"`.
 */
export function keyPolicy(input: KeyPolicyInput): PolicyDocument {
  const statements: PolicyStatement[] = [
    {
      Sid: "AccountRootAdministersKey",
      Effect: "Allow",
      Principal: { AWS: `arn:${input.partition}:iam::${input.accountId}:root` },
      Action: "kms:*",
      Resource: "*",
    },
  ];
  if (input.administratorArns.length > 0) {
    statements.push({ Sid: "KeyAdministrators", Effect: "Allow", Principal: { AWS: input.administratorArns }, Action: KEY_ADMIN_ACTIONS, Resource: "*" });
  }
  if (input.userArns.length > 0) {
    statements.push({ Sid: "KeyUsers", Effect: "Allow", Principal: { AWS: input.userArns }, Action: KEY_USE_ACTIONS, Resource: "*" });
  }
  if (input.allowS3LogDelivery) {
    statements.push({
      Sid: "S3LogDeliveryEncrypts",
      Effect: "Allow",
      Principal: { Service: S3_LOG_DELIVERY },
      Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": input.accountId } },
    });
  }
  if (input.cloudTrailArn) {
    statements.push({
      Sid: "CloudTrailEncryptsLogs",
      Effect: "Allow",
      Principal: { Service: CLOUDTRAIL },
      Action: "kms:GenerateDataKey*",
      Resource: "*",
      Condition: {
        StringEquals: { "aws:SourceArn": input.cloudTrailArn },
        StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:${input.partition}:cloudtrail:*:${input.accountId}:trail/*` },
      },
    }, {
      Sid: "CloudTrailDescribesKey",
      Effect: "Allow",
      Principal: { Service: CLOUDTRAIL },
      Action: "kms:DescribeKey",
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceArn": input.cloudTrailArn } },
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

export interface BucketPolicyInput {
  bucketArn: string;
  keyArn: string;
  accountId: string;
  /** Lets S3 server access log delivery write into this bucket. */
  allowS3LogDelivery: boolean;
  /** Lets this CloudTrail trail (and only it) deliver log files into this bucket. */
  cloudTrailArn?: string;
  /** Refuses every object deletion (audit logs): the record cannot be erased, even by an administrator. */
  denyDeletes?: boolean;
}

const SSE_HEADER = "s3:x-amz-server-side-encryption";
const SSE_KMS_KEY_HEADER = "s3:x-amz-server-side-encryption-aws-kms-key-id";
const SSE_C_HEADER = "s3:x-amz-server-side-encryption-customer-algorithm";

/**
 * Bucket policy: TLS only (and TLS 1.2 or later). An upload that names an encryption must name
 * SSE-KMS with this bucket's key, by its ARN: S3 would otherwise encrypt with SSE-S3, SSE-C, DSSE,
 * another key, or (for `aws:kms` without a key id) the AWS managed key aws/s3. An upload that sends
 * no encryption header gets the bucket default, this key (requiring the header would break it).
 * A bucket that receives logs accepts object writes only from the log delivery it names.
 */
export function bucketPolicy(input: BucketPolicyInput): PolicyDocument {
  const bucketAndObjects = [input.bucketArn, `${input.bucketArn}/*`];
  const objects = `${input.bucketArn}/*`;
  const statements: PolicyStatement[] = [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: bucketAndObjects,
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
    {
      Sid: "DenyTlsBelow12",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: bucketAndObjects,
      Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
    },
    {
      Sid: "DenyOtherEncryptionThanKms",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: objects,
      Condition: { StringNotEquals: { [SSE_HEADER]: "aws:kms" }, Null: { [SSE_HEADER]: "false" } },
    },
    {
      // `aws:kms` (or `aws:kms:dsse`) without a key id means the AWS managed key aws/s3, not the bucket default.
      Sid: "DenySseHeaderWithoutKeyId",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: objects,
      Condition: { Null: { [SSE_HEADER]: "false", [SSE_KMS_KEY_HEADER]: "true" } },
    },
    {
      // Compared as sent: the key's ID or an alias is refused too, only the ARN names this key everywhere.
      Sid: "DenyOtherKmsKey",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: objects,
      Condition: { StringNotEquals: { [SSE_KMS_KEY_HEADER]: input.keyArn }, Null: { [SSE_KMS_KEY_HEADER]: "false" } },
    },
    {
      Sid: "DenyCustomerProvidedKeys",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: objects,
      Condition: { Null: { [SSE_C_HEADER]: "false" } },
    },
  ];
  const notLogDelivery = notFromLogDelivery(input);
  if (notLogDelivery) {
    statements.push({
      // Without it any principal of the account with s3:PutObject in an IAM policy could add forged log
      // files; a replication rule could copy them (or delete markers) in.
      Sid: "DenyWritesExceptLogDelivery",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:PutObject", "s3:ReplicateObject", "s3:ReplicateDelete"],
      Resource: objects,
      Condition: notLogDelivery,
    });
  }
  if (input.cloudTrailArn) {
    statements.push({
      Sid: "CloudTrailChecksAcl",
      Effect: "Allow",
      Principal: { Service: CLOUDTRAIL },
      Action: "s3:GetBucketAcl",
      Resource: input.bucketArn,
      Condition: { StringEquals: { "aws:SourceArn": input.cloudTrailArn } },
    }, {
      Sid: "CloudTrailWritesLogs",
      Effect: "Allow",
      Principal: { Service: CLOUDTRAIL },
      Action: "s3:PutObject",
      Resource: `${input.bucketArn}/AWSLogs/${input.accountId}/*`,
      Condition: { StringEquals: { "aws:SourceArn": input.cloudTrailArn, "s3:x-amz-acl": "bucket-owner-full-control" } },
    });
  }
  if (input.denyDeletes) {
    statements.push({
      Sid: "DenyLogDeletion",
      Effect: "Deny",
      Principal: "*",
      Action: ["s3:DeleteObject", "s3:DeleteObjectVersion"],
      Resource: bucketAndObjects,
    });
  }
  if (input.allowS3LogDelivery) {
    statements.push({
      Sid: "S3LogDeliveryWrites",
      Effect: "Allow",
      Principal: { Service: S3_LOG_DELIVERY },
      Action: "s3:PutObject",
      Resource: objects,
      Condition: { StringEquals: { "aws:SourceAccount": input.accountId } },
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * The condition under which a write to a log bucket comes from none of its log deliveries. Direct
 * requests (users, roles, the root user) carry no aws:SourceArn or aws:SourceAccount, so a negated
 * match holds for them. Each delivery service still needs its own Allow statement.
 */
function notFromLogDelivery(input: BucketPolicyInput): PolicyStatement["Condition"] | undefined {
  const condition: NonNullable<PolicyStatement["Condition"]> = {};
  if (input.cloudTrailArn) condition.ArnNotEquals = { "aws:SourceArn": input.cloudTrailArn };
  if (input.allowS3LogDelivery) condition.StringNotEquals = { "aws:SourceAccount": input.accountId };
  return Object.keys(condition).length > 0 ? condition : undefined;
}
