import type { PolicyResource } from "@pulumi/policy";
import { bucketName, childrenOf, configures } from "../../../policypacks/ml-guard/lib/buckets";
import { dependsOnThrough, isInNamespace, objectName, ofKind, ofTypes, selection, type StackResource } from "../../../policypacks/ml-guard/lib/stack";
import { groupedBy, ofKindInNamespace, ofKindNamedOrReferenced } from "../../../policypacks/ml-guard/lib/stackIndexes";

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

describe("ofKind and ofKindInNamespace", () => {
  const NAMESPACE = "kubernetes:core/v1:Namespace";
  const QUOTA = "kubernetes:core/v1:ResourceQuota";
  const vision = item(NAMESPACE, "vision", { metadata: { name: "vision" } });
  const pending = item(NAMESPACE, "pending", { metadata: { name: UNKNOWN } });
  const quota = (name: string, namespace: string, dependsOn: Record<string, StackResource[]> = {}) => item(QUOTA, name, { metadata: { namespace } }, dependsOn);
  const stack = [
    quota("first-unnamed", UNKNOWN, { metadata: [vision] }),
    vision,
    quota("vision-a", "vision"),
    quota("nlp", "nlp"),
    quota("elsewhere-unnamed", UNKNOWN, { metadata: [pending] }),
    quota("vision-b", "vision"),
    pending,
    item("kubernetes:core/v1:LimitRange", "limits", { metadata: { namespace: "vision" } }),
  ];
  const names = (found: StackResource[]) => found.map((candidate) => candidate.resource.name);

  it("selects one kind once per stack, in stack order", () => {
    expect(names(ofKind(stack, "", "ResourceQuota"))).toEqual(["first-unnamed", "vision-a", "nlp", "elsewhere-unnamed", "vision-b"]);
    expect(ofKind(stack, "", "ResourceQuota")).toBe(ofKind(stack, "", "ResourceQuota"));
    expect(names(ofKind(stack, "", "Namespace"))).toEqual(["vision", "pending"]);
  });

  it("finds the objects of a namespace by name and, for those whose namespace is unknown, by dependency, in stack order: as filtering with isInNamespace does", () => {
    for (const namespace of [vision, pending, item(NAMESPACE, "nlp", { metadata: { name: "nlp" } }), item(NAMESPACE, "empty", { metadata: { name: "empty" } })]) {
      const expected = ofKind(stack, "", "ResourceQuota").filter((candidate) => isInNamespace(candidate, namespace));
      expect(names(ofKindInNamespace(stack, "", "ResourceQuota", namespace))).toEqual(names(expected));
    }
    expect(names(ofKindInNamespace(stack, "", "ResourceQuota", vision))).toEqual(["first-unnamed", "vision-a", "vision-b"]);
    expect(names(ofKindInNamespace(stack, "", "ResourceQuota", pending))).toEqual(["elsewhere-unnamed"]);
    expect(names(ofKindInNamespace(stack, "", "LimitRange", vision))).toEqual(["limits"]);
  });
});

describe("ofKindNamedOrReferenced", () => {
  const ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role";
  const BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";
  const role = (name: string, roleName: string) => item(ROLE, name, { metadata: { name: roleName, namespace: "vision" } });
  const computed = role("computed", UNKNOWN);
  const stack = [role("reader-nlp", "reader"), computed, role("writer", "writer"), role("reader-vision", "reader")];
  const names = (found: StackResource[]) => found.map((candidate) => candidate.resource.name);
  const scan = (binding: StackResource, name: string | undefined) =>
    ofKind(stack, "rbac.authorization.k8s.io", "Role").filter((candidate) => (name !== undefined && objectName(candidate) === name) || dependsOnThrough(binding.resource, "roleRef", candidate.resource));

  it("finds the roles a binding names or references, in stack order, as scanning every role does", () => {
    const cases: [StackResource, string | undefined][] = [
      [item(BINDING, "by-name", { roleRef: { name: "reader" } }), "reader"],
      [item(BINDING, "by-dependency", { roleRef: { name: UNKNOWN } }, { roleRef: [computed] }), undefined],
      [item(BINDING, "both", { roleRef: { name: "writer" } }, { roleRef: [computed, stack[2]] }), "writer"],
      [item(BINDING, "none", { roleRef: { name: "admin" } }), "admin"],
    ];
    for (const [binding, name] of cases) {
      expect(names(ofKindNamedOrReferenced(stack, "rbac.authorization.k8s.io", "Role", name, binding.resource, "roleRef"))).toEqual(names(scan(binding, name)));
    }
    expect(names(ofKindNamedOrReferenced(stack, "rbac.authorization.k8s.io", "Role", "reader", cases[0][0].resource, "roleRef"))).toEqual(["reader-nlp", "reader-vision"]);
    expect(names(ofKindNamedOrReferenced(stack, "rbac.authorization.k8s.io", "Role", "writer", cases[2][0].resource, "roleRef"))).toEqual(["computed", "writer"]);
  });
});

describe("groupedBy", () => {
  it("groups a selection by key once per stack, each group in stack order, leaving out items without a key", () => {
    let keys = 0;
    const byBucket = groupedBy(ofTypes(SSE), (candidate) => (keys++, typeof candidate.props.bucket === "string" ? candidate.props.bucket : undefined));
    const items = [item(SSE, "a1", { bucket: "a" }), item(BUCKET, "a", { bucket: "a" }), item(SSE, "b", { bucket: "b" }), item(SSE, "a2", { bucket: "a" }), item(SSE, "numbered", { bucket: 7 })];
    const groups = byBucket(items);
    expect([...groups.keys()]).toEqual(["a", "b"]);
    expect(groups.get("a")!.map((found) => found.resource.name)).toEqual(["a1", "a2"]);
    expect(byBucket(items)).toBe(groups);
    expect(keys).toBe(4);
  });
});
