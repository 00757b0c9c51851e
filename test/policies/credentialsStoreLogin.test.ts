import { validateKubernetesObject } from "../support/kubernetesSchemas";
import { UNKNOWN, validateStackAsync, type FakeResource, type Reported } from "../support/policyArgs";

/*
 * FACT (External Secrets helm-chart-2.9.0, cc5bfbc2234ace9cb0caff4ea89c435cf517b27b):
 * - providers/v1/vault/validate.go Validate(): unless the store is a ClusterSecretStore with a
 *   referent login (isReferentSpec in provider.go: a serviceAccountRef/secretRef without namespace)
 *   it calls checkToken (auth.go), a LookupSelf = read auth/token/lookup-self, on the token it just
 *   logged in with; an error leaves the store not Ready (pkg/controllers/secretstore/common.go).
 * - cmd/controller/root.go: --enable-flood-gate defaults to true, and client_manager.go Get() then
 *   refuses a store that is not Ready (assertStoreIsUsable): its ExternalSecrets stop syncing.
 * - providers/v1/vault/client.go Close() -> revokeTokenIfValid (auth.go): checkToken (lookup-self),
 *   then RevokeSelf = update auth/token/revoke-self; callers ignore Close's error
 *   (externalsecret_controller_secret.go `_ = mgr.Close(ctx)`), so the token just stays alive.
 * - apis/externalsecrets/v1/secretstore_vault_types.go: kubernetes {mountPath (default kubernetes),
 *   role}, jwt {path (default jwt), role (optional)}, appRole {path (default approle), roleId | roleRef, secretRef}.
 * FACT (Vault, vault/policy_store.go @ 0522303e9a358c99dd335a62c02307f654eb7152): the built-in
 * `default` policy grants read on auth/token/lookup-self and update on auth/token/renew-self and
 * auth/token/revoke-self. FACT (sdk/helper/tokenutil/tokenutil.go @ cb178b7e4fd54369331000141fa7820cd94e6f29):
 * token_no_default_policy: "If true, the 'default' policy will not automatically be added to generated tokens".
 * FACT (Vault docs, website/content/docs/concepts/policies.mdx @ 718f1a5139f36409e4f3968c2ad8250f27821a9a):
 * the most specific matching path wins (priority rules listed there), the same pattern in several
 * policies is merged, `deny` overrides, and `*` is a glob only as the path's last character.
 */

const RULE = "eso-store-vault-role-missing-token-lookup";
const STORE = "kubernetes:external-secrets.io/v1:SecretStore";
const CLUSTER_STORE = "kubernetes:external-secrets.io/v1:ClusterSecretStore";
const ROLE = "vault:kubernetes/authBackendRole:AuthBackendRole";
const JWT_ROLE = "vault:jwt/authBackendRole:AuthBackendRole";
const APPROLE_ROLE = "vault:appRole/authBackendRole:AuthBackendRole";
const POLICY = "vault:index/policy:Policy";
const LATER = "is not known until apply, so this preview cannot check it; pulumi up checks it again once it is known";

const kubernetesLogin = { kubernetes: { mountPath: "kubernetes", role: "dev-vision-secrets-sync", serviceAccountRef: { name: "secrets-sync", audiences: ["vault"] } } };
const storeObject = (auth: unknown, kind = "SecretStore") => ({
  apiVersion: "external-secrets.io/v1", kind,
  metadata: { name: "vault", ...(kind === "SecretStore" ? { namespace: "vision" } : {}) },
  spec: { provider: { vault: { server: "https://vault.internal:8200", path: "ml-dev-kv", version: "v2", auth } } },
});
const store = (auth: unknown = kubernetesLogin, kind = "SecretStore"): FakeResource => ({ type: kind === "SecretStore" ? STORE : CLUSTER_STORE, name: "store", props: storeObject(auth, kind) });
const role = (change: Record<string, unknown> = {}, type = ROLE): FakeResource => ({
  type, name: "sync-role",
  props: { backend: "kubernetes", roleName: "dev-vision-secrets-sync", boundServiceAccountNames: ["secrets-sync"], boundServiceAccountNamespaces: ["vision"], tokenTtl: 600, tokenPolicies: ["dev-vision-secrets-sync"], tokenNoDefaultPolicy: true, ...change },
});
const grant = (path: string, capabilities: string[]) => `path "${path}" {\n  capabilities = [${capabilities.map((capability) => `"${capability}"`).join(", ")}]\n}\n`;
const KV_READ = grant("ml-dev-kv/data/teams/vision", ["read"]);
const LOOKUP = grant("auth/token/lookup-self", ["read"]);
const REVOKE = grant("auth/token/revoke-self", ["update"]);
const policy = (text: unknown): FakeResource => ({ type: POLICY, name: "sync-policy", props: { name: "dev-vision-secrets-sync", policy: text } });

const STORE_PATH = "spec.provider.vault.auth.kubernetes.role";
const ROLE_TEXT = "Vault role dev-vision-secrets-sync (auth/kubernetes) drops the default policy (tokenNoDefaultPolicy) and none of its policies grants";
const NEVER_READY = "External Secrets validates the store by looking up its fresh token, so the store never becomes Ready and no ExternalSecret reading from it syncs; grant read on auth/token/lookup-self and update on auth/token/revoke-self (or keep the default policy)";
const LINGERS = "External Secrets cannot revoke the store's token when it is done with it, so each one stays alive until its TTL; grant update on auth/token/revoke-self";

const check = async (resources: FakeResource[]) => (await validateStackAsync(RULE, resources)).map((item: Reported) => [item.level, item.message]);

describe("eso-store-vault-role-missing-token-lookup", () => {
  it("uses only store fields the published ExternalSecret CRDs define", () => {
    for (const auth of [kubernetesLogin, { jwt: { path: "jwt", role: "r", kubernetesServiceAccountToken: { serviceAccountRef: { name: "secrets-sync" } } } }, { appRole: { path: "approle", roleId: "1234", secretRef: { name: "approle", key: "secret-id" } } }]) {
      expect(() => validateKubernetesObject(storeObject(auth))).not.toThrow();
    }
  });

  it.each([
    ["a role that dropped the default policy and reads only its KV path", [role(), policy(KV_READ)],
      [["policy", `${STORE_PATH}: ${ROLE_TEXT} read on auth/token/lookup-self (nor update on auth/token/revoke-self): ${NEVER_READY}`]]],
    ["a role that may revoke but not look up its token", [role(), policy(KV_READ + REVOKE)],
      [["policy", `${STORE_PATH}: ${ROLE_TEXT} read on auth/token/lookup-self: ${NEVER_READY}`]]],
    ["a role granted lookup-self only as list", [role(), policy(KV_READ + grant("auth/token/lookup-self", ["list"]) + REVOKE)],
      [["policy", `${STORE_PATH}: ${ROLE_TEXT} read on auth/token/lookup-self: ${NEVER_READY}`]]],
    // Vault honours `*` only as the last character: `auth/token/*-self` names one literal path.
    ["a role granted both through a mid-path star", [role(), policy(KV_READ + grant("auth/token/*-self", ["read", "update"]))],
      [["policy", `${STORE_PATH}: ${ROLE_TEXT} read on auth/token/lookup-self (nor update on auth/token/revoke-self): ${NEVER_READY}`]]],
    ["a role that may look up but not revoke its token", [role(), policy(KV_READ + LOOKUP)],
      [["advisory", `${STORE_PATH}: ${ROLE_TEXT} update on auth/token/revoke-self: ${LINGERS}`]]],
  ])("reports %s", async (_case, resources, expected) => {
    expect(await check([store(), ...resources])).toEqual(expected);
  });

  it.each([
    ["a role that keeps the default policy", [role({ tokenNoDefaultPolicy: false }), policy(KV_READ)]],
    ["a role that leaves tokenNoDefaultPolicy unset", [role({ tokenNoDefaultPolicy: undefined }), policy(KV_READ)]],
    ["a role that lists the default policy by name", [role({ tokenPolicies: ["dev-vision-secrets-sync", "default"] }), policy(KV_READ)]],
    ["a policy granting both token paths", [role(), policy(KV_READ + LOOKUP + REVOKE)]],
    ["a policy granting both through one trailing glob", [role(), policy(KV_READ + grant("auth/token/*", ["read", "update"]))]],
  ])("accepts %s", async (_case, resources) => {
    expect(await check([store(), ...resources])).toEqual([]);
  });

  it("holds a ClusterSecretStore that logs in as one fixed account to the same rule", async () => {
    const fixed = { kubernetes: { ...kubernetesLogin.kubernetes, serviceAccountRef: { name: "secrets-sync", namespace: "vision" } } };
    expect(await check([store(fixed, "ClusterSecretStore"), role(), policy(KV_READ)])).toEqual([
      ["policy", `${STORE_PATH}: ${ROLE_TEXT} read on auth/token/lookup-self (nor update on auth/token/revoke-self): ${NEVER_READY}`],
    ]);
  });

  it("only advises on a referent ClusterSecretStore, which ESO does not validate up front but still fails to revoke", async () => {
    expect(await check([store(kubernetesLogin, "ClusterSecretStore"), role(), policy(KV_READ)])).toEqual([
      ["advisory", `${STORE_PATH}: ${ROLE_TEXT} read on auth/token/lookup-self (nor update on auth/token/revoke-self): External Secrets looks the store's token up before revoking it, so every token it logs in with stays alive until its TTL; grant read on auth/token/lookup-self and update on auth/token/revoke-self`],
    ]);
  });

  it.each([
    ["jwt", { jwt: { role: "dev-vision-secrets-sync", kubernetesServiceAccountToken: { serviceAccountRef: { name: "secrets-sync" } } } }, JWT_ROLE, "jwt", "spec.provider.vault.auth.jwt.role"],
    ["AppRole", { appRole: { roleId: "1234-abcd", secretRef: { name: "approle", key: "secret-id" } } }, APPROLE_ROLE, "approle", "spec.provider.vault.auth.appRole.roleId"],
  ])("finds the %s role at its method's default mount", async (_method, auth, type, backend, path) => {
    const resources = [store(auth), role({ backend: undefined, roleId: "1234-abcd" }, type), policy(KV_READ)];
    expect(await check(resources)).toEqual([
      ["policy", `${path}: ${ROLE_TEXT.replace("(auth/kubernetes)", `(auth/${backend})`)} read on auth/token/lookup-self (nor update on auth/token/revoke-self): ${NEVER_READY}`],
    ]);
  });

  it("does not mistake a role of another mount or method for the store's", async () => {
    expect(await check([store(), role({ backend: "kubernetes-other" }), policy(KV_READ)])).toEqual([
      ["advisory", `${STORE_PATH}: Vault role dev-vision-secrets-sync at auth/kubernetes is not part of this stack, so whether it may look up and revoke its own token cannot be checked`],
    ]);
    expect((await check([store(), role({}, JWT_ROLE), policy(KV_READ)])).map(([level]) => level)).toEqual(["advisory"]);
  });

  it.each([
    ["the store's login", store(UNKNOWN), "spec.provider.vault.auth: the store's Vault login"],
    ["the store's role", store({ kubernetes: { ...kubernetesLogin.kubernetes, role: UNKNOWN } }), `${STORE_PATH}: the Vault role the store logs in as`],
  ])("reports an unknown %s as advisory", async (_case, subject, expected) => {
    expect(await check([subject, role(), policy(KV_READ)])).toEqual([["advisory", `${expected} ${LATER}`]]);
  });

  it("reports a policy text unknown in preview as advisory", async () => {
    expect(await check([store(), role(), policy(UNKNOWN)])).toEqual([["advisory", `${STORE_PATH}: the policies of Vault role dev-vision-secrets-sync (auth/kubernetes) ${LATER}`]]);
  });

  it("says when it cannot tell the role: an AppRole id from a Secret, a jwt login without role", async () => {
    expect(await check([store({ appRole: { roleRef: { name: "approle", key: "role-id" }, secretRef: { name: "approle", key: "secret-id" } } })])).toEqual([
      ["advisory", "spec.provider.vault.auth.appRole.roleId: the store reads its role id from a Secret (roleRef), so this rule cannot tell which Vault role it logs in as or check its policies"],
    ]);
    expect(await check([store({ jwt: { path: "jwt" } })])).toEqual([
      ["advisory", "spec.provider.vault.auth.jwt.role: the store names no role (the jwt mount's default_role applies), so this rule cannot tell which Vault role it logs in as or check its policies"],
    ]);
  });

  it("leaves stores that are not Vault, or log in with a token, to the store rules", async () => {
    expect(await check([{ type: STORE, name: "aws", props: { spec: { provider: { aws: { service: "SecretsManager" } } } } }])).toEqual([]);
    expect(await check([store({ tokenSecretRef: { name: "t", key: "token" } })])).toEqual([]);
  });
});

describe("eso-store-vault-role-missing-token-lookup: jwt logins and roles sharing a mount", () => {
  const JWT_PATH = "spec.provider.vault.auth.jwt.role";
  const JWT_TEXT = "Vault role dev-vision-secrets-sync (auth/jwt) drops the default policy (tokenNoDefaultPolicy) and none of its policies grants read on auth/token/lookup-self (nor update on auth/token/revoke-self)";
  const jwtRole = role({ backend: "jwt" }, JWT_ROLE);
  const jwtLogin = (login: Record<string, unknown>) => ({ jwt: { path: "jwt", role: "dev-vision-secrets-sync", ...login } });

  it("only advises on a ClusterSecretStore whose jwt login is referent (a token or Secret of each referring namespace)", async () => {
    const referent = [
      jwtLogin({ kubernetesServiceAccountToken: { serviceAccountRef: { name: "secrets-sync" } } }),
      jwtLogin({ secretRef: { name: "jwt", key: "token" } }),
    ];
    for (const auth of referent) {
      expect((await check([store(auth, "ClusterSecretStore"), jwtRole, policy(KV_READ)])).map(([level]) => level)).toEqual(["advisory"]);
    }
    const fixed = jwtLogin({ kubernetesServiceAccountToken: { serviceAccountRef: { name: "secrets-sync", namespace: "eso" } } });
    expect(await check([store(fixed, "ClusterSecretStore"), jwtRole, policy(KV_READ)])).toEqual([["policy", `${JWT_PATH}: ${JWT_TEXT}: ${NEVER_READY}`]]);
  });

  it("judges the role the store names, not another role of the same mount", async () => {
    const other = { ...role({ roleName: "dev-vision-other", tokenPolicies: ["dev-vision-other"] }), name: "other-role" };
    const otherPolicy = { ...policy(KV_READ), name: "other-policy", props: { name: "dev-vision-other", policy: KV_READ } };
    expect(await check([store(), other, otherPolicy, role(), policy(KV_READ + LOOKUP + REVOKE)])).toEqual([]);
  });
});
