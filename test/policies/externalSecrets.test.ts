import { advisories, enforced, messages, validateResource, validateStack, type FakeResource } from "../support/policyArgs";

const STORE = "kubernetes:external-secrets.io/v1:SecretStore";
const CLUSTER_STORE = "kubernetes:external-secrets.io/v1:ClusterSecretStore";
const EXTERNAL_SECRET = "kubernetes:external-secrets.io/v1:ExternalSecret";
const GENERATOR = "kubernetes:generators.external-secrets.io/v1alpha1:VaultDynamicSecret";

const kubernetesAuth = { kubernetes: { mountPath: "kubernetes", role: "dev-vision", serviceAccountRef: { name: "secrets-sync", audiences: ["vault"] } } };
const vaultProvider = (vault: Record<string, unknown> = {}) => ({ vault: { server: "https://vault.internal:8200", path: "kv", version: "v2", auth: kubernetesAuth, ...vault } });
const store = (provider: unknown) => ({ metadata: { name: "vault", namespace: "vision" }, spec: { provider } });

describe("eso-store-require-vault-kubernetes-auth", () => {
  const check = (type: string, props: Record<string, unknown>) => messages(enforced(validateResource("eso-store-require-vault-kubernetes-auth", type, props)));

  it("accepts a Vault store and generator with Kubernetes auth over https", () => {
    expect(check(STORE, store(vaultProvider()))).toEqual([]);
    expect(check(GENERATOR, { spec: { path: "db/creds/x", provider: vaultProvider().vault } })).toEqual([]);
  });

  it.each([
    ["a non-Vault provider", STORE, store({ aws: { service: "SecretsManager", region: "us-west-2" } }), "reads from aws"],
    ["plain http", STORE, store(vaultProvider({ server: "http://vault.internal:8200" })), "is not https"],
    ["a static Vault token", STORE, store(vaultProvider({ auth: { tokenSecretRef: { name: "vault-token", key: "token" } } })), "static Vault token"],
    ["AppRole auth", CLUSTER_STORE, store(vaultProvider({ auth: { appRole: { path: "approle", roleId: "x", secretRef: { name: "s", key: "k" } } } })), "authenticates with appRole"],
    ["a long-lived service account token Secret", STORE, store(vaultProvider({ auth: { kubernetes: { mountPath: "kubernetes", role: "r", secretRef: { name: "sa-token", key: "token" } } } })), "long-lived service account token"],
    ["a generator with token auth", GENERATOR, { spec: { path: "p", provider: { server: "https://v", auth: { tokenSecretRef: { name: "t", key: "k" } } } } }, "static Vault token"],
  ])("refuses %s", (_case, type, props, expected) => {
    expect(check(type, props).join("\n")).toContain(expected);
  });

  it("applies to v1beta1 manifests too", () => {
    expect(check("kubernetes:external-secrets.io/v1beta1:SecretStore", store(vaultProvider({ server: "http://x" })))).toHaveLength(1);
  });
});

describe("eso-clustersecretstore-missing-conditions", () => {
  const check = (spec: Record<string, unknown>) => messages(validateResource("eso-clustersecretstore-missing-conditions", CLUSTER_STORE, { metadata: { name: "vault" }, spec }));

  it("refuses a cluster store open to every namespace, or with empty conditions", () => {
    expect(check({ provider: vaultProvider() })).toEqual([expect.stringContaining("the store serves every namespace")]);
    expect(check({ provider: vaultProvider(), conditions: [{}] })).toHaveLength(1);
  });

  it("refuses one fixed service account shared by every namespace", () => {
    const shared = vaultProvider({ auth: { kubernetes: { mountPath: "k", role: "r", serviceAccountRef: { name: "eso", namespace: "external-secrets" } } } });
    expect(check({ provider: shared, conditions: [{ namespaces: ["vision"] }] })).toEqual([expect.stringContaining("one shared Vault identity")]);
  });

  it("accepts a store limited to named namespaces with referent auth", () => {
    expect(check({ provider: vaultProvider(), conditions: [{ namespaces: ["vision", "nlp"] }] })).toEqual([]);
    expect(check({ provider: vaultProvider(), conditions: [{ namespaceSelector: { matchLabels: { "mlops.io/team": "vision" } } }] })).toEqual([]);
  });
});

describe("eso-refresh-interval-too-long", () => {
  const check = (refreshInterval: unknown, config = {}) => messages(validateResource("eso-refresh-interval-too-long", EXTERNAL_SECRET, { spec: { refreshInterval } }, config));

  it.each([["0"], ["0s"], [0]])("refuses %j, which never refreshes", (value) => {
    expect(check(value)).toEqual([expect.stringContaining("0 never refreshes")]);
  });

  it("refuses intervals above the maximum, in any unit, and malformed ones", () => {
    expect(check("2h")).toEqual([expect.stringContaining("refreshes every 7200s (2h), longer than 3600s (1h)")]);
    expect(check("90m", { maxRefreshIntervalSeconds: 3600 })).toHaveLength(1);
    expect(check("soon")).toEqual([expect.stringContaining('"soon" is not a duration')]);
  });

  it("accepts short intervals and ESO's one-hour default", () => {
    expect(check("45m")).toEqual([]);
    expect(check("1h0m0s")).toEqual([]);
    expect(check(undefined)).toEqual([]);
  });
});

describe("stack rules over ExternalSecrets", () => {
  const databaseRole: FakeResource = { type: "vault:database/secretBackendRole:SecretBackendRole", name: "db-role", props: { backend: "ml-dev-database", name: "dev-vision", defaultTtl: 3600 } };
  const generator: FakeResource = { type: GENERATOR, name: "gen", props: { metadata: { name: "mlflow-db", namespace: "vision" }, spec: { path: "ml-dev-database/creds/dev-vision", provider: vaultProvider().vault } } };
  const externalSecret = (spec: Record<string, unknown>): FakeResource => ({ type: EXTERNAL_SECRET, name: "es", props: { metadata: { name: "db", namespace: "vision" }, spec } });
  const fromGenerator = (refreshInterval: string, kind = "VaultDynamicSecret") =>
    externalSecret({ refreshInterval, dataFrom: [{ sourceRef: { generatorRef: { apiVersion: "generators.external-secrets.io/v1alpha1", kind, name: "mlflow-db" } } }] });

  it("eso-refresh-interval-exceeds-lease: refreshing after the lease expired is refused, before it accepted", () => {
    expect(messages(validateStack("eso-refresh-interval-exceeds-lease", [databaseRole, generator, fromGenerator("1h")]))).toEqual([
      expect.stringContaining("refreshes every 3600s (1h) but the credentials of ml-dev-database/creds/dev-vision last 3600s (1h)"),
    ]);
    expect(validateStack("eso-refresh-interval-exceeds-lease", [databaseRole, generator, fromGenerator("45m")])).toEqual([]);
  });

  it("eso-externalsecret-require-vault-source: Vault stores and generators pass, others fail", () => {
    const vaultStore: FakeResource = { type: STORE, name: "store", props: store(vaultProvider()) };
    const awsStore: FakeResource = { type: STORE, name: "aws-store", props: { metadata: { name: "aws", namespace: "vision" }, spec: { provider: { aws: {} } } } };
    const rule = "eso-externalsecret-require-vault-source";
    expect(validateStack(rule, [vaultStore, externalSecret({ secretStoreRef: { kind: "SecretStore", name: "vault" }, data: [] })])).toEqual([]);
    expect(validateStack(rule, [generator, fromGenerator("45m")])).toEqual([]);
    expect(messages(validateStack(rule, [awsStore, externalSecret({ secretStoreRef: { name: "aws" } })]))).toEqual([expect.stringContaining("SecretStore aws is not Vault-backed")]);
    expect(messages(validateStack(rule, [fromGenerator("45m", "Password")]))).toEqual([expect.stringContaining("generator Password is not Vault")]);
    // A store of the same name in another namespace is not this one.
    const elsewhere = { ...vaultStore, props: { ...vaultStore.props, metadata: { name: "vault", namespace: "nlp" } } };
    expect(advisories(validateStack(rule, [elsewhere, externalSecret({ secretStoreRef: { name: "vault" } })]))).toHaveLength(1);
  });
});
