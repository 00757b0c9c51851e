import { policyNamed, messages, UNKNOWN, advisories, validateResource } from "../support/policyArgs";

const KEY = "aws:kms/key:Key";

describe("kms-key-missing-rotation", () => {
  it("refuses a symmetric key without rotation or with a too long period", () => {
    expect(messages(validateResource("kms-key-missing-rotation", KEY, {}))).toEqual([expect.stringContaining("enableKeyRotation: automatic rotation is off")]);
    expect(messages(validateResource("kms-key-missing-rotation", KEY, { enableKeyRotation: true, rotationPeriodInDays: 730 }))).toEqual([expect.stringContaining("rotates every 730 days, more than 365")]);
    expect(validateResource("kms-key-missing-rotation", KEY, { enableKeyRotation: true, rotationPeriodInDays: 730 }, { maxRotationPeriodDays: 730 })).toEqual([]);
  });

  it("skips asymmetric and HMAC keys, which cannot rotate", () => {
    expect(validateResource("kms-key-missing-rotation", KEY, { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" })).toEqual([]);
    expect(validateResource("kms-key-missing-rotation", KEY, { keySpec: "HMAC_256", keyUsage: "GENERATE_VERIFY_MAC" })).toEqual([]);
  });

  it("remediates by turning rotation on", () => {
    const policy = policyNamed("kms-key-missing-rotation");
    const args = { type: KEY, props: { description: "k" } } as unknown as Parameters<NonNullable<typeof policy.remediateResource>>[0];
    expect(policy.remediateResource?.(args)).toEqual({ description: "k", enableKeyRotation: true });
  });
});

describe("kms-key-deletion-window-too-short", () => {
  it("refuses a window below the minimum and accepts the AWS default", () => {
    expect(messages(validateResource("kms-key-deletion-window-too-short", KEY, { deletionWindowInDays: 7 }))).toEqual([expect.stringContaining("deletionWindowInDays: a deletion window of 7 days")]);
    expect(validateResource("kms-key-deletion-window-too-short", KEY, {})).toEqual([]);
    expect(validateResource("kms-key-deletion-window-too-short", KEY, { deletionWindowInDays: 20 }, { minDeletionWindowDays: 21 })).toHaveLength(1);
  });
});

describe("iam-policy-disallow-public-principal", () => {
  const doc = (statement: Record<string, unknown>) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "kms:Decrypt", Resource: "*", ...statement }] });
  const check = (type: string, field: string, statement: Record<string, unknown>) => messages(validateResource("iam-policy-disallow-public-principal", type, { [field]: doc(statement) }));

  it.each([
    ['Principal: "*"', { Principal: "*" }],
    ['Principal: {AWS: "*"}', { Principal: { AWS: "*" } }],
    ['Principal: {AWS: ["*"]}', { Principal: { AWS: ["arn:aws:iam::123456789012:root", "*"] } }],
    ["an account wildcard", { Principal: { AWS: "arn:aws:iam::*:root" } }],
    ["NotPrincipal on an Allow", { NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" } }],
    ["a condition that does not pin the caller", { Principal: "*", Condition: { Bool: { "aws:SecureTransport": "true" } } }],
    ["a negated identity condition", { Principal: "*", Condition: { StringNotEquals: { "aws:PrincipalAccount": "123456789012" } } }],
    ["a wildcard-only identity condition", { Principal: "*", Condition: { StringLike: { "aws:PrincipalOrgID": "*" } } }],
  ])("refuses %s in a key policy", (_case, statement) => {
    expect(check(KEY, "policy", statement)).toEqual([expect.stringContaining("policy.Statement[0]")]);
  });

  it("checks bucket policies and role trust policies too, given as objects or strings", () => {
    expect(check("aws:s3/bucketPolicy:BucketPolicy", "policy", { Principal: "*" })).toHaveLength(1);
    expect(check("aws:iam/role:Role", "assumeRolePolicy", { Principal: { AWS: "*" }, Action: "sts:AssumeRole" })).toHaveLength(1);
    expect(validateResource("iam-policy-disallow-public-principal", "aws:s3/bucketPolicy:BucketPolicy", { policy: { Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject" }] } })).toHaveLength(1);
  });

  it("accepts named principals, Deny statements, and '*' pinned to an organisation or source account", () => {
    expect(check(KEY, "policy", { Principal: { AWS: "arn:aws:iam::123456789012:root" } })).toEqual([]);
    expect(check(KEY, "policy", { Effect: "Deny", Principal: "*" })).toEqual([]);
    expect(check(KEY, "policy", { Principal: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } } })).toEqual([]);
    expect(check(KEY, "policy", { Principal: { Service: "logging.s3.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } } })).toEqual([]);
  });

  it("reports an unknown document as unverified and a malformed one as a violation", () => {
    expect(advisories(validateResource("iam-policy-disallow-public-principal", KEY, { policy: UNKNOWN }))).toHaveLength(1);
    expect(messages(validateResource("iam-policy-disallow-public-principal", KEY, { policy: "{not json" }))).toEqual(["policy: is not a valid JSON policy document"]);
  });
});

describe("iam-policy-disallow-wildcard-admin", () => {
  const doc = (statement: Record<string, unknown>) => JSON.stringify({ Statement: [{ Effect: "Allow", ...statement }] });

  it.each([
    ['Action "*" on "*"', { Action: "*", Resource: "*" }],
    ['Action "*:*" on "*"', { Action: ["s3:GetObject", "*:*"], Resource: ["*"] }],
    ['NotAction on "*"', { NotAction: "iam:*", Resource: "*" }],
  ])("refuses %s", (_case, statement) => {
    expect(messages(validateResource("iam-policy-disallow-wildcard-admin", "aws:iam/policy:Policy", { policy: doc(statement) }))).toEqual([expect.stringContaining("policy.Statement[0]")]);
  });

  it("checks role inline policies and AWS administrator attachments", () => {
    expect(validateResource("iam-policy-disallow-wildcard-admin", "aws:iam/role:Role", { inlinePolicies: [{ name: "x", policy: doc({ Action: "*", Resource: "*" }) }] })).toHaveLength(1);
    expect(validateResource("iam-policy-disallow-wildcard-admin", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "r", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" })).toHaveLength(1);
  });

  it("accepts scoped grants and wildcard denies", () => {
    expect(validateResource("iam-policy-disallow-wildcard-admin", "aws:iam/policy:Policy", { policy: doc({ Action: ["s3:GetObject"], Resource: "arn:aws:s3:::data/teams/vision/*" }) })).toEqual([]);
    expect(validateResource("iam-policy-disallow-wildcard-admin", "aws:iam/policy:Policy", { policy: JSON.stringify({ Statement: [{ Effect: "Deny", Action: "*", Resource: "*" }] }) })).toEqual([]);
  });
});
