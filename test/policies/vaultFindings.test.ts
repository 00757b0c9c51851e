import { UNKNOWN, validateResource, validateResourceAsync, validateStack, type FakeResource, type Reported } from "../support/policyArgs";

const ROLE = "vault:kubernetes/authBackendRole:AuthBackendRole";
const DB_ROLE = "vault:database/secretBackendRole:SecretBackendRole";
const AWS_ROLE = "vault:aws/secretBackendRole:SecretBackendRole";
const POLICY = "vault:index/policy:Policy";
const AUDIT = "vault:index/audit:Audit";

const LATER = "is not known until apply, so this preview cannot check it; pulumi up checks it again once it is known";
const EXACT = "list the exact names";

const goodRole = { roleName: "dev-vision", boundServiceAccountNames: ["training", "serving"], boundServiceAccountNamespaces: ["vision"], audience: "vault", tokenTtl: 900, tokenMaxTtl: 3600 };

/** Each reported finding as [level, message], so one assertion pins text, count and enforcement. */
const findings = (reported: Reported[]) => reported.map((item) => [item.level, item.message]);

describe("vault-auth-role-disallow-wildcard-bindings: findings", () => {
  const check = (change: Record<string, unknown>) => findings(validateResource("vault-auth-role-disallow-wildcard-bindings", ROLE, { ...goodRole, ...change }));

  it.each([
    ["any service account", { boundServiceAccountNames: ["training", "*"] }, [["policy", `boundServiceAccountNames: "*" lets any service account log in; ${EXACT}`]]],
    ["globbed namespaces, each named", { boundServiceAccountNamespaces: ["vision", "team-*", "*-prod"] }, [["policy", `boundServiceAccountNamespaces: "team-*", "*-prod" lets any namespace log in; ${EXACT}`]]],
    ["no service account", { boundServiceAccountNames: [] }, [["policy", "boundServiceAccountNames: is empty; list the exact names"]]],
    ["no service account, even with a namespace selector", { boundServiceAccountNames: [], boundServiceAccountNamespaceSelector: '{"matchLabels":{"team":"vision"}}' }, [
      ["policy", "boundServiceAccountNames: is empty; list the exact names"],
      ["policy", "boundServiceAccountNamespaceSelector: a label selector admits every namespace that carries the labels, including ones created later; list the namespaces instead"],
    ]],
    ["no namespace", { boundServiceAccountNamespaces: undefined }, [["policy", "boundServiceAccountNamespaces: is empty; list the exact names"]]],
    // The selector replaces the namespace list in Vault: it is reported once, as a selector, not also as an empty list.
    ["a namespace selector instead of a list", { boundServiceAccountNamespaces: [], boundServiceAccountNamespaceSelector: '{"matchLabels":{"team":"vision"}}' }, [
      ["policy", "boundServiceAccountNamespaceSelector: a label selector admits every namespace that carries the labels, including ones created later; list the namespaces instead"],
    ]],
    ["unknown service accounts", { boundServiceAccountNames: UNKNOWN }, [["advisory", `boundServiceAccountNames: boundServiceAccountNames ${LATER}`]]],
    ["one unknown namespace", { boundServiceAccountNamespaces: ["vision", UNKNOWN] }, [["advisory", `boundServiceAccountNamespaces: boundServiceAccountNamespaces ${LATER}`]]],
  ])("reports %s", (_case, change, expected) => {
    expect(check(change)).toEqual(expected);
  });

  it.each([
    ["exact names", {}],
    ["an empty selector string next to a namespace list", { boundServiceAccountNamespaceSelector: "" }],
  ])("accepts %s", (_case, change) => {
    expect(check(change)).toEqual([]);
  });
});

describe("vault-auth-role-missing-audience: findings", () => {
  const check = (audience: unknown) => findings(validateResource("vault-auth-role-missing-audience", ROLE, { ...goodRole, audience }));
  const MISSING = "audience: no audience is required; any token of the service account is accepted";

  it.each([["unset", undefined], ["empty", ""]])("flags an %s audience", (_case, audience) => {
    expect(check(audience)).toEqual([["policy", MISSING]]);
  });

  it("accepts a role requiring an audience, and reports an unknown one as advisory", () => {
    expect(check("vault")).toEqual([]);
    expect(check(UNKNOWN)).toEqual([["advisory", `audience: the audience ${LATER}`]]);
  });
});

describe("vault-auth-role-ttl-too-long: findings", () => {
  const check = (change: Record<string, unknown>, config = {}) => findings(validateResource("vault-auth-role-ttl-too-long", ROLE, { ...goodRole, ...change }, config));

  it.each([
    ["TTLs exactly at the defaults", { tokenTtl: 3600, tokenMaxTtl: "24h" }, {}],
    ["TTLs exactly at configured bounds", { tokenTtl: "10m", tokenMaxTtl: 7200 }, { maxTokenTtlSeconds: 600, maxTokenMaxTtlSeconds: 7200 }],
    ["a zero period (not periodic)", { tokenPeriod: 0 }, {}],
    ["a zero period with units", { tokenPeriod: "0s" }, {}],
  ])("accepts %s", (_case, change, config) => {
    expect(check(change, config)).toEqual([]);
  });

  it.each([
    ["a TTL one second over", { tokenTtl: 3601 }, {}, "tokenTtl: the token TTL is 3601s, above the 3600s (1h) allowed; shorten it"],
    ["a max TTL one second over", { tokenMaxTtl: 86401 }, {}, "tokenMaxTtl: the token max TTL is 86401s, above the 86400s (24h) allowed; shorten it"],
    ["a max TTL over a configured bound", { tokenMaxTtl: "3h" }, { maxTokenMaxTtlSeconds: 7200 }, "tokenMaxTtl: the token max TTL is 10800s (3h), above the 7200s (2h) allowed; shorten it"],
    ["an unset max TTL", { tokenMaxTtl: undefined }, {}, "tokenMaxTtl: the token max TTL is not set, so Vault's system default applies (32 days unless tuned); set it to at most 86400s (24h)"],
    ["a one-second period", { tokenPeriod: "1s" }, {}, "tokenPeriod: periodic tokens can be renewed forever; remove tokenPeriod"],
  ])("refuses %s", (_case, change, config, expected) => {
    expect(check(change, config)).toEqual([["policy", expected]]);
  });

  it.each([
    ["TTL", { tokenTtl: UNKNOWN }, `tokenTtl: the token TTL ${LATER}`],
    ["max TTL", { tokenMaxTtl: UNKNOWN }, `tokenMaxTtl: the token max TTL ${LATER}`],
    ["period", { tokenPeriod: UNKNOWN }, `tokenPeriod: the token period ${LATER}`],
  ])("reports an unknown %s as advisory", (_case, change, expected) => {
    expect(check(change)).toEqual([["advisory", expected]]);
  });
});

describe("vault-database-role-ttl-too-long: findings", () => {
  const check = (props: Record<string, unknown>, config = {}) => findings(validateResource("vault-database-role-ttl-too-long", DB_ROLE, props, config));

  it("accepts leases exactly at the bounds, default or configured", () => {
    expect(check({ defaultTtl: 3600, maxTtl: 86400 })).toEqual([]);
    expect(check({ defaultTtl: 900, maxTtl: 7200 }, { maxTtlSeconds: 900, maxMaxTtlSeconds: 7200 })).toEqual([]);
  });

  it("takes both bounds from config", () => {
    expect(check({ defaultTtl: 901, maxTtl: 7201 }, { maxTtlSeconds: 900, maxMaxTtlSeconds: 7200 })).toEqual([
      ["policy", "defaultTtl: the credential lease is 901s, above the 900s (15m) allowed; shorten it"],
      ["policy", "maxTtl: the credential max lease is 7201s, above the 7200s (2h) allowed; shorten it"],
    ]);
  });

  it("reports unset, malformed and unknown leases", () => {
    expect(check({ maxTtl: "forever" })).toEqual([
      ["policy", "defaultTtl: the credential lease is not set, so Vault's system default applies (32 days unless tuned); set it to at most 3600s (1h)"],
      ["policy", 'maxTtl: "forever" is not a duration'],
    ]);
    expect(check({ defaultTtl: UNKNOWN, maxTtl: 3600 })).toEqual([["advisory", `defaultTtl: the credential lease ${LATER}`]]);
  });
});

describe("vault-aws-role-disallow-long-lived: findings", () => {
  const check = (props: Record<string, unknown>, config = {}) => findings(validateResource("vault-aws-role-disallow-long-lived", AWS_ROLE, props, config));

  it.each([["assumed_role"], ["federation_token"], ["session_token"]])("accepts %s credentials with TTLs at the bounds", (credentialType) => {
    expect(check({ credentialType, defaultStsTtl: 3600, maxStsTtl: 43200 })).toEqual([]);
  });

  it("refuses STS TTLs over the bounds, default or configured", () => {
    expect(check({ credentialType: "assumed_role", defaultStsTtl: 3601, maxStsTtl: 43201 })).toEqual([
      ["policy", "defaultStsTtl: the STS credential TTL is 3601s, above the 3600s (1h) allowed; shorten it"],
      ["policy", "maxStsTtl: the STS credential max TTL is 43201s, above the 43200s (12h) allowed; shorten it"],
    ]);
    expect(check({ credentialType: "assumed_role", defaultStsTtl: 901, maxStsTtl: 3600 }, { maxTtlSeconds: 900 })).toEqual([
      ["policy", "defaultStsTtl: the STS credential TTL is 901s, above the 900s (15m) allowed; shorten it"],
    ]);
  });

  it("refuses IAM users (and any type it does not know) before looking at TTLs", () => {
    expect(check({ credentialType: "iam_user", defaultStsTtl: 900, maxStsTtl: 3600 })).toEqual([["policy", 'credentialType: "iam_user" creates IAM users with access keys; use assumed_role']]);
    expect(check({ defaultStsTtl: 900, maxStsTtl: 3600 })).toEqual([["policy", "credentialType: undefined creates IAM users with access keys; use assumed_role"]]);
  });

  it("reports an unknown credential type as advisory", () => {
    expect(check({ credentialType: UNKNOWN })).toEqual([["advisory", `credentialType: the credential type ${LATER}`]]);
  });
});

describe("vault-policy-disallow-wildcards: findings", () => {
  const check = async (props: Record<string, unknown>, config = {}) => findings(await validateResourceAsync("vault-policy-disallow-wildcards", POLICY, props, config));

  it("names each globbed or sudo path, once per problem", async () => {
    expect(await check({ policy: 'path "kv/*" { capabilities = ["read"] }\npath "sys/+/x" { capabilities = ["sudo", "read"] }' })).toEqual([
      ["policy", 'policy: path "kv/*": matches more than one path; name the exact path'],
      ["policy", 'policy: path "sys/+/x": matches more than one path; name the exact path'],
      ["policy", 'policy: path "sys/+/x": grants sudo (root-protected endpoints); remove it'],
    ]);
  });

  it("exempts only the allowed paths", async () => {
    const policy = 'path "sys/audit" { capabilities = ["sudo"] }\npath "kv/*" { capabilities = ["read"] }';
    expect(await check({ policy }, { allowedPaths: ["sys/audit"] })).toEqual([["policy", 'policy: path "kv/*": matches more than one path; name the exact path']]);
  });

  it("reports an unparsable policy with the parser's first line", async () => {
    expect(await check({ policy: '{"path": ' })).toEqual([["policy", "policy: is not a valid Vault policy (Unexpected end of JSON input)"]]);
  });

  it("accepts a policy with no text (it grants nothing), and reports unknown text as advisory", async () => {
    expect(await check({})).toEqual([]);
    expect(await check({ policy: UNKNOWN })).toEqual([["advisory", `policy: the policy text ${LATER}`]]);
  });
});

describe("Vault resource rules ignore other resource types", () => {
  const badRole = { ...goodRole, boundServiceAccountNames: ["*"], audience: undefined, tokenTtl: 0, defaultTtl: 0, credentialType: "iam_user" };
  it.each([
    ["vault-auth-role-disallow-wildcard-bindings", DB_ROLE],
    ["vault-auth-role-missing-audience", "vault:jwt/authBackendRole:AuthBackendRole"],
    ["vault-auth-role-ttl-too-long", AWS_ROLE],
    ["vault-database-role-ttl-too-long", ROLE],
    ["vault-aws-role-disallow-long-lived", DB_ROLE],
  ])("%s ignores %s", (rule, type) => {
    expect(validateResource(rule, type, badRole)).toEqual([]);
  });

  it("vault-policy-disallow-wildcards ignores other resources with a policy property", async () => {
    expect(await validateResourceAsync("vault-policy-disallow-wildcards", "vault:identity/entity:Entity", { policy: 'path "*" { capabilities = ["sudo"] }' })).toEqual([]);
  });
});

describe("vault-audit-device-missing: findings", () => {
  const role: FakeResource = { type: ROLE, name: "role", props: goodRole };
  const dbRole: FakeResource = { type: DB_ROLE, name: "db", props: { defaultTtl: 900 } };

  it("counts the stack's Vault resources, and reports at the stack (no URN)", () => {
    expect(validateStack("vault-audit-device-missing", [role, dbRole, { type: "aws:s3/bucket:Bucket", name: "b", props: {} }])).toEqual([
      { level: "policy", urn: undefined, message: "the stack configures 2 Vault resource(s) but no audit device; add a vault.Audit" },
    ]);
  });

  it("does not count the Vault provider as configuring Vault", () => {
    expect(validateStack("vault-audit-device-missing", [{ type: "pulumi:providers:vault", name: "vault", props: { address: "https://vault" } }])).toEqual([]);
  });

  it("accepts an audit device among the Vault resources", () => {
    expect(validateStack("vault-audit-device-missing", [role, dbRole, { type: AUDIT, name: "audit", props: { type: "file" } }])).toEqual([]);
  });
});
