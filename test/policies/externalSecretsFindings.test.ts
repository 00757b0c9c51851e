import { UNKNOWN, validateResource, validateStack, type FakeResource, type Reported } from "../support/policyArgs";

const STORE = "kubernetes:external-secrets.io/v1:SecretStore";
const CLUSTER_STORE = "kubernetes:external-secrets.io/v1:ClusterSecretStore";
const EXTERNAL_SECRET = "kubernetes:external-secrets.io/v1:ExternalSecret";
const GENERATOR = "kubernetes:generators.external-secrets.io/v1alpha1:VaultDynamicSecret";
const DB_ROLE = "vault:database/secretBackendRole:SecretBackendRole";
const AWS_ROLE = "vault:aws/secretBackendRole:SecretBackendRole";

const LATER = "is not known until apply, so this preview cannot check it; pulumi up checks it again once it is known";
const USE_KUBERNETES = "use Kubernetes auth with the team's service account";

const kubernetesAuth = { kubernetes: { mountPath: "kubernetes", role: "dev-vision", serviceAccountRef: { name: "secrets-sync", audiences: ["vault"] } } };
const vaultSettings = (change: Record<string, unknown> = {}) => ({ server: "https://vault.internal:8200", path: "kv", version: "v2", auth: kubernetesAuth, ...change });
const store = (provider: unknown) => ({ metadata: { name: "vault", namespace: "vision" }, spec: { provider } });

/** Each reported finding as [level, message], so one assertion pins text, count and enforcement. */
const findings = (reported: Reported[]) => reported.map((item) => [item.level, item.message]);

describe("eso-store-require-vault-kubernetes-auth: findings", () => {
  const rule = "eso-store-require-vault-kubernetes-auth";

  it.each([
    ["a store reading from AWS", STORE, store({ aws: { service: "SecretsManager" } }), [["policy", "spec.provider: reads from aws; team secrets come from Vault only"]]],
    ["a store with an empty provider", STORE, store({}), [["policy", "spec.provider: reads from no provider; team secrets come from Vault only"]]],
    ["a store naming two providers, neither Vault", STORE, store({ aws: {}, gcpsm: {} }), [["policy", "spec.provider: reads from aws, gcpsm; team secrets come from Vault only"]]],
    ["a store over plain http", STORE, store({ vault: vaultSettings({ server: "http://vault.internal:8200" }) }),
      [["policy", 'spec.provider.vault.server: "http://vault.internal:8200" is not https; credentials would cross the network in clear text']]],
    ["a store with a static token", CLUSTER_STORE, store({ vault: vaultSettings({ auth: { tokenSecretRef: { name: "t", key: "token" } } }) }),
      [["policy", `spec.provider.vault.auth.tokenSecretRef: authenticates with a static Vault token kept in a Secret; ${USE_KUBERNETES}`]]],
    ["a store with AppRole and JWT auth", STORE, store({ vault: vaultSettings({ auth: { appRole: { path: "approle" }, jwt: { path: "jwt" } } }) }),
      [["policy", `spec.provider.vault.auth: authenticates with appRole, jwt; ${USE_KUBERNETES}`]]],
    ["a store with no auth at all", STORE, store({ vault: vaultSettings({ auth: undefined }) }),
      [["policy", `spec.provider.vault.auth: authenticates with nothing; ${USE_KUBERNETES}`]]],
    ["a store logging in with a service account token Secret", STORE, store({ vault: vaultSettings({ auth: { kubernetes: { mountPath: "kubernetes", role: "r", secretRef: { name: "sa-token", key: "token" } } } }) }),
      [["policy", "spec.provider.vault.auth.kubernetes.secretRef: logs in with a long-lived service account token from a Secret; use serviceAccountRef (short-lived TokenRequest tokens)"]]],
    ["a store whose provider is unknown in preview", STORE, store(UNKNOWN), [["advisory", `spec.provider: the provider ${LATER}`]]],
    ["a store whose Vault address is unknown in preview", STORE, store({ vault: vaultSettings({ server: UNKNOWN }) }), [["advisory", `spec.provider.vault.server: the Vault address ${LATER}`]]],
    // A generator's provider is the Vault provider itself: findings point at spec.provider.<field>.
    ["a generator over plain http with a static token", GENERATOR, { spec: { path: "db/creds/x", provider: vaultSettings({ server: "http://v", auth: { tokenSecretRef: { name: "t", key: "k" } } }) } }, [
      ["policy", 'spec.provider.server: "http://v" is not https; credentials would cross the network in clear text'],
      ["policy", `spec.provider.auth.tokenSecretRef: authenticates with a static Vault token kept in a Secret; ${USE_KUBERNETES}`],
    ]],
    ["a generator whose provider is unknown in preview", GENERATOR, { spec: { path: "db/creds/x", provider: UNKNOWN } }, [["advisory", `spec.provider: the Vault provider ${LATER}`]]],
  ])("reports %s", (_case, type, props, expected) => {
    expect(findings(validateResource(rule, type, props))).toEqual(expected);
  });

  it.each([
    ["an https address in upper case", STORE, store({ vault: vaultSettings({ server: "HTTPS://VAULT.INTERNAL:8200" }) })],
    ["a SecretStore of another API group", "kubernetes:stores.example.com/v1:SecretStore", store({ aws: {} })],
    ["an ExternalSecret (not a store)", EXTERNAL_SECRET, { spec: { provider: { aws: {} } } }],
    ["a Password generator (no Vault provider to check)", "kubernetes:generators.external-secrets.io/v1alpha1:Password", { spec: { length: 32 } }],
    ["a non-Kubernetes resource", "aws:s3/bucket:Bucket", { spec: { provider: { aws: {} } } }],
  ])("accepts or ignores %s", (_case, type, props) => {
    expect(validateResource(rule, type, props)).toEqual([]);
  });
});

describe("eso-clustersecretstore-missing-conditions: findings", () => {
  const rule = "eso-clustersecretstore-missing-conditions";
  const check = (spec: Record<string, unknown>, type = CLUSTER_STORE) => findings(validateResource(rule, type, { metadata: { name: "vault" }, spec: { provider: { vault: vaultSettings() }, ...spec } }));
  const OPEN = "spec.conditions: the store serves every namespace: any team's ExternalSecret can read what this store's identity can read; limit it with conditions";

  it.each([
    ["no conditions", {}],
    ["a condition without any namespace limit", { conditions: [{}] }],
    ["an empty namespace list", { conditions: [{ namespaces: [] }] }],
  ])("refuses %s", (_case, spec) => {
    expect(check(spec)).toEqual([["policy", OPEN]]);
  });

  const EMPTY_SELECTOR = (index: number) => `spec.conditions[${index}].namespaceSelector: an empty selector matches every namespace, and conditions are alternatives: any team's ExternalSecret can read what this store's identity can read; select namespaces by label or name`;
  it.each([
    ["an empty label selector", [{ namespaceSelector: {} }], 0],
    ["a label selector with empty matchLabels and matchExpressions", [{ namespaceSelector: { matchLabels: {}, matchExpressions: [] } }], 0],
    ["an empty label selector next to a limiting condition (any one condition admits)", [{ namespaces: ["vision"] }, { namespaceSelector: {} }], 1],
    ["an empty label selector next to an unknown condition", [{ namespaces: UNKNOWN }, { namespaceSelector: { matchLabels: {} } }], 1],
  ])("refuses %s, naming the entry", (_case, conditions, index) => {
    expect(check({ conditions })).toEqual([["policy", EMPTY_SELECTOR(index)]]);
  });

  it.each([
    ["named namespaces", { conditions: [{ namespaces: ["vision"] }] }],
    ["namespace regexes", { conditions: [{ namespaceRegexes: ["^team-vision$"] }] }],
    ["a selector on labels", { conditions: [{ namespaceSelector: { matchLabels: { "mlops.io/team": "vision" } } }] }],
    ["a selector on expressions", { conditions: [{ namespaceSelector: { matchExpressions: [{ key: "mlops.io/team", operator: "In", values: ["vision"] }] } }] }],
    ["one limiting condition among empty ones", { conditions: [{}, { namespaces: ["vision"] }] }],
  ])("accepts a store limited by %s", (_case, spec) => {
    expect(check(spec)).toEqual([]);
  });

  it("refuses one fixed service account for every namespace, naming it", () => {
    const shared = { vault: vaultSettings({ auth: { kubernetes: { mountPath: "k", role: "r", serviceAccountRef: { name: "eso", namespace: "external-secrets" } } } }) };
    expect(check({ provider: shared })).toEqual([
      ["policy", OPEN],
      ["policy", "spec.provider.vault.auth.kubernetes.serviceAccountRef.namespace: every namespace reads as external-secrets/eso: one shared Vault identity; remove the namespace so each namespace logs in as its own account"],
    ]);
  });

  it.each([
    ["conditions", { conditions: UNKNOWN }, `spec.conditions: the namespace conditions ${LATER}`],
    ["the namespaces of a condition", { conditions: [{ namespaces: UNKNOWN }] }, `spec.conditions: part of the namespace conditions ${LATER}`],
    ["a selector next to a limiting condition (it may select every namespace)", { conditions: [{ namespaces: ["vision"] }, { namespaceSelector: UNKNOWN }] }, `spec.conditions: part of the namespace conditions ${LATER}`],
  ])("reports unknown %s as advisory, not as an open store", (_case, spec, expected) => {
    expect(check(spec)).toEqual([["advisory", expected]]);
  });

  it("ignores namespaced SecretStores, which serve only their own namespace", () => {
    expect(check({}, STORE)).toEqual([]);
  });
});

describe("eso-refresh-interval-too-long: findings", () => {
  const rule = "eso-refresh-interval-too-long";
  const check = (spec: Record<string, unknown>, config = {}, type = EXTERNAL_SECRET) => findings(validateResource(rule, type, { spec }, config));

  it.each([
    ["exactly the one-hour maximum", { refreshInterval: "1h" }, {}],
    ["ESO's default (unset, one hour)", {}, {}],
    ["exactly a configured maximum", { refreshInterval: "10m" }, { maxRefreshIntervalSeconds: 600 }],
    ["a longer configured maximum", { refreshInterval: "2h" }, { maxRefreshIntervalSeconds: 7200 }],
    ["the Periodic refresh policy", { refreshPolicy: "Periodic", refreshInterval: "45m" }, {}],
  ])("accepts %s", (_case, spec, config) => {
    expect(check(spec, config)).toEqual([]);
  });

  it.each([
    ["one second over the maximum", { refreshInterval: "3601s" }, {}, "spec.refreshInterval: refreshes every 3601s, longer than 3600s (1h)"],
    ["one second over a configured maximum", { refreshInterval: "601s" }, { maxRefreshIntervalSeconds: 600 }, "spec.refreshInterval: refreshes every 601s, longer than 600s (10m)"],
    ["ESO's one-hour default under a shorter configured maximum", {}, { maxRefreshIntervalSeconds: 1800 }, "spec.refreshInterval: refreshes every 3600s (1h), longer than 1800s (30m)"],
    ["an interval of 0", { refreshInterval: "0s" }, {}, "spec.refreshInterval: 0 never refreshes: the Secret keeps credentials after their lease expires; set an interval below the lease"],
    ["a malformed interval", { refreshInterval: "hourly" }, {}, 'spec.refreshInterval: "hourly" is not a duration'],
    ["the CreatedOnce policy, which ignores the interval", { refreshPolicy: "CreatedOnce", refreshInterval: "15m" }, {},
      'spec.refreshPolicy: "CreatedOnce" never refreshes on a schedule: the Secret keeps credentials after their lease expires; use Periodic'],
    ["the OnChange policy, which ignores the interval", { refreshPolicy: "OnChange", refreshInterval: "15m" }, {},
      'spec.refreshPolicy: "OnChange" never refreshes on a schedule: the Secret keeps credentials after their lease expires; use Periodic'],
  ])("refuses %s", (_case, spec, config, expected) => {
    expect(check(spec, config)).toEqual([["policy", expected]]);
  });

  it.each([
    ["interval", { refreshInterval: UNKNOWN }, `spec.refreshInterval: the refresh interval ${LATER}`],
    ["policy", { refreshPolicy: UNKNOWN, refreshInterval: "15m" }, `spec.refreshPolicy: the refresh policy ${LATER}`],
  ])("reports an unknown refresh %s as advisory", (_case, spec, expected) => {
    expect(check(spec)).toEqual([["advisory", expected]]);
  });

  it("ignores a SecretStore's refreshInterval (its store re-validation period)", () => {
    expect(check({ refreshInterval: 0 }, {}, STORE)).toEqual([]);
  });
});

const ES_URN = `urn:pulumi:test::test::${EXTERNAL_SECRET}::es`;
const externalSecret = (spec: Record<string, unknown>, type = EXTERNAL_SECRET): FakeResource => ({ type, name: "es", props: { metadata: { name: "db", namespace: "vision" }, spec } });
const storeResource = (type: string, name: string, provider: unknown, namespace?: string): FakeResource =>
  ({ type, name: `${name}-${namespace ?? "cluster"}`, props: { metadata: { name, ...(namespace ? { namespace } : {}) }, spec: { provider } } });
const vaultStore = storeResource(STORE, "vault", { vault: vaultSettings() }, "vision");
const awsStore = storeResource(STORE, "aws", { aws: {} }, "vision");

describe("eso-externalsecret-require-vault-source: findings", () => {
  const rule = "eso-externalsecret-require-vault-source";
  const check = (resources: FakeResource[]) => validateStack(rule, resources).map((item) => [item.level, item.urn, item.message]);

  it.each([
    ["the default store kind (SecretStore) in the same namespace", [vaultStore], { secretStoreRef: { name: "vault" } }],
    ["a Vault ClusterSecretStore, whatever the ExternalSecret's namespace", [storeResource(CLUSTER_STORE, "shared", { vault: vaultSettings() })], { secretStoreRef: { kind: "ClusterSecretStore", name: "shared" } }],
    ["a Vault store referenced per data entry", [vaultStore], { data: [{ secretKey: "k", remoteRef: { key: "x" }, sourceRef: { storeRef: { name: "vault" } } }] }],
    ["plain data entries, which read from the spec's store", [vaultStore], { secretStoreRef: { name: "vault" }, data: [{ secretKey: "k", remoteRef: { key: "x" } }] }],
    ["the ClusterSecretStore referenced, not a SecretStore of the same name", [storeResource(STORE, "shared", { aws: {} }), storeResource(CLUSTER_STORE, "shared", { vault: vaultSettings() })],
      { secretStoreRef: { kind: "ClusterSecretStore", name: "shared" } }],
  ])("accepts %s", (_case, stack, spec) => {
    expect(check([...stack, externalSecret(spec)])).toEqual([]);
  });

  it.each([
    ["a non-Vault store, at the ExternalSecret", [awsStore], { secretStoreRef: { name: "aws" } },
      [["policy", ES_URN, "spec.secretStoreRef: SecretStore aws is not Vault-backed"]]],
    ["a non-Vault store in a data entry", [vaultStore, awsStore], { secretStoreRef: { name: "vault" }, data: [{ secretKey: "a" }, { secretKey: "b", sourceRef: { storeRef: { name: "aws" } } }] },
      [["policy", ES_URN, "spec.data[1].sourceRef.storeRef: SecretStore aws is not Vault-backed"]]],
    ["a non-Vault ClusterSecretStore in a dataFrom entry", [storeResource(CLUSTER_STORE, "aws", { aws: {} })], { dataFrom: [{ sourceRef: { storeRef: { kind: "ClusterSecretStore", name: "aws" } } }] },
      [["policy", ES_URN, "spec.dataFrom[0].sourceRef.storeRef: ClusterSecretStore aws is not Vault-backed"]]],
    ["a non-Vault generator", [], { dataFrom: [{ sourceRef: { generatorRef: { kind: "Password", name: "pw" } } }] },
      [["policy", ES_URN, "spec.dataFrom[0].sourceRef.generatorRef: generator Password is not Vault; generate credentials with a VaultDynamicSecret"]]],
    ["a generator without a kind", [], { dataFrom: [{ sourceRef: { generatorRef: { name: "pw" } } }] },
      [["policy", ES_URN, "spec.dataFrom[0].sourceRef.generatorRef: generator (no kind) is not Vault; generate credentials with a VaultDynamicSecret"]]],
  ])("refuses %s, at the ExternalSecret's URN", (_case, stack, spec, expected) => {
    expect(check([...stack, externalSecret(spec)])).toEqual(expected);
  });

  it.each([
    ["a store that is not in the stack", [], { name: "vault" }, "SecretStore vault"],
    ["a store of the same name in another namespace", [storeResource(STORE, "vault", { vault: vaultSettings() }, "nlp")], { name: "vault" }, "SecretStore vault"],
    ["a ClusterSecretStore when the reference is to a SecretStore", [storeResource(CLUSTER_STORE, "aws", { aws: {} })], { name: "aws" }, "SecretStore aws"],
    ["another store in the namespace", [awsStore], { name: "vault" }, "SecretStore vault"],
  ])("cannot vouch for %s: advisory, not a pass", (_case, stack, secretStoreRef, described) => {
    expect(check([...stack, externalSecret({ secretStoreRef })])).toEqual([
      ["advisory", ES_URN, `spec.secretStoreRef: ${described}, which is not part of this stack, ${LATER}`],
    ]);
  });

  it("looks only at ExternalSecrets of external-secrets.io", () => {
    expect(check([awsStore, externalSecret({ secretStoreRef: { name: "aws" } }, "kubernetes:example.com/v1:ExternalSecret")])).toEqual([]);
  });
});

describe("eso-refresh-interval-exceeds-lease: findings", () => {
  const rule = "eso-refresh-interval-exceeds-lease";
  const databaseRole = (defaultTtl: unknown, backend = "ml-dev-database", name = "dev-vision"): FakeResource => ({ type: DB_ROLE, name: `db-${backend}-${name}`, props: { backend, name, defaultTtl } });
  const awsRole = (defaultStsTtl: unknown): FakeResource => ({ type: AWS_ROLE, name: "aws-role", props: { backend: "ml-dev-aws", name: "trainer", credentialType: "assumed_role", defaultStsTtl } });
  const generator = (path: string, name = "creds", namespace = "vision"): FakeResource => ({ type: GENERATOR, name: `gen-${name}-${namespace}`, props: { metadata: { name, namespace }, spec: { path, provider: vaultSettings() } } });
  const fromGenerator = (refreshInterval: string | undefined, generatorRef: Record<string, unknown> = { kind: "VaultDynamicSecret", name: "creds" }) =>
    externalSecret({ ...(refreshInterval === undefined ? {} : { refreshInterval }), dataFrom: [{ sourceRef: { generatorRef } }] });
  const check = (resources: FakeResource[]) => validateStack(rule, resources).map((item) => [item.level, item.urn, item.message]);
  const PATH = "spec.dataFrom[0].sourceRef.generatorRef";

  it.each([
    ["database credentials, refreshed exactly at the lease", [databaseRole(3600), generator("ml-dev-database/creds/dev-vision")], "1h",
      `${PATH}: refreshes every 3600s (1h) but the credentials of ml-dev-database/creds/dev-vision last 3600s (1h): pods would hold expired credentials; refresh below the lease`],
    ["database credentials, with ESO's default one-hour refresh", [databaseRole("30m"), generator("ml-dev-database/creds/dev-vision")], undefined,
      `${PATH}: refreshes every 3600s (1h) but the credentials of ml-dev-database/creds/dev-vision last 1800s (30m): pods would hold expired credentials; refresh below the lease`],
    ["AWS STS credentials, refreshed after the STS TTL", [awsRole(900), generator("ml-dev-aws/sts/trainer")], "20m",
      `${PATH}: refreshes every 1200s (20m) but the credentials of ml-dev-aws/sts/trainer last 900s (15m): pods would hold expired credentials; refresh below the lease`],
    ["AWS STS credentials read at creds/, refreshed after the STS TTL", [awsRole(900), generator("ml-dev-aws/creds/trainer")], "20m",
      `${PATH}: refreshes every 1200s (20m) but the credentials of ml-dev-aws/creds/trainer last 900s (15m): pods would hold expired credentials; refresh below the lease`],
  ])("refuses %s", (_case, stack, refresh, expected) => {
    expect(check([...stack, fromGenerator(refresh)])).toEqual([["policy", ES_URN, expected]]);
  });

  it.each([
    ["a refresh one second below the lease", [databaseRole(3600), generator("ml-dev-database/creds/dev-vision")], "3599s"],
    ["a role of another mount", [databaseRole(600, "other-database"), generator("ml-dev-database/creds/dev-vision")], "1h"],
    ["a role of another name", [databaseRole(600, "ml-dev-database", "dev-nlp"), generator("ml-dev-database/creds/dev-vision")], "1h"],
    ["a database role at an sts path (only AWS roles serve sts/)", [databaseRole(600, "ml-dev-aws", "trainer"), generator("ml-dev-aws/sts/trainer")], "1h"],
    ["a role with no default TTL (the mount default, which the role rules report)", [databaseRole(0), generator("ml-dev-database/creds/dev-vision")], "1h"],
    ["a role that is not in the stack", [generator("ml-dev-database/creds/dev-vision")], "1h"],
    ["a generator that is not a credentials path", [databaseRole(600), generator("ml-dev-kv/data/vision")], "1h"],
    ["a path below a role (not a credentials endpoint)", [databaseRole(600), generator("ml-dev-database/creds/dev-vision/extra")], "1h"],
    ["a generator that is not in the stack", [databaseRole(600)], "1h"],
    ["a generator in another namespace", [databaseRole(600), generator("ml-dev-database/creds/dev-vision", "creds", "nlp")], "1h"],
    ["a malformed interval (eso-refresh-interval-too-long reports it)", [databaseRole(600), generator("ml-dev-database/creds/dev-vision")], "soon"],
  ])("does not report %s", (_case, stack, refresh) => {
    expect(check([...stack, fromGenerator(refresh)])).toEqual([]);
  });

  it("compares only Vault generator sources, not stores or other generators of the same name", () => {
    const stack = [databaseRole(600), generator("ml-dev-database/creds/dev-vision"), vaultStore];
    expect(check([...stack, fromGenerator("1h", { kind: "Password", name: "creds" })])).toEqual([]);
    expect(check([...stack, externalSecret({ refreshInterval: "1h", secretStoreRef: { name: "vault" } })])).toEqual([]);
  });

  it("looks only at ExternalSecrets of external-secrets.io", () => {
    const foreign = { ...fromGenerator("1h"), type: "kubernetes:example.com/v1:ExternalSecret" };
    expect(check([databaseRole(600), generator("ml-dev-database/creds/dev-vision"), foreign])).toEqual([]);
  });
});
