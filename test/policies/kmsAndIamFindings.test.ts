import { policyNamed, advisories, enforced, messages, UNKNOWN, validateResource } from "../support/policyArgs";

/** Exact findings of the KMS and IAM rules: wording, paths and counts, boundaries, config, unknown values, the types each rule reads. */

const KEY = "aws:kms/key:Key";
const REPLICA_KEY = "aws:kms/replicaKey:ReplicaKey";
const EXTERNAL_KEY = "aws:kms/externalKey:ExternalKey";
const ROLE = "aws:iam/role:Role";
const LATER = "is not known until apply, so this preview cannot check it; pulumi up checks it again once it is known";

describe("kms-key-missing-rotation: exact findings", () => {
  const RULE = "kms-key-missing-rotation";
  const OFF = "enableKeyRotation: automatic rotation is off; set enableKeyRotation: true";
  const check = (props: Record<string, unknown>, config: Record<string, unknown> = {}) => messages(validateResource(RULE, KEY, props, config));

  it.each([
    ["no spec or usage (symmetric by default)", {}],
    ["keySpec SYMMETRIC_DEFAULT", { keySpec: "SYMMETRIC_DEFAULT" }],
    ["customerMasterKeySpec SYMMETRIC_DEFAULT", { customerMasterKeySpec: "SYMMETRIC_DEFAULT" }],
    ["keyUsage ENCRYPT_DECRYPT", { keyUsage: "ENCRYPT_DECRYPT", keySpec: "SYMMETRIC_DEFAULT" }],
    ["rotation explicitly off", { enableKeyRotation: false }],
  ])("refuses a symmetric key without rotation: %s", (_case, props) => {
    expect(check(props)).toEqual([OFF]);
  });

  it.each([
    ["an RSA encryption key (keySpec)", { keySpec: "RSA_2048", keyUsage: "ENCRYPT_DECRYPT" }],
    ["an RSA encryption key (customerMasterKeySpec)", { customerMasterKeySpec: "RSA_4096", keyUsage: "ENCRYPT_DECRYPT" }],
    ["an asymmetric spec next to a symmetric one", { customerMasterKeySpec: "SYMMETRIC_DEFAULT", keySpec: "ECC_NIST_P256" }],
    ["a key whose usage is not encryption", { keyUsage: "SIGN_VERIFY" }],
    ["an HMAC key", { keySpec: "HMAC_256", keyUsage: "GENERATE_VERIFY_MAC" }],
    ["a key in a custom key store", { customKeyStoreId: "cks-1234567890abcdef0" }],
    ["a key in a custom key store created by this stack", { customKeyStoreId: UNKNOWN }],
  ])("skips %s, which cannot rotate automatically", (_case, props) => {
    expect(check(props)).toEqual([]);
  });

  it.each([
    ["no period (AWS rotates yearly)", undefined, {}],
    ["the default maximum", 365, {}],
    ["the shortest period AWS allows", 90, {}],
    ["a configured maximum", 730, { maxRotationPeriodDays: 730 }],
  ])("accepts rotation with %s", (_case, rotationPeriodInDays, config) => {
    expect(check({ enableKeyRotation: true, rotationPeriodInDays }, config)).toEqual([]);
  });

  it.each([
    ["one day over the default maximum", 366, {}, "rotates every 366 days, more than 365"],
    ["one day over a configured maximum", 91, { maxRotationPeriodDays: 90 }, "rotates every 91 days, more than 90"],
    ["written as a string", "400", {}, "rotates every 400 days, more than 365"],
  ])("refuses a period %s", (_case, rotationPeriodInDays, config, text) => {
    expect(check({ enableKeyRotation: true, rotationPeriodInDays }, config)).toEqual([`rotationPeriodInDays: ${text}; lower rotationPeriodInDays`]);
  });

  it("reports rotation off and a too long period together", () => {
    expect(check({ enableKeyRotation: false, rotationPeriodInDays: 400 })).toEqual([OFF, "rotationPeriodInDays: rotates every 400 days, more than 365; lower rotationPeriodInDays"]);
  });

  it.each([
    ["rotation flag", { enableKeyRotation: UNKNOWN, rotationPeriodInDays: 365 }, [`enableKeyRotation: key rotation ${LATER}`]],
    ["period", { enableKeyRotation: true, rotationPeriodInDays: UNKNOWN }, [`rotationPeriodInDays: the rotation period ${LATER}`]],
    ["flag and period", { enableKeyRotation: UNKNOWN, rotationPeriodInDays: UNKNOWN }, [`enableKeyRotation: key rotation ${LATER}`, `rotationPeriodInDays: the rotation period ${LATER}`]],
  ])("reports an unknown %s as an advisory", (_case, props, expected) => {
    const found = validateResource(RULE, KEY, props);
    expect(enforced(found)).toEqual([]);
    expect(messages(advisories(found))).toEqual(expected);
  });

  it.each([REPLICA_KEY, EXTERNAL_KEY, "aws:kms/alias:Alias"])("ignores %s (rotation is not set there)", (type) => {
    expect(validateResource(RULE, type, { rotationPeriodInDays: 2560 })).toEqual([]);
  });

  describe("remediation", () => {
    const policy = policyNamed(RULE);
    const remediate = (type: string, props: Record<string, unknown>) =>
      policy.remediateResource?.({ type, props } as unknown as Parameters<NonNullable<typeof policy.remediateResource>>[0]);

    it("turns rotation on for a symmetric key with rotation off", () => {
      expect(remediate(KEY, { description: "k", enableKeyRotation: false })).toEqual({ description: "k", enableKeyRotation: true });
    });

    it.each([
      ["a key that already rotates", KEY, { enableKeyRotation: true }],
      ["a key whose rotation flag is unknown", KEY, { enableKeyRotation: UNKNOWN }],
      ["an asymmetric key", KEY, { keySpec: "RSA_2048", keyUsage: "ENCRYPT_DECRYPT" }],
      ["a key in a custom key store", KEY, { customKeyStoreId: "cks-1234567890abcdef0" }],
      ["a replica key", REPLICA_KEY, {}],
    ])("leaves alone %s", (_case, type, props) => {
      expect(remediate(type, props)).toBeUndefined();
    });
  });
});

describe("kms-key-deletion-window-too-short: exact findings", () => {
  const RULE = "kms-key-deletion-window-too-short";
  const tooShort = (days: number, minimum: number) => `deletionWindowInDays: a deletion window of ${days} days leaves too little time to notice a mistaken deletion; use at least ${minimum}`;

  it.each([
    ["one day below the default minimum", 13, {}, [tooShort(13, 14)]],
    ["exactly the default minimum", 14, {}, []],
    ["the AWS maximum", 30, {}, []],
    ["the shortest window AWS allows", 7, {}, [tooShort(7, 14)]],
    ["one day below a configured minimum", 20, { minDeletionWindowDays: 21 }, [tooShort(20, 21)]],
    ["exactly a configured minimum", 7, { minDeletionWindowDays: 7 }, []],
    ["unset (AWS uses 30)", undefined, {}, []],
    ["null (unset)", null, {}, []],
  ])("a window %s", (_case, deletionWindowInDays, config, expected) => {
    expect(messages(validateResource(RULE, KEY, { deletionWindowInDays }, config))).toEqual(expected);
  });

  it.each([REPLICA_KEY, EXTERNAL_KEY])("applies to %s", (type) => {
    expect(messages(validateResource(RULE, type, { deletionWindowInDays: 7 }))).toEqual([tooShort(7, 14)]);
  });

  it("ignores resources that are not keys", () => {
    expect(validateResource(RULE, "aws:kms/alias:Alias", { deletionWindowInDays: 7 })).toEqual([]);
  });

  it("reports an unknown window as an advisory", () => {
    const found = validateResource(RULE, KEY, { deletionWindowInDays: UNKNOWN });
    expect(enforced(found)).toEqual([]);
    expect(messages(advisories(found))).toEqual([`deletionWindowInDays: the deletion window ${LATER}`]);
  });
});

describe("iam-policy-disallow-public-principal: exact findings", () => {
  const RULE = "iam-policy-disallow-public-principal";
  const ANYONE = "allows any AWS principal with no condition on the caller's account or organisation; name the principals or add one";
  const ALL_BUT = "allows everyone but the NotPrincipal with no condition on the caller's account or organisation; name the principals or add one";
  const publicStatement = { Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*" };
  const named = { Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" };
  const doc = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

  it.each([
    [KEY, "policy"], [REPLICA_KEY, "policy"], [EXTERNAL_KEY, "policy"], ["aws:kms/keyPolicy:KeyPolicy", "policy"],
    ["aws:s3/bucketPolicy:BucketPolicy", "policy"], ["aws:s3/bucket:Bucket", "policy"], ["aws:s3/bucketV2:BucketV2", "policy"], [ROLE, "assumeRolePolicy"],
  ])("checks %s.%s, at the statement's index", (type, field) => {
    expect(messages(validateResource(RULE, type, { [field]: doc(named, publicStatement) }))).toEqual([`${field}.Statement[1]: ${ANYONE}`]);
  });

  it("reports every public statement, and NotPrincipal in its own words", () => {
    const notPrincipal = { Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:Decrypt", Resource: "*" };
    expect(messages(validateResource(RULE, KEY, { policy: doc(publicStatement, named, notPrincipal) }))).toEqual([`policy.Statement[0]: ${ANYONE}`, `policy.Statement[2]: ${ALL_BUT}`]);
  });

  it.each([
    ["an identity policy (it has no principals)", "aws:iam/policy:Policy", { policy: doc(publicStatement) }],
    ["a role's inline policy field named policy", ROLE, { policy: doc(publicStatement) }],
    ["an alias", "aws:kms/alias:Alias", { policy: doc(publicStatement) }],
  ])("ignores %s", (_case, type, props) => {
    expect(validateResource(RULE, type, props)).toEqual([]);
  });

  it("accepts a resource with no policy", () => {
    expect(validateResource(RULE, KEY, { description: "k" })).toEqual([]);
  });

  it("reports an unknown document (or one with an unknown part) as an advisory", () => {
    for (const policy of [UNKNOWN, { Statement: [{ ...publicStatement, Condition: { StringEquals: { "aws:PrincipalOrgID": UNKNOWN } } }] }]) {
      const found = validateResource(RULE, KEY, { policy });
      expect(enforced(found)).toEqual([]);
      expect(messages(advisories(found))).toEqual([`policy: the policy document ${LATER}`]);
    }
  });

  it.each([
    ["malformed JSON", "{not json"],
    ["a JSON array", "[]"],
    ["a number", 42],
  ])("refuses %s as a policy document", (_case, policy) => {
    expect(messages(enforced(validateResource(RULE, ROLE, { assumeRolePolicy: policy })))).toEqual(["assumeRolePolicy: is not a valid JSON policy document"]);
  });
});

describe("iam-policy-disallow-wildcard-admin: exact findings", () => {
  const RULE = "iam-policy-disallow-wildcard-admin";
  const EVERY = "allows every action on every resource; grant only the actions and resources the workload needs";
  const ALL_BUT = "allows every action but the NotAction list on every resource; grant only the actions and resources the workload needs";
  const admin = { Effect: "Allow", Action: "*", Resource: "*" };
  const scoped = { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::data/*" };
  const doc = (...statements: Record<string, unknown>[]) => JSON.stringify({ Statement: statements });
  const attaches = (arn: string) => `attaches ${arn}; attach a least-privilege policy instead`;

  it.each(["aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy"])("checks the document of %s", (type) => {
    expect(messages(validateResource(RULE, type, { policy: doc(scoped, admin, { Effect: "Allow", NotAction: "iam:*", Resource: "*" }) })))
      .toEqual([`policy.Statement[1]: ${EVERY}`, `policy.Statement[2]: ${ALL_BUT}`]);
  });

  it("checks every inline policy of a role, at its index", () => {
    const props = { inlinePolicies: [{ name: "ok", policy: doc(scoped) }, { name: "admin", policy: doc(scoped, admin) }] };
    expect(messages(validateResource(RULE, ROLE, props))).toEqual([`inlinePolicies[1].policy.Statement[1]: ${EVERY}`]);
  });

  it("reports an unknown or malformed inline policy of a role at its path", () => {
    const found = validateResource(RULE, ROLE, { inlinePolicies: [{ name: "later", policy: UNKNOWN }, { name: "bad", policy: "{" }] });
    expect(messages(advisories(found))).toEqual([`inlinePolicies[0].policy: the policy document ${LATER}`]);
    expect(messages(enforced(found))).toEqual(["inlinePolicies[1].policy: is not a valid JSON policy document"]);
  });

  it("reports an unknown identity policy document as an advisory", () => {
    const found = validateResource(RULE, "aws:iam/policy:Policy", { policy: UNKNOWN });
    expect(enforced(found)).toEqual([]);
    expect(messages(advisories(found))).toEqual([`policy: the policy document ${LATER}`]);
  });

  it.each([
    ["AdministratorAccess", "arn:aws:iam::aws:policy/AdministratorAccess"],
    ["PowerUserAccess", "arn:aws:iam::aws:policy/PowerUserAccess"],
    ["IAMFullAccess in GovCloud", "arn:aws-us-gov:iam::aws:policy/IAMFullAccess"],
  ])("refuses a role that attaches %s, at its index", (_case, arn) => {
    const props = { managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", arn] };
    expect(messages(validateResource(RULE, ROLE, props))).toEqual([`managedPolicyArns[1]: ${attaches(arn)}`]);
  });

  it.each([
    ["a scoped AWS policy", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
    ["an AWS policy that only starts like an admin one", "arn:aws:iam::aws:policy/AdministratorAccess-Amplify"],
    ["an account's own policy named like an AWS one", "arn:aws:iam::123456789012:policy/AdministratorAccess"],
    ["an ARN of a policy created in this stack (unknown in preview)", UNKNOWN],
  ])("accepts a role that attaches %s", (_case, arn) => {
    expect(validateResource(RULE, ROLE, { managedPolicyArns: [arn], inlinePolicies: [{ name: "ok", policy: doc(scoped) }] })).toEqual([]);
  });

  it.each([
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "aws:iam/policyAttachment:PolicyAttachment",
  ])("refuses %s of an AWS administrator policy", (type) => {
    expect(messages(validateResource(RULE, type, { policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }))).toEqual([`policyArn: ${attaches("arn:aws:iam::aws:policy/AdministratorAccess")}`]);
  });

  it.each([
    ["a scoped AWS policy", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"],
    ["a policy created in this stack (unknown in preview; its own document is checked)", UNKNOWN],
  ])("accepts an attachment of %s", (_case, policyArn) => {
    expect(validateResource(RULE, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "r", policyArn })).toEqual([]);
  });

  it.each([
    ["a bucket policy (a resource policy)", "aws:s3/bucketPolicy:BucketPolicy", { policy: doc(admin) }],
    ["a key with an admin-looking policy and policyArn", KEY, { policy: doc(admin), policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }],
  ])("ignores %s", (_case, type, props) => {
    expect(validateResource(RULE, type, props)).toEqual([]);
  });
});
