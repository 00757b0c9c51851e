import { S3, isOneOf } from "./aws";
import { dependsOnThrough, type StackResource } from "./stack";
import { asString } from "./values";

/** The bucket's name when known (given, or auto-named once planned). */
export const bucketName = (bucket: StackResource) => asString(bucket.props.bucket) ?? asString(bucket.props.id);

/**
 * Whether `child` (an SSE configuration, a public access block, a policy...) configures `bucket`:
 * its `property` names the bucket, or, while names are still unknown, was computed from it.
 */
export function configures(child: StackResource, bucket: StackResource, property = "bucket"): boolean {
  const name = bucketName(bucket);
  const target = asString(child.props[property]);
  if (name !== undefined && target !== undefined) return name === target;
  return dependsOnThrough(child.resource, property, bucket.resource);
}

export const buckets = (items: StackResource[]) => items.filter((item) => isOneOf(item.resource.type, S3.bucket));

export function childrenOf(items: StackResource[], bucket: StackResource, types: readonly string[], property = "bucket"): StackResource[] {
  return items.filter((item) => isOneOf(item.resource.type, types) && configures(item, bucket, property));
}

