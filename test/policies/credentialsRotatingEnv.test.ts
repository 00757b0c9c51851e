import { validateKubernetesObject } from "../support/kubernetesSchemas";
import { UNKNOWN, validateStackAsync, type FakeResource, type Reported } from "../support/policyArgs";
import { compliantContainer, compliantPodSpec, workloadKinds } from "../support/workloads";

/*
 * FACT (Kubernetes docs, kubernetes/website content/en/docs/concepts/configuration/secret.md @
 * 7dae226a96f9cb3f8a91d67cf2d89e2ca7b45788): a Secret mounted as a volume is updated in the pod when
 * the Secret changes ("Mounted Secrets are updated automatically"), but "a container using a Secret
 * as a subPath volume mount does not receive automated Secret updates", and environment variables
 * taken from a Secret are set once, when the container starts.
 * FACT (External Secrets helm-chart-2.9.0, cc5bfbc2234ace9cb0caff4ea89c435cf517b27b):
 * apis/externalsecrets/v1/externalsecret_types.go: target.name "Defaults to the .metadata.name of the
 * ExternalSecret resource" (and the controller does so, externalsecret_controller.go); refreshInterval
 * defaults to 1h, "0s" fetches once; refreshPolicy CreatedOnce / OnChange do not refresh on a schedule.
 * generators/v1/vault/vault.go: a generatorRef (dataFrom[].sourceRef.generatorRef) produces new
 * credentials at every refresh.
 */

const RULE = "pod-disallow-rotating-secret-env";
const EXTERNAL_SECRET = "kubernetes:external-secrets.io/v1:ExternalSecret";
const LATER = "is not known until apply, so this preview cannot check it; pulumi up checks it again once it is known";
const FIX = "the kubelet never updates a running container's environment (nor a subPath file), so the process keeps the old credentials after they are replaced and revoked; mount the Secret as a volume (without subPath) and read the file";

const generatorRef = { apiVersion: "generators.external-secrets.io/v1alpha1", kind: "VaultDynamicSecret", name: "mlflow-db" };
const externalSecretObject = (spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: "mlflow-db-credentials", namespace: "vision" }) =>
  ({ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata, spec });
const externalSecret = (spec: Record<string, unknown>, metadata?: Record<string, unknown>): FakeResource => ({ type: EXTERNAL_SECRET, name: "mlflow-db", props: externalSecretObject(spec, metadata) });
const GENERATED = { refreshInterval: "1350s", target: { name: "mlflow-db-credentials", creationPolicy: "Owner" }, dataFrom: [{ sourceRef: { generatorRef } }] };
const STATIC = { refreshInterval: "15m", secretStoreRef: { name: "vault", kind: "SecretStore" }, target: { name: "team-secrets" }, dataFrom: [{ extract: { key: "teams/vision" } }] };

const fromEnv = { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "mlflow-db-credentials", key: "password" } } };
const podWith = (container: Record<string, unknown>, volumes: unknown[] = []) => {
  const spec = compliantPodSpec();
  return { ...spec, initContainers: [], containers: [{ ...compliantContainer(), ...container }], volumes: [...spec.volumes, ...volumes] };
};
const workload = (spec: Record<string, unknown>, namespace: unknown = "vision"): FakeResource => ({
  type: "kubernetes:apps/v1:Deployment", name: "api", props: { metadata: { name: "api", namespace }, spec: { template: { metadata: { labels: {} }, spec } } },
});
const DEPLOYMENT_URN = "urn:pulumi:test::test::kubernetes:apps/v1:Deployment::api";
const CONTAINER = "spec.template.spec.containers[0]";

const check = async (resources: FakeResource[], config = {}) => (await validateStackAsync(RULE, resources, config)).map((item: Reported) => [item.level, item.urn, item.message]);

describe("pod-disallow-rotating-secret-env", () => {
  it("uses only ExternalSecret fields the published CRDs define", () => {
    expect(() => validateKubernetesObject(externalSecretObject(GENERATED))).not.toThrow();
    expect(() => validateKubernetesObject(externalSecretObject(STATIC))).not.toThrow();
  });

  it.each(workloadKinds(podWith({ env: [fromEnv] })))("refuses a generated credential read as an env var by a %s", async (_kind, type, props, prefix) => {
    expect(await check([externalSecret(GENERATED), { type, name: "w", props }])).toEqual([[
      "policy", `urn:pulumi:test::test::${type}::w`,
      `${prefix}.containers[0].env[0].valueFrom.secretKeyRef: container "main" reads Secret mlflow-db-credentials as an env var, which ExternalSecret mlflow-db rewrites (VaultDynamicSecret makes new credentials at every refresh): ${FIX}`,
    ]]);
  });

  it("refuses it in a KServe model container too", async () => {
    const service: FakeResource = { type: "kubernetes:serving.kserve.io/v1beta1:InferenceService", name: "fraud", props: { metadata: { name: "fraud", namespace: "vision" }, spec: { predictor: { model: { modelFormat: { name: "sklearn" }, storageUri: "s3://m/fraud", env: [fromEnv] } } } } };
    expect(await check([externalSecret(GENERATED), service])).toEqual([[
      "policy", "urn:pulumi:test::test::kubernetes:serving.kserve.io/v1beta1:InferenceService::fraud",
      `spec.predictor.model.env[0].valueFrom.secretKeyRef: model container "kserve-container" reads Secret mlflow-db-credentials as an env var, which ExternalSecret mlflow-db rewrites (VaultDynamicSecret makes new credentials at every refresh): ${FIX}`,
    ]]);
  });

  it.each([
    ["envFrom", { envFrom: [{ secretRef: { name: "mlflow-db-credentials" } }] }, [], `${CONTAINER}.envFrom[0].secretRef: container "main" reads Secret mlflow-db-credentials as env vars (envFrom)`],
    ["a subPath mount of a secret volume", { volumeMounts: [{ name: "db", mountPath: "/var/run/db/password", subPath: "password" }] },
      [{ name: "db", secret: { secretName: "mlflow-db-credentials" } }], `${CONTAINER}.volumeMounts[0].subPath: container "main" reads Secret mlflow-db-credentials as a file mounted with subPath`],
    ["a subPath mount of a projected volume", { volumeMounts: [{ name: "db", mountPath: "/var/run/db/password", subPath: "password" }] },
      [{ name: "db", projected: { sources: [{ secret: { name: "mlflow-db-credentials" } }] } }], `${CONTAINER}.volumeMounts[0].subPath: container "main" reads Secret mlflow-db-credentials as a file mounted with subPath`],
  ])("refuses the generated credential read through %s", async (_case, container, volumes, expected) => {
    expect(await check([externalSecret(GENERATED), workload(podWith(container, volumes))])).toEqual([[
      "policy", DEPLOYMENT_URN, `${expected}, which ExternalSecret mlflow-db rewrites (VaultDynamicSecret makes new credentials at every refresh): ${FIX}`,
    ]]);
  });

  it.each([
    ["a 15-minute refresh", { refreshInterval: "15m" }, "it re-reads its source every 900s (15m)"],
    ["ESO's default one-hour refresh", { refreshInterval: undefined }, "it re-reads its source every 3600s (1h)"],
  ])("refuses a store-backed Secret with %s read as an env var", async (_case, change, rotation) => {
    const env = [{ name: "API_KEY", valueFrom: { secretKeyRef: { name: "team-secrets", key: "api-key" } } }];
    expect(await check([externalSecret({ ...STATIC, ...change }), workload(podWith({ env }))])).toEqual([[
      "policy", DEPLOYMENT_URN, `${CONTAINER}.env[0].valueFrom.secretKeyRef: container "main" reads Secret team-secrets as an env var, which ExternalSecret mlflow-db rewrites (${rotation}): ${FIX}`,
    ]]);
  });

  it("names the Secret after the ExternalSecret when target.name is unset", async () => {
    const untargeted = externalSecret({ ...GENERATED, target: { creationPolicy: "Owner" } });
    expect((await check([untargeted, workload(podWith({ env: [fromEnv] }))])).map(([level]) => level)).toEqual(["policy"]);
    const otherName = externalSecret({ ...GENERATED, target: { creationPolicy: "Owner" } }, { name: "other", namespace: "vision" });
    expect(await check([otherName, workload(podWith({ env: [fromEnv] }))])).toEqual([]);
  });

  it.each([
    ["the same Secret mounted as a volume", externalSecret(GENERATED), podWith({ volumeMounts: [{ name: "db", mountPath: "/var/run/db", readOnly: true }] }, [{ name: "db", secret: { secretName: "mlflow-db-credentials" } }])],
    ["an env var from a Secret nothing rotates", externalSecret(GENERATED), podWith({ env: [{ name: "X", valueFrom: { secretKeyRef: { name: "static", key: "x" } } }] })],
    ["an env var from a ConfigMap", externalSecret(GENERATED), podWith({ env: [{ name: "X", valueFrom: { configMapKeyRef: { name: "mlflow-db-credentials", key: "x" } } }] })],
    ["a Secret fetched once (refreshInterval 0)", externalSecret({ ...STATIC, target: { name: "mlflow-db-credentials" }, refreshInterval: "0s" }), podWith({ env: [fromEnv] })],
    ["a Secret written once (refreshPolicy CreatedOnce)", externalSecret({ ...STATIC, target: { name: "mlflow-db-credentials" }, refreshPolicy: "CreatedOnce" }), podWith({ env: [fromEnv] })],
    ["a Secret of the same name in another namespace", externalSecret(GENERATED, { name: "mlflow-db-credentials", namespace: "nlp" }), podWith({ env: [fromEnv] })],
  ])("accepts %s", async (_case, source, spec) => {
    expect(await check([source, workload(spec)])).toEqual([]);
  });

  it("skips exempt namespaces, and refuses Secrets listed as rotating in another stack", async () => {
    expect(await check([externalSecret(GENERATED, { name: "mlflow-db-credentials", namespace: "kube-system" }), workload(podWith({ env: [fromEnv] }), "kube-system")])).toEqual([]);
    expect(await check([workload(podWith({ env: [fromEnv] }))], { externalRotatingSecrets: ["mlflow-db-credentials"] })).toEqual([[
      "policy", DEPLOYMENT_URN, `${CONTAINER}.env[0].valueFrom.secretKeyRef: container "main" reads Secret mlflow-db-credentials as an env var, and it is listed in externalRotatingSecrets: ${FIX}`,
    ]]);
  });

  it.each([
    ["the Secret an env var names", [externalSecret(GENERATED), workload(podWith({ env: [{ name: "X", valueFrom: { secretKeyRef: { name: UNKNOWN, key: "x" } } }] }))],
      `${CONTAINER}.env[0].valueFrom.secretKeyRef: the Secret container "main" reads as an env var ${LATER}`],
    ["a container's env list", [externalSecret(GENERATED), workload(podWith({ env: UNKNOWN }))], `${CONTAINER}.env: the Secret container "main" reads as an env var ${LATER}`],
    ["the pod template", [externalSecret(GENERATED), { type: "kubernetes:apps/v1:Deployment", name: "api", props: { metadata: { name: "api", namespace: "vision" }, spec: { template: UNKNOWN } } }],
      `spec.template: this part of the pod template ${LATER}`],
    ["the refresh interval of the ExternalSecret", [externalSecret({ ...STATIC, target: { name: "mlflow-db-credentials" }, refreshInterval: UNKNOWN }), workload(podWith({ env: [fromEnv] }))],
      `${CONTAINER}.env[0].valueFrom.secretKeyRef: the refresh interval of ExternalSecret mlflow-db, which decides whether Secret mlflow-db-credentials rotates, ${LATER}`],
    ["the ExternalSecret's target", [externalSecret({ ...GENERATED, target: { name: UNKNOWN } }), workload(podWith({ env: [fromEnv] }))],
      `${CONTAINER}.env[0].valueFrom.secretKeyRef: the target Secret of ExternalSecret mlflow-db, which may be mlflow-db-credentials, ${LATER}`],
  ])("reports an unknown %s as advisory", async (_case, resources, expected) => {
    expect(await check(resources)).toEqual([["advisory", DEPLOYMENT_URN, expected]]);
  });
});

describe("pod-disallow-rotating-secret-env: where nothing rotates, and names not yet known", () => {
  const unknownImage = (): FakeResource => workload(podWith({ image: UNKNOWN }));

  it("asks nothing of a stack where no Secret rotates, even about parts unknown until apply", async () => {
    expect(await check([unknownImage()])).toEqual([]);
    expect(await check([externalSecret(GENERATED, { name: "mlflow-db-credentials", namespace: "nlp" }), unknownImage()])).toEqual([]);
  });

  it("still checks a namespace with a rotating Secret when another namespace has one too", async () => {
    const elsewhere = { ...externalSecret(GENERATED, { name: "mlflow-db-credentials", namespace: "nlp" }), name: "nlp-db" };
    expect((await check([elsewhere, externalSecret(GENERATED), workload(podWith({ env: [fromEnv] }))])).map(([level]) => level)).toEqual(["policy"]);
  });

  it("does not call a Secret rotating when the namespaces of both sides are unknown: it asks", async () => {
    const unplaced = externalSecret(GENERATED, { name: "mlflow-db-credentials", namespace: UNKNOWN });
    expect(await check([unplaced, workload(podWith({ env: [fromEnv] }), UNKNOWN)])).toEqual([[
      "advisory", DEPLOYMENT_URN, `${CONTAINER}.env[0].valueFrom.secretKeyRef: the target Secret of ExternalSecret mlflow-db, which may be mlflow-db-credentials, ${LATER}`,
    ]]);
  });
});
