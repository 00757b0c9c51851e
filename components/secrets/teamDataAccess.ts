import type { PolicyDocument, PolicyStatement } from "../storage/policyDocuments";

/** A bucket and the KMS key its objects are encrypted with. */
export interface TeamBucket {
  bucketArn: string;
  keyArn: string;
}

/** The shared buckets a team's workloads use, each holding the team's prefix. */
export interface TeamBuckets {
  datasets: TeamBucket;
  artifacts: TeamBucket;
}

/** The cluster's IAM OIDC provider, which IRSA web identity tokens are exchanged through. */
export interface OidcProvider {
  /** `arn:aws:iam::<account>:oidc-provider/<issuer host and path>`. */
  arn: string;
  /** The cluster's issuer, e.g. `https://oidc.eks.us-west-2.amazonaws.com/id/ABC`. */
  issuerUrl: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/(.+)$/;

/** The issuer as IAM names it in condition keys: without the scheme. */
function issuerKeyPrefix(provider: OidcProvider): string {
  if (!provider.issuerUrl.startsWith("https://")) {
    throw new Error(`OIDC provider issuerUrl = ${JSON.stringify(provider.issuerUrl)}: must start with https://`);
  }
  const issuer = provider.issuerUrl.slice("https://".length);
  const named = OIDC_PROVIDER_ARN.exec(provider.arn)?.[1];
  if (named === undefined) {
    throw new Error(`OIDC provider arn = ${JSON.stringify(provider.arn)}: must be arn:aws:iam::<account id>:oidc-provider/<issuer without https://>`);
  }
  // Conditions on another issuer's keys would never match, and every token would be refused.
  if (named !== issuer) {
    throw new Error(`OIDC provider arn = ${JSON.stringify(provider.arn)} names ${named}, but issuerUrl is ${provider.issuerUrl}: both must name the same issuer`);
  }
  return issuer;
}

/**
 * Trust: only web identity tokens that the cluster issued to this one service account of this one
 * namespace, for STS, are exchanged for the role's credentials (IRSA).
 */
export function workloadTrustPolicy(provider: OidcProvider, namespace: string, serviceAccount: string): PolicyDocument {
  const issuer = issuerKeyPrefix(provider);
  if (!DNS_LABEL.test(namespace)) throw new Error(`namespace = ${JSON.stringify(namespace)}: must be a DNS label (lower-case letters, digits and '-', at most 63)`);
  if (!DNS_SUBDOMAIN.test(serviceAccount)) throw new Error(`serviceAccount = ${JSON.stringify(serviceAccount)}: must be a DNS subdomain (lower-case letters, digits, '-' and '.')`);
  return {
    Version: "2012-10-17",
    Statement: [{
      Sid: "ServiceAccountWebIdentity",
      Effect: "Allow",
      Principal: { Federated: provider.arn },
      Action: "sts:AssumeRoleWithWebIdentity",
      Condition: {
        StringEquals: {
          [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
          [`${issuer}:aud`]: "sts.amazonaws.com",
        },
      },
    }],
  };
}

function checkScope(prefix: string, region: string): void {
  // A prefix without the final '/' would also match a longer team name; '*', '?' and '${' widen a grant.
  if (!prefix.endsWith("/") || prefix.startsWith("/") || /[*?$]/.test(prefix)) {
    throw new Error(`bucket prefix = ${JSON.stringify(prefix)}: must end with '/', not start with '/', and hold no '*', '?' or '$'`);
  }
  if (!REGION.test(region)) throw new Error(`region = ${JSON.stringify(region)}: must be an AWS region name such as us-west-2`);
}

const listPrefix = (sid: string, buckets: TeamBucket[], prefix: string): PolicyStatement => ({
  Sid: sid,
  Effect: "Allow",
  Action: "s3:ListBucket",
  Resource: buckets.map((bucket) => bucket.bucketArn),
  Condition: { StringLike: { "s3:prefix": [prefix, `${prefix}*`] } },
});

const objectsUnder = (bucket: TeamBucket, prefix: string) => `${bucket.bucketArn}/${prefix}*`;

/** Key use only as S3 makes it on the caller's behalf: the key cannot decrypt anything handed to KMS directly. */
const keyThroughS3 = (sid: string, actions: string[], buckets: TeamBucket[], region: string): PolicyStatement => ({
  Sid: sid,
  Effect: "Allow",
  Action: actions,
  Resource: buckets.map((bucket) => bucket.keyArn),
  Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } },
});

/**
 * The `training` role: reads the team's prefix of the datasets bucket, reads and writes (never
 * deletes) the team's prefix of the model-artifacts bucket.
 */
export function trainingDataPolicy(prefix: string, buckets: TeamBuckets, region: string): PolicyDocument {
  checkScope(prefix, region);
  return {
    Version: "2012-10-17",
    Statement: [
      listPrefix("ListTeamPrefix", [buckets.datasets, buckets.artifacts], prefix),
      { Sid: "ReadTeamDatasets", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: objectsUnder(buckets.datasets, prefix) },
      { Sid: "ReadWriteTeamArtifacts", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"], Resource: objectsUnder(buckets.artifacts, prefix) },
      keyThroughS3("DecryptThroughS3", ["kms:Decrypt"], [buckets.datasets, buckets.artifacts], region),
      keyThroughS3("EncryptArtifactsThroughS3", ["kms:GenerateDataKey"], [buckets.artifacts], region),
    ],
  };
}

/**
 * The `serving` role: reads the team's prefix of the model-artifacts bucket and nothing else, so a
 * serving pod cannot change the model it serves nor read training data.
 */
export function servingDataPolicy(prefix: string, buckets: TeamBuckets, region: string): PolicyDocument {
  checkScope(prefix, region);
  return {
    Version: "2012-10-17",
    Statement: [
      listPrefix("ListTeamArtifacts", [buckets.artifacts], prefix),
      { Sid: "ReadTeamArtifacts", Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: objectsUnder(buckets.artifacts, prefix) },
      keyThroughS3("DecryptArtifactsThroughS3", ["kms:Decrypt"], [buckets.artifacts], region),
    ],
  };
}
