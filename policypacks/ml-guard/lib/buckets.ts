import { S3, isOneOf } from "./aws";
import { dependsOnThrough, ofTypes, type StackResource } from "./stack";
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

/** One selection per list of types (the S3 constants): every bucket looks up its children among them. */
const ofTypeLists = new Map<readonly string[], (items: StackResource[]) => StackResource[]>();

export function childrenOf(items: StackResource[], bucket: StackResource, types: readonly string[], property = "bucket"): StackResource[] {
  let candidates = ofTypeLists.get(types);
  if (candidates === undefined) {
    candidates = ofTypes(...types);
    ofTypeLists.set(types, candidates);
  }
  return candidates(items).filter((item) => configures(item, bucket, property));
}

