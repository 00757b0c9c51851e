import { advisories, enforced, messages, UNKNOWN, validateResource, validateResourceAsync, validateStack } from "../support/policyArgs";

const ROLE = "vault:kubernetes/authBackendRole:AuthBackendRole";
const DB_ROLE = "vault:database/secretBackendRole:SecretBackendRole";
const AWS_ROLE = "vault:aws/secretBackendRole:SecretBackendRole";
const POLICY = "vault:index/policy:Policy";

const goodRole = { roleName: "dev-vision", boundServiceAccountNames: ["training", "serving"], boundServiceAccountNamespaces: ["vision"], audience: "vault", tokenTtl: 900, tokenMaxTtl: 3600 };

describe("vault-auth-role-disallow-wildcard-bindings", () => {
  const check = (props: Record<string, unknown>) => messages(enforced(validateResource("vault-auth-role-disallow-wildcard-bindings", ROLE, props)));

  it("accepts exact names", () => expect(check(goodRole)).toEqual([]));

  it.each([
    ["any service account", { boundServiceAccountNames: ["*"] }, "boundServiceAccountNames"],
    ["a glob of namespaces", { boundServiceAccountNamespaces: ["team-*"] }, "boundServiceAccountNamespaces"],
    ["no namespace at all", { boundServiceAccountNamespaces: [] }, "boundServiceAccountNamespaces: is empty"],
    ["a namespace label selector", { boundServiceAccountNamespaces: [], boundServiceAccountNamespaceSelector: '{"matchLabels":{"team":"vision"}}' }, "boundServiceAccountNamespaceSelector"],
  ])("refuses %s", (_case, change, expected) => {
    expect(check({ ...goodRole, ...change }).join("\n")).toContain(expected);
  });

  it("reports unknown bindings as unverified", () => {
    expect(advisories(validateResource("vault-auth-role-disallow-wildcard-bindings", ROLE, { ...goodRole, boundServiceAccountNamespaces: [UNKNOWN] }))).toHaveLength(1);
  });
});

describe("vault-auth-role-missing-audience (advisory)", () => {
  it("flags a role without audience, not one with", () => {
    expect(validateResource("vault-auth-role-missing-audience", ROLE, { ...goodRole, audience: undefined })).toHaveLength(1);
    expect(validateResource("vault-auth-role-missing-audience", ROLE, goodRole)).toEqual([]);
  });
});

describe("vault-auth-role-ttl-too-long", () => {
  const check = (props: Record<string, unknown>, config = {}) => messages(validateResource("vault-auth-role-ttl-too-long", ROLE, { ...goodRole, ...props }, config));

  it.each([
    ["an unset TTL (Vault's 32-day default)", { tokenTtl: undefined }, "tokenTtl: the token TTL is not set"],
    ["a zero TTL", { tokenTtl: 0 }, "tokenTtl: the token TTL is not set"],
    ["a long TTL", { tokenTtl: 7200 }, "tokenTtl: the token TTL is 7200s (2h), above the 3600s (1h) allowed"],
    ["a long TTL written with units", { tokenMaxTtl: "48h" }, "tokenMaxTtl: the token max TTL is 172800s (48h)"],
    ["a TTL in days", { tokenMaxTtl: "2d" }, "tokenMaxTtl"],
    ["a periodic token", { tokenPeriod: 3600 }, "tokenPeriod: periodic tokens can be renewed forever"],
    ["a malformed duration", { tokenTtl: "15 minutes" }, 'tokenTtl: "15 minutes" is not a duration'],
  ])("refuses %s", (_case, change, expected) => {
    expect(check(change).join("\n")).toContain(expected);
  });

  it("accepts short TTLs in seconds or units, and takes the bound from config", () => {
    expect(check({ tokenTtl: "15m", tokenMaxTtl: "1h" })).toEqual([]);
    expect(check({}, { maxTokenTtlSeconds: 600 })).toEqual([expect.stringContaining("above the 600s (10m) allowed")]);
  });
});

describe("vault-database-role-ttl-too-long and vault-aws-role-disallow-long-lived", () => {
  it("bounds database leases", () => {
    expect(validateResource("vault-database-role-ttl-too-long", DB_ROLE, { defaultTtl: 3600, maxTtl: 14400 })).toEqual([]);
    expect(messages(validateResource("vault-database-role-ttl-too-long", DB_ROLE, { defaultTtl: 86400 * 7, maxTtl: 0 }))).toEqual([
      expect.stringContaining("defaultTtl: the credential lease is 604800s (168h)"),
      expect.stringContaining("maxTtl: the credential max lease is not set"),
    ]);
  });

  it("refuses IAM users and accepts short assumed-role credentials", () => {
    expect(messages(validateResource("vault-aws-role-disallow-long-lived", AWS_ROLE, { credentialType: "iam_user", policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }))).toEqual([
      expect.stringContaining('credentialType: "iam_user" creates IAM users with access keys'),
    ]);
    expect(validateResource("vault-aws-role-disallow-long-lived", AWS_ROLE, { credentialType: "assumed_role", defaultStsTtl: 900, maxStsTtl: 3600 })).toEqual([]);
    expect(validateResource("vault-aws-role-disallow-long-lived", AWS_ROLE, { credentialType: "assumed_role", defaultStsTtl: 900, maxStsTtl: 86400 })).toHaveLength(1);
  });
});

describe("vault-policy-disallow-wildcards", () => {
  const check = (policy: string, config = {}) => validateResourceAsync("vault-policy-disallow-wildcards", POLICY, { policy }, config);

  it("accepts exact read paths, in HCL and in JSON", async () => {
    expect(await check('path "ml-dev-database/creds/dev-vision" {\n  capabilities = ["read"]\n}\n')).toEqual([]);
    expect(await check(JSON.stringify({ path: { "ml-dev-kv/data/teams/vision": { capabilities: ["read"] } } }))).toEqual([]);
  });

  it.each([
    ["a * glob", 'path "secret/*" { capabilities = ["read"] }', 'path "secret/*"'],
    ["a + segment glob", 'path "ml-dev-database/creds/+" { capabilities = ["read"] }', "matches more than one path"],
    ["sudo", 'path "sys/audit" { capabilities = ["read", "sudo"] }', "grants sudo"],
    ["a glob hidden among exact paths", 'path "a/b" { capabilities = ["read"] }\npath "a/*" { capabilities = ["list"] }', 'path "a/*"'],
    ["a glob in a JSON policy", JSON.stringify({ path: { "kv/*": { capabilities: ["read"] } } }), 'path "kv/*"'],
  ])("refuses %s", async (_case, policy, expected) => {
    expect(messages(await check(policy)).join("\n")).toContain(expected);
  });

  it("reports a policy that does not parse, and exempts allowed paths", async () => {
    expect(messages(await check('path "x" {'))).toEqual([expect.stringContaining("policy: is not a valid Vault policy")]);
    expect(await check('path "sys/audit" { capabilities = ["sudo"] }', { allowedPaths: ["sys/audit"] })).toEqual([]);
  });
});

describe("vault-audit-device-missing", () => {
  it("requires an audit device in any stack with Vault resources", () => {
    const role = { type: ROLE, name: "role", props: goodRole };
    expect(messages(validateStack("vault-audit-device-missing", [role]))).toEqual([expect.stringContaining("no audit device")]);
    expect(validateStack("vault-audit-device-missing", [role, { type: "vault:index/audit:Audit", name: "audit", props: { type: "file" } }])).toEqual([]);
    expect(validateStack("vault-audit-device-missing", [{ type: "aws:s3/bucket:Bucket", name: "b", props: {} }])).toEqual([]);
  });
});
