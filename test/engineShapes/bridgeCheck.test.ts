/**
 * Each change a Terraform-bridged provider's Check makes (aws, vault; FACTs in bridgeCheck.ts),
 * first as the harness models it, then on a resource that violates a rule: the pack must give the
 * same verdict on the registered and on the checked inputs.
 */
import { bridgeCheck } from "./bridgeCheck";
import { goJsonMarshal } from "./goJson";
import { resourceInputs } from "./sdkSchema";
import { bothShapes, registered, urnOf, verdict } from "./shapeCases";
import { UNKNOWN_VALUE } from "./wireValues";

const ADMIN = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
const PUBLIC = (resource: string) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: resource }] });
const check = (type: string, name: string, inputs: Record<string, unknown>, outputs?: Record<string, unknown>) => bridgeCheck(type, urnOf(type, name), name, inputs, { outputs });

describe("the SDK schemas the harness reads (@pulumi/aws 7.48.0, @pulumi/vault 7.8.0)", () => {
  it("types policy documents, booleans and numbers as the provider schema does", () => {
    expect(resourceInputs("aws:iam/role:Role")?.get("assumeRolePolicy")).toEqual({ kind: "jsonDocument" });
    expect(resourceInputs("aws:s3/bucketPolicy:BucketPolicy")?.get("policy")).toEqual({ kind: "jsonDocument" });
    // kms Key.policy is a plain string in the SDK: the provider has no object-to-JSON transform for it.
    expect(resourceInputs("aws:kms/key:Key")?.get("policy")).toEqual({ kind: "string" });
    expect(resourceInputs("aws:kms/key:Key")?.get("enableKeyRotation")).toEqual({ kind: "boolean" });
    expect(resourceInputs("aws:kms/key:Key")?.get("deletionWindowInDays")).toEqual({ kind: "number" });
    expect(resourceInputs("vault:kubernetes/authBackendRole:AuthBackendRole")?.get("tokenTtl")).toEqual({ kind: "number" });
    expect(resourceInputs("kubernetes:core/v1:Pod")).toBeUndefined();
  });
});

describe("a bridged provider's Check, as modelled", () => {
  it("marshals an object policy as Go does (keys sorted, HTML characters escaped), keeps a string, and makes a policy with an unknown inside unknown", () => {
    expect(goJsonMarshal({ b: 1, a: ["<x>&"] })).toBe('{"a":["\\u003cx\\u003e\\u0026"],"b":1}');
    expect(check("aws:iam/rolePolicy:RolePolicy", "p", { role: "r", policy: ADMIN }).policy).toBe('{"Statement":[{"Action":"*","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}');
    expect(check("aws:iam/rolePolicy:RolePolicy", "p", { role: "r", policy: JSON.stringify(ADMIN) }).policy).toBe(JSON.stringify(ADMIN));
    expect(check("aws:iam/rolePolicy:RolePolicy", "p", { role: "r", policy: PUBLIC(UNKNOWN_VALUE) }).policy).toBe(UNKNOWN_VALUE);
  });

  it("reads strings given for booleans and integers as Go does, drops nulls, and adds __defaults to blocks but not to maps", () => {
    expect(check("aws:kms/key:Key", "k", { enableKeyRotation: "true", isEnabled: "yes", deletionWindowInDays: "7", description: 5, policy: null, tags: { team: "vision" } }))
      .toEqual({ enableKeyRotation: true, isEnabled: "yes", deletionWindowInDays: 7, description: "5", tags: { team: "vision" }, tagsAll: { team: "vision" } });
    expect(check("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "sse", { bucket: "b", rules: [{ bucketKeyEnabled: "True", applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] }))
      .toEqual({ bucket: "b", rules: [{ bucketKeyEnabled: true, applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", __defaults: [] }, __defaults: [] }] });
  });

  it("merges the provider's default tags into tagsAll (unknown when the tags are)", () => {
    const type = "aws:s3/bucket:Bucket";
    expect(bridgeCheck(type, urnOf(type, "b"), "b", { bucket: "b", tags: { team: "vision" } }, { defaultTags: { owner: "platform", team: "ml" } }).tagsAll).toEqual({ owner: "platform", team: "vision" });
    expect(check(type, "b", { bucket: "b", tags: UNKNOWN_VALUE }).tagsAll).toBe(UNKNOWN_VALUE);
  });

  it("autonames a bucket (lowercased), any `name`, and a KMS alias, using the name the mocks gave the resource when there is one", () => {
    expect(check("aws:s3/bucket:Bucket", "Datasets", {}).bucket).toMatch(/^datasets-[0-9a-f]{7}$/);
    expect(check("aws:s3/bucket:Bucket", "datasets", {}, { bucket: "datasets-1234567" }).bucket).toBe("datasets-1234567");
    expect(check("aws:iam/role:Role", "vision", { assumeRolePolicy: "{}" }).name).toMatch(/^vision-[0-9a-f]{7}$/);
    expect(check("aws:kms/alias:Alias", "key", { targetKeyId: "k" }).name).toMatch(/^alias\/key-[0-9a-f]{7}$/);
    expect(check("aws:iam/role:Role", "vision", { assumeRolePolicy: "{}", namePrefix: "vision-" }).name).toBeUndefined();
  });
});

describe("every rule gives the checked AWS and Vault inputs the verdict it gives the registered ones", () => {
  it("policy documents given as objects, and one with a value unknown until apply", async () => {
    const admin = registered("aws:iam/rolePolicy:RolePolicy", "admin", { role: "r", policy: ADMIN });
    const trust = registered("aws:iam/role:Role", "public-trust", { assumeRolePolicy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }] } });
    const bucketPolicy = registered("aws:s3/bucketPolicy:BucketPolicy", "public", { bucket: "data", policy: PUBLIC("arn:aws:s3:::data/*") });
    const pending = registered("aws:iam/rolePolicy:RolePolicy", "pending", { role: "r", policy: PUBLIC(UNKNOWN_VALUE) });
    const { plan, engine } = await bothShapes([admin, trust, bucketPolicy, pending]);
    expect(engine).toEqual(plan);
    expect(plan).toEqual(expect.arrayContaining([
      verdict("iam-policy-disallow-wildcard-admin", admin), verdict("iam-policy-disallow-public-principal", trust),
      verdict("iam-policy-disallow-public-principal", bucketPolicy), verdict("iam-policy-disallow-wildcard-admin", pending, "advisory"),
    ]));
  });

  it("KMS keys: rotation and deletion window given as strings, as null, and as real violations", async () => {
    const rotatingText = registered("aws:kms/key:Key", "rotating-text", { enableKeyRotation: "true", deletionWindowInDays: "30" });
    const shortWindowText = registered("aws:kms/key:Key", "short-window-text", { enableKeyRotation: true, deletionWindowInDays: "7" });
    const notRotating = registered("aws:kms/key:Key", "not-rotating", { enableKeyRotation: "false" });
    const nullRotation = registered("aws:kms/key:Key", "null-rotation", { enableKeyRotation: null, deletionWindowInDays: null });
    const { plan, engine } = await bothShapes([rotatingText, shortWindowText, notRotating, nullRotation]);
    expect(engine).toEqual(plan);
    expect(plan.filter((entry) => entry.startsWith("kms-"))).toEqual([
      verdict("kms-key-deletion-window-too-short", shortWindowText),
      verdict("kms-key-missing-rotation", notRotating), verdict("kms-key-missing-rotation", nullRotation),
    ].sort());
  });

  it("S3 public access flags, bucket keys and CloudTrail log validation given as strings", async () => {
    const bucket = registered("aws:s3/bucket:Bucket", "data", { tags: { "mlops.io/bucket-role": "logs" } });
    const block = registered("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "data-block", { bucket: UNKNOWN_VALUE, blockPublicAcls: "true", blockPublicPolicy: "TRUE", ignorePublicAcls: "1", restrictPublicBuckets: "t" }, { bucket: [bucket.urn] });
    const partialBlock = registered("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "partial", { bucket: "other", blockPublicAcls: "true", blockPublicPolicy: "false", ignorePublicAcls: true, restrictPublicBuckets: "yes" });
    const sse = registered("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "data-sse", { bucket: UNKNOWN_VALUE, rules: [{ bucketKeyEnabled: "true", applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "arn:aws:kms:us-west-2:123456789012:key/k" } }] }, { bucket: [bucket.urn] });
    const trail = registered("aws:cloudtrail/trail:Trail", "audit", { s3BucketName: "logs", enableLogFileValidation: "true", kmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/k" });
    const { plan, engine } = await bothShapes([bucket, block, partialBlock, sse, trail]);
    expect(engine).toEqual(plan);
    expect(plan).toContain(verdict("s3-public-access-block-disallow-disabled-flags", partialBlock));
    for (const passing of [block, sse, trail]) expect(plan.filter((entry) => entry.endsWith(` ${passing.urn}`))).toEqual([]);
    expect(plan).not.toContain(verdict("s3-bucket-missing-public-access-block", bucket));
  });

  it("an autonamed bucket whose children name it only through their dependency (first preview)", async () => {
    const bucket = registered("aws:s3/bucket:Bucket", "artifacts", {});
    const versioning = registered("aws:s3/bucketVersioning:BucketVersioning", "artifacts-versioning", { bucket: UNKNOWN_VALUE, versioningConfiguration: { status: "Suspended" } }, { bucket: [bucket.urn] });
    const { plan, engine } = await bothShapes([bucket, versioning]);
    expect(engine).toEqual(plan);
    expect(plan).toEqual(expect.arrayContaining([verdict("s3-bucket-missing-versioning", bucket), verdict("s3-bucket-missing-kms-encryption", bucket), verdict("s3-bucket-missing-tls-policy", bucket)]));
  });

  it("a bucket's inline versioning block enabled as a string", async () => {
    const versioned = registered("aws:s3/bucket:Bucket", "versioned", { bucket: "versioned", versioning: { enabled: "true" } });
    const unversioned = registered("aws:s3/bucket:Bucket", "unversioned", { bucket: "unversioned", versioning: { enabled: "false" } });
    const { plan, engine } = await bothShapes([versioned, unversioned]);
    expect(engine).toEqual(plan);
    expect(plan.filter((entry) => entry.startsWith("s3-bucket-missing-versioning"))).toEqual([verdict("s3-bucket-missing-versioning", unversioned)]);
  });

  it("Vault token TTLs given as strings of digits", async () => {
    const role = registered("vault:kubernetes/authBackendRole:AuthBackendRole", "vision", {
      backend: "kubernetes", roleName: "vision", boundServiceAccountNames: ["training"], boundServiceAccountNamespaces: ["vision"], audience: "vault", tokenTtl: "86400", tokenMaxTtl: "172800",
    });
    const { plan, engine } = await bothShapes([role]);
    expect(engine).toEqual(plan);
    expect(plan).toContain(verdict("vault-auth-role-ttl-too-long", role));
  });
});
