import type { PolicyDocument } from "../storage/policyDocuments";

export interface TeamBucket {
  bucketArn: string;
  keyArn: string;
}

/** Trust: only the Vault server's role may assume a team's data role. */
export function vaultTrustPolicy(vaultPrincipalArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "VaultIssuesTeamCredentials", Effect: "Allow", Principal: { AWS: vaultPrincipalArn }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
  };
}

/**
 * What a team's short-lived AWS credentials allow: list, read and write objects under the team's
 * prefix of each bucket, and use each bucket's key through S3 only.
 */
export function teamDataPolicy(prefix: string, buckets: TeamBucket[], region: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ListTeamPrefix",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: buckets.map((bucket) => bucket.bucketArn),
        Condition: { StringLike: { "s3:prefix": [prefix, `${prefix}*`] } },
      },
      {
        Sid: "ReadWriteTeamObjects",
        Effect: "Allow",
        Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject"],
        Resource: buckets.map((bucket) => `${bucket.bucketArn}/${prefix}*`),
      },
      {
        Sid: "UseBucketKeysThroughS3",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: buckets.map((bucket) => bucket.keyArn),
        Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } },
      },
    ],
  };
}
