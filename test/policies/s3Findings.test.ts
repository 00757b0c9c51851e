import { policyNamed, advisories, enforced, messages, UNKNOWN, validateResource, validateStack, type FakeResource } from "../support/policyArgs";

/** Exact findings of the S3 rules: wording, paths and counts, condition boundaries, unknown values, the types each rule reads. */

const BUCKET = "aws:s3/bucket:Bucket";
const BUCKET_V2 = "aws:s3/bucketV2:BucketV2";
const SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const SSE_V2 = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2";
const PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const ACCOUNT_PAB = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock";
const ACL = "aws:s3/bucketAcl:BucketAcl";
const OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls";
const VERSIONING = "aws:s3/bucketVersioning:BucketVersioning";
const POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const LOGGING = "aws:s3/bucketLogging:BucketLogging";
const KEY = "aws:kms/key:Key";
const KEY_ARN = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const LATER = "is not known until apply, so this preview cannot check it; pulumi up checks it again once it is known";

const FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;
const allFlags = (value: unknown = true) => Object.fromEntries(FLAGS.map((flag) => [flag, value]));

const byDefault = (applyServerSideEncryptionByDefault: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ applyServerSideEncryptionByDefault, ...extra });
const kmsRule = (keyId: unknown = KEY_ARN) => byDefault({ sseAlgorithm: "aws:kms", kmsMasterKeyId: keyId }, { bucketKeyEnabled: true });

const tlsStatement = (bucket: string, change: Record<string, unknown> = {}) => ({
  Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } }, ...change,
});

/** The bucket "data" with every storage control, each child replaceable (by name suffix) or removable (null). */
function bucketStack(children: Partial<Record<"key" | "sse" | "pab" | "versioning" | "policy" | "logging", Partial<FakeResource> | null>> = {}, bucketProps: Record<string, unknown> = {}): FakeResource[] {
  const defaults: Record<string, FakeResource> = {
    key: { type: KEY, name: "data-key", props: { enableKeyRotation: true } },
    sse: { type: SSE, name: "data-sse", props: { bucket: "data", rules: [kmsRule()] } },
    pab: { type: PAB, name: "data-pab", props: { bucket: "data", ...allFlags() } },
    versioning: { type: VERSIONING, name: "data-versioning", props: { bucket: "data", versioningConfiguration: { status: "Enabled" } } },
    policy: { type: POLICY, name: "data-policy", props: { bucket: "data", policy: JSON.stringify({ Statement: [tlsStatement("data")] }) } },
    logging: { type: LOGGING, name: "data-logging", props: { bucket: "data", targetBucket: "logs" } },
  };
  const resources: FakeResource[] = [{ type: BUCKET, name: "data", props: { bucket: "data", ...bucketProps } }];
  for (const [key, resource] of Object.entries(defaults)) {
    const change = children[key as keyof typeof children];
    if (change === null) continue;
    resources.push({ ...resource, ...change, props: { ...resource.props, ...change?.props } });
  }
  return resources;
}

describe("s3-encryption-disallow-non-kms: exact findings", () => {
  const check = (rules: unknown, type = SSE) => validateResource("s3-encryption-disallow-non-kms", type, { bucket: "data", rules });
  const awsKeyMessage = (index = 0) => `rules[${index}].applyServerSideEncryptionByDefault.kmsMasterKeyId: uses the AWS-managed aws/s3 key; use a customer-managed key`;
  const noKeyMessage = (index = 0) => `rules[${index}].applyServerSideEncryptionByDefault.kmsMasterKeyId: no key given, so S3 uses the AWS-managed aws/s3 key, whose policy you cannot restrict; set kmsMasterKeyId to a customer-managed key`;

  it.each([
    ["SSE-S3 (AES256)", [byDefault({ sseAlgorithm: "AES256" })],
      ['rules[0].applyServerSideEncryptionByDefault.sseAlgorithm: objects are encrypted with "AES256" (S3-managed keys); use aws:kms with a customer-managed key']],
    ["a rule without any algorithm", [byDefault({})],
      ['rules[0].applyServerSideEncryptionByDefault.sseAlgorithm: objects are encrypted with "nothing" (S3-managed keys); use aws:kms with a customer-managed key']],
    ["a rule without applyServerSideEncryptionByDefault", [{ bucketKeyEnabled: true }],
      ['rules[0].applyServerSideEncryptionByDefault.sseAlgorithm: objects are encrypted with "nothing" (S3-managed keys); use aws:kms with a customer-managed key']],
    ["aws:kms with no key id", [byDefault({ sseAlgorithm: "aws:kms" }, { bucketKeyEnabled: true })], [noKeyMessage()]],
    ["aws:kms with a null key id", [kmsRule(null)], [noKeyMessage()]],
    ["aws:kms with an empty key id", [kmsRule("")], [noKeyMessage()]],
    ["the aws/s3 alias", [kmsRule("alias/aws/s3")], [awsKeyMessage()]],
    ["the aws/s3 alias ARN", [kmsRule("arn:aws:kms:us-west-2:123456789012:alias/aws/s3")], [awsKeyMessage()]],
    ["bucket keys off", [byDefault({ sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN }, { bucketKeyEnabled: false })],
      ["rules[0].bucketKeyEnabled: bucket keys are off, so every object costs a KMS call; set bucketKeyEnabled: true"]],
    ["bucket keys unset", [byDefault({ sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN })],
      ["rules[0].bucketKeyEnabled: bucket keys are off, so every object costs a KMS call; set bucketKeyEnabled: true"]],
    ["the AWS-managed key and bucket keys off, in the second rule", [kmsRule(), byDefault({ sseAlgorithm: "aws:kms" })],
      [noKeyMessage(1), "rules[1].bucketKeyEnabled: bucket keys are off, so every object costs a KMS call; set bucketKeyEnabled: true"]],
    ["an empty rule list", [], ["rules: no default encryption rule; add one with sseAlgorithm aws:kms and your KMS key"]],
    ["no rules at all", undefined, ["rules: no default encryption rule; add one with sseAlgorithm aws:kms and your KMS key"]],
  ])("refuses %s", (_case, rules, expected) => {
    const found = check(rules);
    expect(messages(enforced(found))).toEqual(expected);
    expect(advisories(found)).toEqual([]);
  });

  it.each([
    ["SSE-KMS with a customer key ARN and bucket keys", [kmsRule()]],
    ["SSE-KMS with a customer key alias", [kmsRule("alias/ml-data")]],
    ["an alias that only ends like the AWS one", [kmsRule("alias/team-aws/s3")]],
    ["DSSE-KMS, which has no bucket keys", [byDefault({ sseAlgorithm: "aws:kms:dsse", kmsMasterKeyId: KEY_ARN })]],
    ["DSSE-KMS with a bucket-key setting not known yet (DSSE ignores it)", [byDefault({ sseAlgorithm: "aws:kms:dsse", kmsMasterKeyId: KEY_ARN }, { bucketKeyEnabled: UNKNOWN })]],
  ])("accepts %s", (_case, rules) => {
    expect(check(rules)).toEqual([]);
  });

  it("DSSE-KMS still needs a customer-managed key", () => {
    expect(messages(check([byDefault({ sseAlgorithm: "aws:kms:dsse", kmsMasterKeyId: "alias/aws/s3" })]))).toEqual([awsKeyMessage()]);
  });

  it("applies to the V2 configuration type", () => {
    expect(messages(check([kmsRule("alias/aws/s3")], SSE_V2))).toEqual([awsKeyMessage()]);
  });

  it.each([
    ["the rules", UNKNOWN, [`rules: the encryption rules ${LATER}`]],
    ["the algorithm", [byDefault({ sseAlgorithm: UNKNOWN, kmsMasterKeyId: KEY_ARN }, { bucketKeyEnabled: true })], [`rules[0].applyServerSideEncryptionByDefault.sseAlgorithm: the SSE algorithm ${LATER}`]],
    ["bucketKeyEnabled", [byDefault({ sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN }, { bucketKeyEnabled: UNKNOWN })], [`rules[0].bucketKeyEnabled: bucketKeyEnabled ${LATER}`]],
  ])("reports unknown %s as an advisory, never a pass or a violation", (_case, rules, expected) => {
    const found = check(rules);
    expect(enforced(found)).toEqual([]);
    expect(messages(advisories(found))).toEqual(expected);
  });

  it("leaves an unknown key id to the stack rule (it can trace the key through dependencies)", () => {
    expect(check([kmsRule(UNKNOWN)])).toEqual([]);
  });

  it.each([BUCKET, BUCKET_V2])("checks the inline configuration of a %s, with its own path", (type) => {
    const found = validateResource("s3-encryption-disallow-non-kms", type, { bucket: "data", serverSideEncryptionConfiguration: { rules: [kmsRule("alias/aws/s3")] } });
    expect(messages(found)).toEqual(["serverSideEncryptionConfiguration.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId: uses the AWS-managed aws/s3 key; use a customer-managed key"]);
  });

  it("reports an inline configuration with no rules", () => {
    expect(messages(validateResource("s3-encryption-disallow-non-kms", BUCKET, { bucket: "data", serverSideEncryptionConfiguration: {} })))
      .toEqual(["serverSideEncryptionConfiguration.rules: no default encryption rule; add one with sseAlgorithm aws:kms and your KMS key"]);
  });

  it("leaves a Bucket without inline configuration to the stack rule", () => {
    expect(validateResource("s3-encryption-disallow-non-kms", BUCKET, { bucket: "data" })).toEqual([]);
  });

  it.each([PAB, VERSIONING, POLICY])("ignores %s", (type) => {
    expect(validateResource("s3-encryption-disallow-non-kms", type, { bucket: "data", rules: [], serverSideEncryptionConfiguration: { rules: [] } })).toEqual([]);
  });
});

describe("s3-bucket-missing-kms-encryption: exact findings", () => {
  const RULE = "s3-bucket-missing-kms-encryption";
  const AWS_MANAGED = "rules: bucket data is encrypted with the AWS-managed key; use a customer-managed KMS key";
  const sseWith = (rules: unknown, dependsOn?: Record<string, string[]>) => bucketStack({ sse: { props: { bucket: "data", rules }, dependsOn } });

  it("reports a bucket without any encryption configuration at the bucket's URN", () => {
    const found = validateStack(RULE, bucketStack({ sse: null }));
    expect(messages(found)).toEqual(["serverSideEncryptionConfiguration: bucket data has no default encryption configuration; add one with SSE-KMS and a customer-managed key"]);
    expect(found.map((item) => item.urn)).toEqual([`urn:pulumi:test::test::${BUCKET}::data`]);
  });

  it("names the bucket by its resource name while its bucket name is not set", () => {
    const stack = bucketStack({ sse: null }).map((resource) => (resource.type === BUCKET ? { ...resource, props: {} } : resource));
    expect(messages(validateStack(RULE, stack))).toEqual([expect.stringContaining("bucket data has no default encryption configuration")]);
  });

  it("leaves an inline configuration to the resource rule", () => {
    const stack = bucketStack({ sse: null }, { serverSideEncryptionConfiguration: { rules: [kmsRule()] } });
    expect(validateStack(RULE, stack)).toEqual([]);
  });

  it.each([
    ["no key id", [byDefault({ sseAlgorithm: "aws:kms" })]],
    ["a null key id", [kmsRule(null)]],
    ["an empty key id", [kmsRule("")]],
    ["the aws/s3 alias", [kmsRule("alias/aws/s3")]],
    ["an empty rule list", []],
    ["a customer key in one rule and none in the other", [kmsRule(), byDefault({ sseAlgorithm: "aws:kms" })]],
    ["a customer key in one rule and the aws/s3 alias in the other", [kmsRule(), kmsRule("alias/aws/s3")]],
  ])("refuses %s", (_case, rules) => {
    expect(messages(enforced(validateStack(RULE, sseWith(rules))))).toEqual([AWS_MANAGED]);
  });

  it("accepts customer keys in every rule", () => {
    expect(validateStack(RULE, sseWith([kmsRule(), kmsRule("alias/ml-data")]))).toEqual([]);
  });

  it.each([
    ["a key of this stack", { rules: ["data-key"] }, []],
    ["a second key of this stack", { rules: ["data-key-2"] }, []],
    ["something that is not a KMS key", { rules: ["other"] }, [`rules[].applyServerSideEncryptionByDefault.kmsMasterKeyId: the KMS key of bucket data ${LATER}`]],
    ["nothing the engine knows of", undefined, [`rules[].applyServerSideEncryptionByDefault.kmsMasterKeyId: the KMS key of bucket data ${LATER}`]],
  ])("an unknown key ARN computed from %s", (_case, dependsOn, expected) => {
    const stack = [...sseWith([kmsRule(UNKNOWN)], dependsOn),
      { type: KEY, name: "data-key-2", props: { enableKeyRotation: true } },
      { type: "aws:kms/alias:Alias", name: "other", props: { name: "alias/other" } }];
    const found = validateStack(RULE, stack);
    expect(enforced(found)).toEqual([]);
    expect(messages(advisories(found))).toEqual(expected);
  });

  it("a known key id does not excuse an unknown one in another rule", () => {
    const found = validateStack(RULE, sseWith([kmsRule(), kmsRule(UNKNOWN)]));
    expect(messages(advisories(found))).toEqual([`rules[].applyServerSideEncryptionByDefault.kmsMasterKeyId: the KMS key of bucket data ${LATER}`]);
  });

  it("rules unknown as a whole are traced like an unknown key id, not refused", () => {
    expect(validateStack(RULE, sseWith(UNKNOWN, { rules: ["data-key"] }))).toEqual([]);
    const found = validateStack(RULE, sseWith(UNKNOWN));
    expect(enforced(found)).toEqual([]);
    expect(messages(advisories(found))).toEqual([`rules[].applyServerSideEncryptionByDefault.kmsMasterKeyId: the KMS key of bucket data ${LATER}`]);
  });

  it("checks every configuration of the bucket, and only the bucket's own", () => {
    const stack = [...bucketStack(),
      { type: SSE_V2, name: "data-sse-2", props: { bucket: "data", rules: [kmsRule("alias/aws/s3")] } },
      { type: SSE, name: "other-sse", props: { bucket: "other", rules: [kmsRule("alias/aws/s3")] } }];
    expect(messages(validateStack(RULE, stack))).toEqual([AWS_MANAGED]);
  });
});

describe("s3-public-access-block-disallow-disabled-flags: exact findings", () => {
  const RULE = "s3-public-access-block-disallow-disabled-flags";
  const off = (flag: string) => `${flag}: ${flag} is not true, so public access can be granted; set it to true`;

  it.each([PAB, ACCOUNT_PAB])("accepts a %s with the four flags on", (type) => {
    expect(validateResource(RULE, type, { bucket: "data", ...allFlags() })).toEqual([]);
  });

  it.each(FLAGS.map((flag) => [flag]))("refuses %s false, and only that flag", (flag) => {
    expect(messages(validateResource(RULE, PAB, { bucket: "data", ...allFlags(), [flag]: false }))).toEqual([off(flag)]);
    expect(messages(validateResource(RULE, ACCOUNT_PAB, { ...allFlags(), [flag]: false }))).toEqual([off(flag)]);
  });

  it("refuses every missing flag, in order", () => {
    expect(messages(validateResource(RULE, PAB, { bucket: "data" }))).toEqual(FLAGS.map(off));
  });

  it("reports an unknown flag as an advisory", () => {
    const found = validateResource(RULE, PAB, { bucket: "data", ...allFlags(), ignorePublicAcls: UNKNOWN });
    expect(enforced(found)).toEqual([]);
    expect(messages(advisories(found))).toEqual([`ignorePublicAcls: ignorePublicAcls ${LATER}`]);
  });

  it.each([BUCKET, VERSIONING])("ignores %s", (type) => {
    expect(validateResource(RULE, type, { bucket: "data" })).toEqual([]);
  });

  describe("remediation", () => {
    const policy = policyNamed(RULE);
    const remediate = (type: string, props: Record<string, unknown>) =>
      policy.remediateResource?.({ type, props } as unknown as Parameters<NonNullable<typeof policy.remediateResource>>[0]);

    it.each([PAB, ACCOUNT_PAB])("turns the one flag that is off on, in a %s, keeping the other properties", (type) => {
      expect(remediate(type, { bucket: "data", ...allFlags(), restrictPublicBuckets: false })).toEqual({ bucket: "data", ...allFlags() });
    });

    it("leaves a compliant block and other resource types alone", () => {
      expect(remediate(PAB, { bucket: "data", ...allFlags() })).toBeUndefined();
      expect(remediate(BUCKET, { bucket: "data", blockPublicAcls: false })).toBeUndefined();
    });
  });
});

describe("s3-bucket-missing-public-access-block: exact findings", () => {
  const RULE = "s3-bucket-missing-public-access-block";
  const MISSING = "publicAccessBlock: bucket data has no public access block with all four flags on; a later policy or ACL could make it public";

  it.each(FLAGS.map((flag) => [flag]))("a block with %s off does not count", (flag) => {
    expect(messages(validateStack(RULE, bucketStack({ pab: { props: { bucket: "data", ...allFlags(), [flag]: false } } })))).toEqual([MISSING]);
  });

  it("a block with three flags on does not count, nor one of another bucket", () => {
    expect(messages(validateStack(RULE, bucketStack({ pab: { props: { bucket: "data", ...allFlags(), blockPublicPolicy: undefined } } })))).toEqual([MISSING]);
    expect(messages(validateStack(RULE, bucketStack({ pab: { props: { bucket: "other", ...allFlags() } } })))).toEqual([MISSING]);
  });

  it("an unknown flag is left to the resource rule (which reports it)", () => {
    expect(validateStack(RULE, bucketStack({ pab: { props: { bucket: "data", ...allFlags(), blockPublicAcls: UNKNOWN } } }))).toEqual([]);
  });

  it("an account-wide block counts only with all four flags on", () => {
    const account = (flags: Record<string, unknown>) => [...bucketStack({ pab: null }), { type: ACCOUNT_PAB, name: "account", props: flags }];
    expect(validateStack(RULE, account(allFlags()))).toEqual([]);
    expect(messages(validateStack(RULE, account({ ...allFlags(), restrictPublicBuckets: false })))).toEqual([MISSING]);
  });
});

describe("s3-bucket-disallow-acls: exact findings", () => {
  const RULE = "s3-bucket-disallow-acls";
  const DISABLED = "acl: ACLs must stay disabled (BucketOwnerEnforced); remove the BucketAcl and grant access through IAM";
  const GRANT = "accessControlPolicy.grants: a grant to AllUsers or AuthenticatedUsers makes the bucket public; remove it";
  const group = (uri: string) => ({ grantee: { type: "Group", uri }, permission: "READ" });

  it.each([
    ["a canned ACL other than private", BUCKET, { acl: "public-read" }, ["acl: canned ACL public-read grants access outside the bucket owner; remove it"]],
    ["a bucket-owner canned ACL", BUCKET_V2, { acl: "bucket-owner-full-control" }, ["acl: canned ACL bucket-owner-full-control grants access outside the bucket owner; remove it"]],
    ["grants", BUCKET, { grants: [{ type: "CanonicalUser", id: "abc", permissions: ["READ"] }] }, ["grants: ACL grants are set; remove them and use IAM or the bucket policy"]],
    ["a public canned ACL and grants", BUCKET, { acl: "public-read-write", grants: [{ type: "CanonicalUser", id: "abc", permissions: ["READ"] }] },
      ["acl: canned ACL public-read-write grants access outside the bucket owner; remove it", "grants: ACL grants are set; remove them and use IAM or the bucket policy"]],
    ["a BucketAcl with a public canned ACL", ACL, { bucket: "data", acl: "public-read" }, ["acl: canned ACL public-read makes objects readable by others; remove the BucketAcl"]],
    ["a BucketAcl with log-delivery-write", ACL, { bucket: "data", acl: "log-delivery-write" }, ["acl: canned ACL log-delivery-write makes objects readable by others; remove the BucketAcl"]],
    ["a BucketAcl granting AllUsers", ACL, { bucket: "data", accessControlPolicy: { grants: [group("http://acs.amazonaws.com/groups/global/AllUsers")] } }, [GRANT]],
    ["a BucketAcl granting AuthenticatedUsers", ACL, { bucket: "data", accessControlPolicy: { grants: [group("http://acs.amazonaws.com/groups/global/AuthenticatedUsers")] } }, [GRANT]],
    ["a BucketAcl with a public canned ACL and a public grant", ACL, { bucket: "data", acl: "authenticated-read", accessControlPolicy: { grants: [group("http://acs.amazonaws.com/groups/global/AllUsers")] } },
      ["acl: canned ACL authenticated-read makes objects readable by others; remove the BucketAcl", GRANT]],
    ["a private BucketAcl", ACL, { bucket: "data", acl: "private" }, [DISABLED]],
    ["a BucketAcl granting the log delivery group only", ACL, { bucket: "data", accessControlPolicy: { grants: [group("http://acs.amazonaws.com/groups/s3/LogDelivery")] } }, [DISABLED]],
    ["ObjectWriter ownership", OWNERSHIP, { bucket: "data", rule: { objectOwnership: "ObjectWriter" } }, ['rule.objectOwnership: "ObjectWriter" keeps ACLs active; set objectOwnership: BucketOwnerEnforced']],
    ["BucketOwnerPreferred ownership", OWNERSHIP, { bucket: "data", rule: { objectOwnership: "BucketOwnerPreferred" } }, ['rule.objectOwnership: "BucketOwnerPreferred" keeps ACLs active; set objectOwnership: BucketOwnerEnforced']],
  ])("refuses %s", (_case, type, props, expected) => {
    expect(messages(enforced(validateResource(RULE, type, props)))).toEqual(expected);
  });

  it.each([
    ["a bucket with no ACL", BUCKET, { bucket: "data" }],
    ["a bucket with the private canned ACL and no grants", BUCKET, { bucket: "data", acl: "private", grants: [] }],
    ["BucketOwnerEnforced ownership", OWNERSHIP, { bucket: "data", rule: { objectOwnership: "BucketOwnerEnforced" } }],
    ["a resource that has nothing to do with ACLs", VERSIONING, { bucket: "data", acl: "public-read", rule: { objectOwnership: "ObjectWriter" } }],
  ])("accepts %s", (_case, type, props) => {
    expect(validateResource(RULE, type, props)).toEqual([]);
  });

  it.each([
    ["canned ACL of a bucket", BUCKET, { bucket: "data", acl: UNKNOWN }, `acl: the canned ACL ${LATER}`],
    ["grants of a bucket", BUCKET, { bucket: "data", grants: UNKNOWN }, `grants: the ACL grants ${LATER}`],
    ["object ownership", OWNERSHIP, { bucket: "data", rule: { objectOwnership: UNKNOWN } }, `rule.objectOwnership: object ownership ${LATER}`],
  ])("reports an unknown %s as an advisory", (_case, type, props, expected) => {
    const found = validateResource(RULE, type, props);
    expect(enforced(found)).toEqual([]);
    expect(messages(advisories(found))).toEqual([expected]);
  });
});

describe("s3-bucket-missing-versioning: exact findings", () => {
  const RULE = "s3-bucket-missing-versioning";

  it.each([
    ["no versioning resource", bucketStack({ versioning: null }), "versioning: bucket data is not versioned; enable versioning"],
    ["suspended versioning", bucketStack({ versioning: { props: { bucket: "data", versioningConfiguration: { status: "Suspended" } } } }), "versioning: bucket data is not versioned (status Suspended); enable versioning"],
    ["two versioning resources, none enabled", [...bucketStack({ versioning: { props: { bucket: "data", versioningConfiguration: { status: "Suspended" } } } }),
      { type: "aws:s3/bucketVersioningV2:BucketVersioningV2", name: "data-versioning-2", props: { bucket: "data", versioningConfiguration: { status: "Disabled" } } }],
    "versioning: bucket data is not versioned (status Suspended, Disabled); enable versioning"],
    ["inline versioning off", bucketStack({ versioning: null }, { versioning: { enabled: false } }), "versioning: bucket data is not versioned; enable versioning"],
    ["versioning enabled on another bucket only", bucketStack({ versioning: { props: { bucket: "other", versioningConfiguration: { status: "Enabled" } } } }), "versioning: bucket data is not versioned; enable versioning"],
  ])("refuses %s", (_case, stack, expected) => {
    expect(messages(enforced(validateStack(RULE, stack)))).toEqual([expected]);
  });

  it("accepts inline versioning on the bucket", () => {
    expect(validateStack(RULE, bucketStack({ versioning: null }, { versioning: { enabled: true } }))).toEqual([]);
  });

  it.each([
    ["status", bucketStack({ versioning: { props: { bucket: "data", versioningConfiguration: { status: UNKNOWN } } } }), `versioningConfiguration.status: versioning of bucket data ${LATER}`],
    ["inline flag", bucketStack({ versioning: null }, { versioning: { enabled: UNKNOWN } }), `versioning.enabled: versioning of bucket data ${LATER}`],
  ])("reports an unknown %s as an advisory", (_case, stack, expected) => {
    const found = validateStack(RULE, stack);
    expect(enforced(found)).toEqual([]);
    expect(messages(advisories(found))).toEqual([expected]);
  });
});

describe("s3-bucket-missing-tls-policy: exact findings", () => {
  const RULE = "s3-bucket-missing-tls-policy";
  const MISSING = "policy: bucket data has no bucket policy denying aws:SecureTransport=false; plain-HTTP requests would be served";
  const withStatements = (...statements: Record<string, unknown>[]) => bucketStack({ policy: { props: { bucket: "data", policy: JSON.stringify({ Statement: statements }) } } });

  it.each([
    ["Action *", { Action: "*" }],
    ["a list of actions that includes s3:*", { Action: ["s3:GetObject", "s3:*"] }],
    ["Principal {AWS: \"*\"}", { Principal: { AWS: "*" } }],
    ["Resource *", { Resource: "*" }],
    ["every S3 resource", { Resource: "arn:aws:s3:::*" }],
    ["the objects only", { Resource: "arn:aws:s3:::data/*" }],
    ["a bucket-name wildcard that covers the bucket", { Resource: "arn:aws:s3:::dat?*" }],
    ["a wildcard inside the bucket name", { Resource: "arn:aws:s3:::d*a/*" }],
    ["a GovCloud ARN", { Resource: "arn:aws-us-gov:s3:::data/*" }],
    ["a one-character wildcard inside the bucket name", { Resource: "arn:aws:s3:::d?ta/*" }],
    ["BoolIfExists (the key is always present)", { Condition: { BoolIfExists: { "aws:SecureTransport": "false" } } }],
    ["a lower-case operator and key, boolean false", { Condition: { bool: { "AWS:SecureTransport": false } } }],
    ["a value list containing false", { Condition: { Bool: { "aws:SecureTransport": ["true", "false"] } } }],
    ["an upper-case FALSE", { Condition: { Bool: { "aws:SecureTransport": "FALSE" } } }],
  ])("counts a TLS deny with %s", (_case, change) => {
    expect(validateStack(RULE, withStatements(tlsStatement("data", change)))).toEqual([]);
  });

  it.each([
    ["only the bucket ARN (object requests over HTTP are served)", { Resource: "arn:aws:s3:::data" }],
    ["another bucket's objects", { Resource: ["arn:aws:s3:::other", "arn:aws:s3:::other/*"] }],
    ["a bucket-name prefix that extends past the name", { Resource: "arn:aws:s3:::data-*" }],
    ["a bucket whose name is a suffix of this one", { Resource: "arn:aws:s3:::ata/*" }],
    ["a bucket whose name differs by a dot", { Resource: "arn:aws:s3:::dat./*" }],
    ["one prefix of the objects", { Resource: "arn:aws:s3:::data/models/*" }],
    ["objects under a wildcard directory", { Resource: "arn:aws:s3:::data/*/models" }],
    ["a name prefix with a dot (a dot is not a wildcard)", { Resource: "arn:aws:s3:::data.*" }],
    ["a resource that is not an S3 ARN", { Resource: "arn:aws:kms:*" }],
    ["an inverted operator", { Condition: { StringNotEquals: { "aws:SecureTransport": "false" } } }],
    ["another boolean key", { Condition: { Bool: { "aws:ViaAWSService": "false" } } }],
    ["no condition", { Condition: undefined }],
  ])("does not count a TLS deny limited to %s", (_case, change) => {
    expect(messages(validateStack(RULE, withStatements(tlsStatement("data", change))))).toEqual([MISSING]);
  });

  it("finds the TLS deny among other statements", () => {
    expect(validateStack(RULE, withStatements({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::data/*" }, tlsStatement("data")))).toEqual([]);
  });

  it("reads the bucket's inline policy, given as a string or an object", () => {
    const statement = tlsStatement("data");
    expect(validateStack(RULE, bucketStack({ policy: null }, { policy: JSON.stringify({ Statement: [statement] }) }))).toEqual([]);
    expect(validateStack(RULE, bucketStack({ policy: null }, { policy: { Statement: statement } }))).toEqual([]);
  });

  it("refuses a bucket with no policy, or an invalid one", () => {
    expect(messages(validateStack(RULE, bucketStack({ policy: null })))).toEqual([MISSING]);
    expect(messages(validateStack(RULE, bucketStack({ policy: { props: { bucket: "data", policy: "{not json" } } })))).toEqual([MISSING]);
  });

  it("while the bucket name is unknown, a deny of any bucket's objects (all buckets or a bucket-name wildcard) counts and an object prefix does not", () => {
    const unnamed = (resource: string) => withStatements(tlsStatement("data", { Resource: resource })).map((item) =>
      item.type === BUCKET ? { ...item, props: {} } : { ...item, props: { ...item.props, bucket: UNKNOWN }, dependsOn: { bucket: ["data"] } });
    expect(validateStack(RULE, unnamed("arn:aws:s3:::*/*"))).toEqual([]);
    expect(validateStack(RULE, unnamed("*"))).toEqual([]);
    expect(validateStack(RULE, unnamed("arn:aws:s3:::*"))).toEqual([]);
    expect(validateStack(RULE, unnamed("arn:aws:s3:::ml-*/*"))).toEqual([]);
    expect(messages(validateStack(RULE, unnamed("arn:aws:s3:::*/models/*")))).toEqual([expect.stringContaining("has no bucket policy denying aws:SecureTransport=false")]);
  });

  it("reports an unknown policy document as an advisory", () => {
    const found = validateStack(RULE, bucketStack({ policy: { props: { bucket: "data", policy: UNKNOWN } } }));
    expect(enforced(found)).toEqual([]);
    expect(messages(advisories(found))).toEqual([`policy: the bucket policy of bucket data ${LATER}`]);
  });
});

describe("s3-bucket-missing-access-logging: exact findings", () => {
  const RULE = "s3-bucket-missing-access-logging";

  it("refuses a bucket that neither logs nor receives logs", () => {
    expect(messages(validateStack(RULE, bucketStack({ logging: null })))).toEqual(["logging: bucket data has no access logging; reads of datasets and models would leave no trace"]);
  });

  it("accepts inline logging on the bucket", () => {
    expect(validateStack(RULE, bucketStack({ logging: null }, { logging: { targetBucket: "logs" } }))).toEqual([]);
  });

  it("exempts a bucket that is the target of another bucket's logs", () => {
    const stack = [...bucketStack({ logging: null }), { type: "aws:s3/bucketLoggingV2:BucketLoggingV2", name: "models-logging", props: { bucket: "models", targetBucket: "data" } }];
    expect(validateStack(RULE, stack)).toEqual([]);
  });
});
