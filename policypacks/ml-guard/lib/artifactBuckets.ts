import { S3 } from "./aws";
import { bucketName } from "./buckets";
import { coversAction, reachesAll, reachesSome, type GrantStatement } from "./iamGrants";
import type { StackResource } from "./stack";
import { asRecord, isUnknown } from "./values";

/** S3 actions that create, replace, delete or re-permission objects (or their versions, tags, retention). */
export const OBJECT_WRITE_ACTIONS = [
  "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectAcl", "s3:PutObjectVersionAcl",
  "s3:PutObjectTagging", "s3:PutObjectVersionTagging", "s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging",
  "s3:PutObjectRetention", "s3:PutObjectLegalHold", "s3:BypassGovernanceRetention",
  "s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags",
];

const BUCKET_ROLE_TAG = "mlops.io/bucket-role";
const MODEL_ARTIFACTS = "model-artifacts";

/** The model-artifacts buckets of a stack, as object ARN prefixes (`arn:aws:s3:::<bucket>/`). */
export interface ArtifactBuckets {
  /** Buckets tagged mlops.io/bucket-role=model-artifacts whose names are known. */
  prefixes: string[];
  /** Some bucket may hold artifacts but its name, or its role tag, is unknown until apply. */
  undecided: boolean;
  /** Buckets known to hold something else. */
  others: string[];
}

export function artifactBucketsOf(items: StackResource[]): ArtifactBuckets {
  const buckets = items.filter((item) => (S3.bucket as readonly string[]).includes(item.resource.type));
  const roleOf = (bucket: StackResource) => (isUnknown(bucket.props.tags) ? bucket.props.tags : asRecord(bucket.props.tags)[BUCKET_ROLE_TAG]);
  const prefixOf = (bucket: StackResource) => (bucketName(bucket) === undefined ? undefined : `arn:aws:s3:::${bucketName(bucket)}/`);
  const known = (prefixes: (string | undefined)[]) => prefixes.filter((prefix): prefix is string => prefix !== undefined);
  const artifacts = buckets.filter((bucket) => roleOf(bucket) === MODEL_ARTIFACTS);
  return {
    prefixes: known(artifacts.map(prefixOf)),
    undecided: artifacts.some((bucket) => prefixOf(bucket) === undefined) || buckets.some((bucket) => isUnknown(roleOf(bucket))),
    others: known(buckets.filter((bucket) => roleOf(bucket) !== MODEL_ARTIFACTS && !isUnknown(roleOf(bucket))).map(prefixOf)),
  };
}

/** The write actions `statement` allows on objects under `prefix` that no unconditional Deny in `denials` takes back there entirely. */
export function writesUnder(statement: GrantStatement, prefix: string, denials: GrantStatement[]): string[] {
  if (!reachesSome(statement, prefix)) return [];
  return OBJECT_WRITE_ACTIONS.filter((action) => coversAction(statement, action) && !denials.some((deny) => coversAction(deny, action) && reachesAll(deny, prefix)));
}

/** Whether the statement can only reach buckets known to hold something other than model artifacts. */
export const reachesOnlyOthers = (statement: GrantStatement, buckets: ArtifactBuckets) =>
  !statement.hasNotResource && statement.resources.length > 0 &&
  statement.resources.every((resource) => buckets.others.some((prefix) => resource.startsWith(prefix) || resource === prefix.slice(0, -1)));
