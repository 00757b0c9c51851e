import type { PolicyResource } from "@pulumi/policy";
import { bucketName, childrenOf, configures } from "../../../policypacks/ml-guard/lib/buckets";
import { isInNamespace, ofTypes, selection, type StackResource } from "../../../policypacks/ml-guard/lib/stack";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const BUCKET = "aws:s3/bucket:Bucket";
const SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";

/** A stack resource whose listed properties were computed from the given resources' outputs. */
function item(type: string, name: string, props: Record<string, unknown>, dependsOn: Record<string, StackResource[]> = {}): StackResource {
  const propertyDependencies = Object.fromEntries(Object.entries(dependsOn).map(([property, targets]) => [property, targets.map((target) => target.resource)]));
  const resource = { type, name, urn: `urn:pulumi:test::test::${type}::${name}`, props, propertyDependencies } as unknown as PolicyResource;
  return { resource, props };
}

describe("bucketName", () => {
  it("prefers the given name, then the planned id", () => {
    expect(bucketName(item(BUCKET, "b", { bucket: "models", id: "other" }))).toBe("models");
    expect(bucketName(item(BUCKET, "b", { id: "models-1a2b" }))).toBe("models-1a2b");
    expect(bucketName(item(BUCKET, "b", { bucket: UNKNOWN }))).toBeUndefined();
  });
});

describe("configures", () => {
  const models = item(BUCKET, "models", { bucket: "models" });
  const unnamedA = item(BUCKET, "a", { bucket: UNKNOWN });
  const unnamedB = item(BUCKET, "b", { bucket: UNKNOWN });

  it("compares names when both are known", () => {
    expect(configures(item(SSE, "s", { bucket: "models" }), models)).toBe(true);
    expect(configures(item(SSE, "s", { bucket: "datasets" }), models)).toBe(false);
  });

  it("a known name mismatch wins over a recorded dependency", () => {
    expect(configures(item(SSE, "s", { bucket: "datasets" }, { bucket: [models] }), models)).toBe(false);
  });

  it("follows the engine's dependencies while a name is unknown", () => {
    const child = item(SSE, "s", { bucket: UNKNOWN }, { bucket: [unnamedA] });
    expect(configures(child, unnamedA)).toBe(true);
    expect(configures(child, unnamedB)).toBe(false);
    expect(configures(item(SSE, "s", { bucket: "models" }, { bucket: [unnamedA] }), unnamedA)).toBe(true);
    expect(configures(item(SSE, "s", { bucket: UNKNOWN }), models)).toBe(false);
  });

  it("reads the property it is told to", () => {
    expect(configures(item("aws:s3/bucketLogging:BucketLogging", "l", { bucket: "datasets", targetBucket: "models" }), models, "targetBucket")).toBe(true);
    expect(configures(item("aws:s3/bucketLogging:BucketLogging", "l", { bucket: "models", targetBucket: "logs" }), models, "targetBucket")).toBe(false);
  });
});

describe("childrenOf", () => {
  it("keeps resources of the given types that configure the bucket", () => {
    const models = item(BUCKET, "models", { bucket: "models" });
    const items = [models, item(SSE, "mine", { bucket: "models" }), item(SSE, "theirs", { bucket: "datasets" }), item("aws:s3/bucketPolicy:BucketPolicy", "policy", { bucket: "models" })];
    expect(childrenOf(items, models, [SSE]).map((child) => child.resource.name)).toEqual(["mine"]);
  });
});

describe("isInNamespace", () => {
  const NAMESPACE = "kubernetes:core/v1:Namespace";
  const QUOTA = "kubernetes:core/v1:ResourceQuota";
  const vision = item(NAMESPACE, "vision", { metadata: { name: "vision" } });
  const unnamed = item(NAMESPACE, "n", { metadata: { name: UNKNOWN } });
  const other = item(NAMESPACE, "o", { metadata: { name: UNKNOWN } });

  it("compares names when both are known, whatever the dependencies say", () => {
    expect(isInNamespace(item(QUOTA, "q", { metadata: { namespace: "vision" } }), vision)).toBe(true);
    expect(isInNamespace(item(QUOTA, "q", { metadata: { namespace: "nlp" } }, { metadata: [vision] }), vision)).toBe(false);
  });

  it("follows the metadata dependency while a name is unknown", () => {
    const quota = item(QUOTA, "q", { metadata: { namespace: UNKNOWN } }, { metadata: [unnamed] });
    expect(isInNamespace(quota, unnamed)).toBe(true);
    expect(isInNamespace(quota, other)).toBe(false);
    expect(isInNamespace(item(QUOTA, "q", { metadata: {} }), unnamed)).toBe(false);
  });
});

describe("selection and ofTypes", () => {
  it("filter a stack once however many subjects look it up, in stack order", () => {
    let calls = 0;
    const buckets = selection((candidate) => (calls++, candidate.resource.type === BUCKET));
    const items = [item(BUCKET, "a", {}), item(SSE, "sse", {}), item(BUCKET, "b", {})];
    expect(buckets(items).map((found) => found.resource.name)).toEqual(["a", "b"]);
    expect(buckets(items)).toBe(buckets(items));
    expect(calls).toBe(3);
    // Another stack (another rule's items) is filtered on its own.
    expect(buckets([item(SSE, "x", {})])).toEqual([]);
    expect(ofTypes(SSE, BUCKET)(items).map((found) => found.resource.name)).toEqual(["a", "sse", "b"]);
  });
});
