import { UNKNOWN, validateStackAsync, type FakeResource, type Reported } from "../support/policyArgs";

/*
 * FACT (Vault, hashicorp/vault vault/expiration.go @ 1f96ddeb02d5c5668c0b41b6aaa98cbdcfa57cb9, 1.1 line,
 * unchanged in later versions): Register indexes every lease under the service token that created it,
 * RevokeByToken revokes all of them when that token is revoked, and an expiring token is revoked
 * (revokeEntry -> tokenStore.revokeTree). For a batch token Register instead caps the lease's
 * ExpireTime at the token's ("we want to constrain the maximum lifetime by the token's lifetime").
 * Either way a credential lives no longer than the token that read it.
 * FACT (Vault, sdk/framework/lease.go CalculateTTL @ 05aae7c6ce05deb9d0a503076e7fa3acc8d40616, and
 * vault/request_handling.go @ 00c3d11f894ab38a267f62cfd4f4faaed7b853f2, which calls it for tokens and
 * for leases): TTL = the role's TTL, else the mount's DefaultLeaseTTL (tuned, else the server's);
 * capped by the lowest of the mount's MaxLeaseTTL (else the server's), the role's max TTL and the
 * token's explicit max TTL. A period replaces the TTL, capped the same way. 0 means unset.
 * FACT (Vault, vault/expiration.go @ 1f96ddeb): the server's default and max lease TTL are 32 days (768h).
 * FACT (External Secrets helm-chart-2.9.0, cc5bfbc2234ace9cb0caff4ea89c435cf517b27b,
 * generators/v1/vault/vault.go): Generate() logs in through NewGeneratorClient for every credential,
 * reads the path and returns; it never renews the token or the lease, and Cleanup() does nothing.
 * FACT (Vault, builtin/logical/aws/secret_access_keys.go @ c041bb02654ed03b6d0602611d02e2421d6e69af):
 * revoking an STS lease (is_sts) does nothing ("STS cleans up after itself"), so AWS credentials
 * outlive a revoked token anyway: the rule exempts them.
 */

const RULE = "vault-auth-role-ttl-below-lease";
const AUTH_BACKEND = "vault:index/authBackend:AuthBackend";
const ROLE = "vault:kubernetes/authBackendRole:AuthBackendRole";
const JWT_ROLE = "vault:jwt/authBackendRole:AuthBackendRole";
const APPROLE_ROLE = "vault:appRole/authBackendRole:AuthBackendRole";
const POLICY = "vault:index/policy:Policy";
const MOUNT = "vault:index/mount:Mount";
const DB_ROLE = "vault:database/secretBackendRole:SecretBackendRole";
const AWS_ROLE = "vault:aws/secretBackendRole:SecretBackendRole";
const ROLE_URN = `urn:pulumi:test::test::${ROLE}::training-role`;
const LATER = "is not known until apply, so this preview cannot check it; pulumi up checks it again once it is known";

const CREDS = "ml-dev-database/creds/dev-vision-training";
const readPolicy = (path = CREDS) => `path "${path}" {\n  capabilities = ["read"]\n}\n`;

const authMount = (tune: unknown = { defaultLeaseTtl: "600s", maxLeaseTtl: "3600s" }): FakeResource => ({ type: AUTH_BACKEND, name: "kubernetes-auth", props: { type: "kubernetes", path: "kubernetes", tune } });
const role = (change: Record<string, unknown> = {}, type = ROLE, name = "training-role"): FakeResource => ({
  type, name,
  props: { backend: "kubernetes", roleName: "dev-vision-training", boundServiceAccountNames: ["training"], boundServiceAccountNamespaces: ["vision"], tokenTtl: 1800, tokenMaxTtl: 1800, tokenPolicies: ["dev-vision-training"], tokenNoDefaultPolicy: true, ...change },
});
const policy = (text: unknown = readPolicy(), name = "dev-vision-training"): FakeResource => ({ type: POLICY, name: `policy-${name}`, props: { name, policy: text } });
const databaseMount = (change: Record<string, unknown> = {}): FakeResource => ({ type: MOUNT, name: "database", props: { path: "ml-dev-database", type: "database", defaultLeaseTtlSeconds: 3600, maxLeaseTtlSeconds: 7200, ...change } });
const databaseRole = (change: Record<string, unknown> = {}): FakeResource => ({ type: DB_ROLE, name: "database-role", props: { backend: "ml-dev-database", name: "dev-vision-training", dbName: "mlflow", defaultTtl: 1800, maxTtl: 3600, ...change } });

/** The platform's shape: one auth mount, one role reading one database credential, with its mount. */
const stack = (change: { role?: Record<string, unknown>; tune?: unknown; policy?: unknown; databaseRole?: Record<string, unknown>; databaseMount?: Record<string, unknown> } = {}): FakeResource[] => [
  authMount(change.tune), role(change.role), policy(change.policy), databaseMount(change.databaseMount), databaseRole(change.databaseRole),
];

const check = async (resources: FakeResource[], config = {}) => (await validateStackAsync(RULE, resources, config)).map((item: Reported) => [item.level, item.urn, item.message]);

const revoked = (token: string, lease: string, early: string, needed: string) =>
  `tokenTtl: tokens of Vault role dev-vision-training (auth/kubernetes) live ${token}, but the credentials its policies let it read at ${CREDS} lease for ${lease}: Vault revokes a lease when the token that created it expires, and External Secrets never renews that token, so pods lose the credentials ${early} before their lease ends; give the role a tokenTtl (and tokenMaxTtl, and mount maximum) of at least ${needed}, or shorten the lease`;

describe("vault-auth-role-ttl-below-lease", () => {
  it.each([
    ["a token shorter than the lease it reads", { role: { tokenTtl: 600 } },
      revoked("600s (10m), from tokenTtl", "1800s (30m), from defaultTtl", "1200s (20m)", "1800s (30m)")],
    ["an unset tokenTtl: the auth mount's default applies", { role: { tokenTtl: undefined } },
      revoked("600s (10m), from the auth mount's default (tune.defaultLeaseTtl; tokenTtl is unset)", "1800s (30m), from defaultTtl", "1200s (20m)", "1800s (30m)")],
    ["a long tokenTtl cut by tokenMaxTtl", { role: { tokenTtl: 3600, tokenMaxTtl: "20m" } },
      revoked("1200s (20m), from tokenTtl capped by tokenMaxTtl", "1800s (30m), from defaultTtl", "600s (10m)", "1800s (30m)")],
    ["a long tokenTtl cut by the auth mount's maximum", { role: { tokenTtl: 3600, tokenMaxTtl: 0 }, tune: { defaultLeaseTtl: "600s", maxLeaseTtl: "15m" } },
      revoked("900s (15m), from tokenTtl capped by the auth mount's tune.maxLeaseTtl", "1800s (30m), from defaultTtl", "900s (15m)", "1800s (30m)")],
    ["a long tokenTtl cut by tokenExplicitMaxTtl", { role: { tokenTtl: 3600, tokenMaxTtl: 3600, tokenExplicitMaxTtl: 900 } },
      revoked("900s (15m), from tokenTtl capped by tokenExplicitMaxTtl", "1800s (30m), from defaultTtl", "900s (15m)", "1800s (30m)")],
    ["a database role without defaultTtl: its mount's default lease applies", { databaseRole: { defaultTtl: 0 } },
      revoked("1800s (30m), from tokenTtl", "3600s (1h), from the mount's default (defaultLeaseTtlSeconds; defaultTtl is unset)", "1800s (30m)", "3600s (1h)")],
    ["the grant written as a glob", { policy: readPolicy("ml-dev-database/creds/*"), role: { tokenTtl: 600 } },
      revoked("600s (10m), from tokenTtl", "1800s (30m), from defaultTtl", "1200s (20m)", "1800s (30m)")],
    ["the grant in a JSON policy", { policy: JSON.stringify({ path: { [CREDS]: { capabilities: ["read"] } } }), role: { tokenTtl: 600 } },
      revoked("600s (10m), from tokenTtl", "1800s (30m), from defaultTtl", "1200s (20m)", "1800s (30m)")],
  ])("refuses %s", async (_case, change, expected) => {
    expect(await check(stack(change))).toEqual([["policy", ROLE_URN, expected]]);
  });

  it("falls back to the Vault server's 768h when neither the role nor a mount of the stack sets the lease", async () => {
    const resources = [authMount(), role(), policy(), databaseRole({ defaultTtl: undefined, maxTtl: undefined })];
    expect(await check(resources)).toEqual([["policy", ROLE_URN,
      revoked("1800s (30m), from tokenTtl", "2764800s (768h), from the Vault server's default (default_lease_ttl; defaultTtl is unset)", "2763000s (46050m)", "2764800s (768h)")]]);
    // A server configured with a shorter default_lease_ttl is told through the rule's config.
    expect(await check(resources, { vaultDefaultLeaseTtlSeconds: 900 })).toEqual([]);
  });

  it.each([
    ["jwt", JWT_ROLE, "jwt"],
    ["AppRole", APPROLE_ROLE, "approle"],
  ])("checks %s auth roles the same way", async (_method, type, backend) => {
    const resources = [role({ backend, tokenTtl: 600 }, type, "other-role"), policy(), databaseMount(), databaseRole()];
    expect((await check(resources)).map(([level, urn]) => [level, urn])).toEqual([["policy", `urn:pulumi:test::test::${type}::other-role`]]);
  });

  it.each([
    ["a token exactly as long as the lease", {}],
    ["a lease cut to the token's length by the database role's maxTtl", { databaseRole: { defaultTtl: 3600, maxTtl: 1800 } }],
    ["a lease cut by its mount's maximum", { databaseRole: { defaultTtl: 3600, maxTtl: 0 }, databaseMount: { maxLeaseTtlSeconds: 1200 } }],
    ["a role whose policy reads another role's credentials", { role: { tokenTtl: 600 }, policy: readPolicy("ml-dev-database/creds/dev-vision-serving") }],
    ["a role whose policy lists credentials without reading them", { role: { tokenTtl: 600 }, policy: `path "${CREDS}" {\n  capabilities = ["list"]\n}\n` }],
    ["a role denied the credentials by a more specific rule", { role: { tokenTtl: 600 }, policy: `${readPolicy("ml-dev-database/creds/*")}path "${CREDS}" {\n  capabilities = ["deny"]\n}\n` }],
  ])("accepts %s", async (_case, change) => {
    expect(await check(stack(change))).toEqual([]);
  });

  it("exempts AWS STS credentials, which Vault cannot revoke", async () => {
    const aws: FakeResource = { type: AWS_ROLE, name: "aws-role", props: { backend: "ml-dev-aws", name: "dev-vision-training", credentialType: "assumed_role", defaultStsTtl: 3600 } };
    expect(await check([authMount(), role({ tokenTtl: 600 }), policy(readPolicy("ml-dev-aws/sts/dev-vision-training")), aws])).toEqual([]);
  });

  it("finds the auth mount and the database mount through the engine's dependencies while their paths are unknown", async () => {
    const resources: FakeResource[] = [
      { ...authMount({ defaultLeaseTtl: "600s", maxLeaseTtl: "600s" }), props: { type: "kubernetes", path: UNKNOWN, tune: { defaultLeaseTtl: "600s", maxLeaseTtl: "600s" } } },
      { ...role({ backend: UNKNOWN, tokenTtl: 1800 }), dependsOn: { backend: ["kubernetes-auth"] } },
      policy(), databaseMount(), databaseRole(),
    ];
    expect(await check(resources)).toEqual([["policy", ROLE_URN,
      revoked("600s (10m), from tokenTtl capped by the auth mount's tune.maxLeaseTtl", "1800s (30m), from defaultTtl", "1200s (20m)", "1800s (30m)").replace(" (auth/kubernetes)", "")]]);
  });

  it.each([
    ["the token TTL", { role: { tokenTtl: UNKNOWN } }, `tokenTtl: tokenTtl of Vault role dev-vision-training (auth/kubernetes) ${LATER}`],
    ["the auth mount's tune", { tune: UNKNOWN, role: { tokenTtl: undefined } }, `tokenTtl: the auth mount's tune of Vault role dev-vision-training (auth/kubernetes) ${LATER}`],
    ["the policy text", { policy: UNKNOWN }, `tokenPolicies: the text of policy dev-vision-training ${LATER}`],
    ["the policy list", { role: { tokenPolicies: [UNKNOWN] } }, `tokenPolicies: the role's policy list ${LATER}`],
    ["the lease", { databaseRole: { defaultTtl: UNKNOWN } }, `tokenTtl: the lease of ${CREDS} (defaultTtl) ${LATER}`],
    ["the credentials path", { databaseRole: { name: UNKNOWN } }, `tokenPolicies: the path of database role database-role ${LATER}`],
  ])("reports an unknown %s as advisory", async (_case, change, expected) => {
    expect(await check(stack(change))).toEqual([["advisory", ROLE_URN, expected]]);
  });
});

describe("vault-auth-role-ttl-below-lease: the server's limits and what a role reads", () => {
  const KV_READ = readPolicy("ml-dev-kv/data/teams/vision");

  it("caps lifetimes with the configured server max_lease_ttl when no mount sets one", async () => {
    const uncapped = stack({ tune: {}, role: { tokenTtl: 3600, tokenMaxTtl: 0 }, databaseMount: { defaultLeaseTtlSeconds: 0, maxLeaseTtlSeconds: 0 }, databaseRole: { defaultTtl: 7200, maxTtl: 0 } });
    // Both capped at 3600 s by the server: the token lives as long as the lease.
    expect(await check(uncapped, { vaultMaxLeaseTtlSeconds: 3600 })).toEqual([]);
    expect((await check(uncapped)).map(([level]) => level)).toEqual(["policy"]);
  });

  it("asks about a database role whose path is unknown only when the role reads credentials somewhere", async () => {
    const unknownName = { databaseRole: { name: UNKNOWN } };
    const unverified = [["advisory", ROLE_URN, `tokenPolicies: the path of database role database-role ${LATER}`]];
    expect(await check(stack({ ...unknownName, policy: readPolicy("other-database/creds/someone") }))).toEqual(unverified);
    expect(await check(stack({ ...unknownName, policy: KV_READ + readPolicy("other-database/creds/someone") }))).toEqual(unverified);
    expect(await check(stack({ ...unknownName, policy: KV_READ }))).toEqual([]);
    expect(await check(stack({ ...unknownName, policy: `path "${CREDS}" {\n  capabilities = ["list"]\n}\n` }))).toEqual([]);
  });

  it("does not ask about the token of a role that reads no database credentials", async () => {
    expect(await check(stack({ role: { tokenTtl: UNKNOWN }, policy: KV_READ }))).toEqual([]);
  });
});
