/**
 * The CRD validator bites: for every CRD family under ../shared, a valid object passes and the same
 * object with an unknown field, a wrong enum value (or, where the CRD declares no enum, a wrong type
 * or pattern) and a broken x-kubernetes-validations rule is refused, with the path and reason the
 * API server would give. FACTs for each behaviour are in test/support/crd/*.ts.
 */
import { CRD_FILES, crdsFor, crdVersions } from "../support/crd/crdCatalog";
import { validateCustomResource } from "../support/crd/validateCustomResource";
import { describeWithShared } from "../support/upstream";

type Json = Record<string, any>;

/** Problems (path: message) for an object, against every CRD source that serves it. */
function problemsOf(object: Json): string[] {
  const verdicts = validateCustomResource(object);
  if (verdicts.length === 0) throw new Error(`no CRD under ../shared serves ${object.apiVersion} ${object.kind}`);
  return verdicts.flatMap((verdict) => verdict.problems.map((problem) => `${problem.path}: ${problem.message}`));
}

/** A copy of `base` with `edit` applied. */
function mutated(base: Json, edit: (copy: Json) => void): Json {
  const copy = structuredClone(base);
  edit(copy);
  return copy;
}

const meta = (name: string, namespace?: string) => ({ name, ...(namespace ? { namespace } : {}) });

const INFERENCE_SERVICE = {
  apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", metadata: meta("classifier", "vision"),
  spec: { predictor: { model: { modelFormat: { name: "pytorch" }, storageUri: "s3://models/classifier/1/" } } },
};
const PYTORCH_JOB = {
  apiVersion: "kubeflow.org/v1", kind: "PyTorchJob", metadata: meta("finetune", "vision"),
  spec: { pytorchReplicaSpecs: { Worker: { replicas: 2, restartPolicy: "OnFailure", template: { spec: { containers: [{ name: "pytorch", image: "trainer:1" }] } } } } },
};
const CLUSTER_IMAGE_POLICY = {
  apiVersion: "policy.sigstore.dev/v1beta1", kind: "ClusterImagePolicy", metadata: meta("signed"),
  spec: { images: [{ glob: "registry.example.com/**" }], authorities: [{ keyless: { url: "https://fulcio.sigstore.dev", identities: [{ issuer: "https://token.actions.githubusercontent.com", subject: "release" }] } }] },
};
const EXTERNAL_SECRET = {
  apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: meta("db", "vision"),
  spec: { refreshInterval: "1h", dataFrom: [{ sourceRef: { generatorRef: { apiVersion: "generators.external-secrets.io/v1alpha1", kind: "VaultDynamicSecret", name: "db" } } }], target: { name: "db" } },
};
const SECRET_STORE = {
  apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: meta("vault", "vision"),
  spec: { provider: { vault: { server: "https://vault:8200", path: "kv", version: "v2", auth: { kubernetes: { mountPath: "kubernetes", role: "vision", serviceAccountRef: { name: "secrets-sync" } } } } } },
};
const VAULT_DYNAMIC_SECRET = {
  apiVersion: "generators.external-secrets.io/v1alpha1", kind: "VaultDynamicSecret", metadata: meta("db", "vision"),
  spec: { path: "database/creds/vision", method: "GET", resultType: "Data", provider: { server: "https://vault:8200", auth: { kubernetes: { mountPath: "kubernetes", role: "vision", serviceAccountRef: { name: "secrets-sync" } } } } },
};
const REQUEST_AUTHENTICATION = {
  apiVersion: "security.istio.io/v1", kind: "RequestAuthentication", metadata: meta("jwt", "vision"),
  spec: { selector: { matchLabels: { app: "model" } }, jwtRules: [{ issuer: "https://idp.example.com", jwksUri: "https://idp.example.com/jwks.json", audiences: ["inference"] }] },
};
const PEER_AUTHENTICATION = { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", metadata: meta("default", "vision"), spec: { mtls: { mode: "STRICT" } } };
const PROMETHEUS_RULE = {
  apiVersion: "monitoring.coreos.com/v1", kind: "PrometheusRule", metadata: meta("alerts", "vision"),
  spec: { groups: [{ name: "endpoints", rules: [{ alert: "Errors", expr: "rate(errors[5m]) > 0", for: "15m" }] }] },
};

/** Whether any served version of the kind declares `keyword` anywhere in its schema. */
function declares(apiVersion: string, kind: string, keyword: string): boolean {
  return crdsFor(apiVersion, kind).some((crd) => JSON.stringify(crd.openApiSchema).includes(`"${keyword}":`));
}

describeWithShared("the CRD validator, on each upstream CRD family", CRD_FILES, () => {
  it("compiles every served version's schema and every CEL rule, calling only functions it provides", () => {
    const rules = crdVersions().flatMap((crd) => crd.schema().allRules().map(({ where, rule }) => ({ where, transition: rule.usesOldSelf })));
    expect(rules.length).toBeGreaterThan(300);
    // The one transition rule (it reads oldSelf) runs only on update; on create it is listed as skipped.
    expect(rules.filter((rule) => rule.transition).map((rule) => rule.where)).toEqual(["PyTorchJob.kubeflow.org/v1.spec.runPolicy.schedulingPolicy.queue"]);
  });

  describe("KServe v0.20.0 InferenceService", () => {
    it("passes a valid object and refuses an unknown field, a wrong enum and a bad name pattern", () => {
      expect(problemsOf(INFERENCE_SERVICE)).toEqual([]);
      expect(problemsOf(mutated(INFERENCE_SERVICE, (o) => { o.spec.predictor.model.gpus = 1; }))).toEqual(["spec.predictor.model.gpus: unknown field: the schema does not specify it (pruned by the API server)"]);
      expect(problemsOf(mutated(INFERENCE_SERVICE, (o) => { o.spec.predictor.scaleMetric = "gpu"; }))).toEqual(['spec.predictor.scaleMetric: Unsupported value: "gpu": supported values: "cpu", "memory", "concurrency", "rps"']);
      expect(problemsOf(mutated(INFERENCE_SERVICE, (o) => { o.spec.predictor.model.modelFormat = {}; }))).toEqual(["spec.predictor.model.modelFormat.name: Required value"]);
    });

    it("declares no x-kubernetes-validations, so no CEL rule can be broken", () => {
      expect(crdsFor("serving.kserve.io/v1beta1", "InferenceService")[0].schema().allRules()).toEqual([]);
    });
  });

  describe("Kubeflow training-operator v1.9.0 PyTorchJob", () => {
    it("passes a valid object and refuses an unknown field and wrong types (the CRD declares no enum)", () => {
      expect(declares("kubeflow.org/v1", "PyTorchJob", "enum")).toBe(false);
      expect(problemsOf(PYTORCH_JOB)).toEqual([]);
      expect(problemsOf(mutated(PYTORCH_JOB, (o) => { o.spec.pytorchReplicaSpecs.Worker.gpus = 1; }))).toEqual(["spec.pytorchReplicaSpecs[\"Worker\"].gpus: unknown field: the schema does not specify it (pruned by the API server)"]);
      expect(problemsOf(mutated(PYTORCH_JOB, (o) => { o.spec.pytorchReplicaSpecs.Worker.replicas = "two"; }))).toEqual(["spec.pytorchReplicaSpecs[\"Worker\"].replicas: must be of type integer, got string"]);
      expect(problemsOf(mutated(PYTORCH_JOB, (o) => { o.spec.pytorchReplicaSpecs.Worker.replicas = 2 ** 31; }))).toEqual(["spec.pytorchReplicaSpecs[\"Worker\"].replicas: does not fit int32"]);
    });

    it("lists its only CEL rule, a transition rule, as not evaluated on create instead of passing it", () => {
      const job = mutated(PYTORCH_JOB, (o) => { o.spec.runPolicy = { schedulingPolicy: { queue: "gpu" } }; });
      const [verdict] = validateCustomResource(job);
      expect(verdict.problems).toEqual([]);
      expect(verdict.skipped).toEqual([{ path: "spec.runPolicy.schedulingPolicy.queue", rule: "self == oldSelf" }]);
    });
  });

  describe("Sigstore policy-controller v0.13.1 ClusterImagePolicy (and the chart 0.10.5 copy)", () => {
    it("is checked against both CRD copies", () => {
      expect(validateCustomResource(CLUSTER_IMAGE_POLICY).map((verdict) => verdict.crd.release)).toEqual(["policy-controller v0.13.1", "policy-controller chart 0.10.5"]);
    });

    it("passes a valid object and refuses an unknown field, a wrong type and a namespace on a cluster-scoped kind (no enum or CEL rule declared)", () => {
      expect(declares("policy.sigstore.dev/v1beta1", "ClusterImagePolicy", "enum")).toBe(false);
      expect(crdsFor("policy.sigstore.dev/v1beta1", "ClusterImagePolicy")[0].schema().allRules()).toEqual([]);
      expect(problemsOf(CLUSTER_IMAGE_POLICY)).toEqual([]);
      const twice = (problem: string) => [problem, problem];
      expect(problemsOf(mutated(CLUSTER_IMAGE_POLICY, (o) => { o.spec.images[0].regexp = ".*"; }))).toEqual(twice("spec.images[0].regexp: unknown field: the schema does not specify it (pruned by the API server)"));
      expect(problemsOf(mutated(CLUSTER_IMAGE_POLICY, (o) => { o.spec.images = "registry.example.com/**"; }))).toEqual(twice("spec.images: must be of type array, got string"));
      expect(problemsOf(mutated(CLUSTER_IMAGE_POLICY, (o) => { o.metadata.namespace = "cosign-system"; }))).toEqual(twice("metadata.namespace: not allowed on this type: the kind is cluster-scoped"));
    });
  });

  describe("External Secrets chart 2.9.0: ExternalSecret, SecretStore, VaultDynamicSecret", () => {
    it("passes valid objects and refuses unknown fields and wrong enums", () => {
      for (const object of [EXTERNAL_SECRET, SECRET_STORE, VAULT_DYNAMIC_SECRET]) expect(problemsOf(object)).toEqual([]);
      expect(problemsOf(mutated(EXTERNAL_SECRET, (o) => { o.spec.target.owner = "me"; }))).toEqual(["spec.target.owner: unknown field: the schema does not specify it (pruned by the API server)"]);
      expect(problemsOf(mutated(EXTERNAL_SECRET, (o) => { o.spec.target.creationPolicy = "Always"; }))).toEqual(['spec.target.creationPolicy: Unsupported value: "Always": supported values: "Owner", "Orphan", "Merge", "None", "CreateOrMerge"']);
      expect(problemsOf(mutated(SECRET_STORE, (o) => { o.spec.provider.vault.version = "v3"; }))).toEqual(['spec.provider.vault.version: Unsupported value: "v3": supported values: "v1", "v2"']);
      expect(problemsOf(mutated(VAULT_DYNAMIC_SECRET, (o) => { o.spec.resultType = "Token"; }))).toEqual(['spec.resultType: Unsupported value: "Token": supported values: "Data", "Auth", "Raw"']);
      expect(problemsOf(mutated(VAULT_DYNAMIC_SECRET, (o) => { o.spec.provider.auth.kubernetes.serviceAccountRef.namespace = "other"; o.spec.provider.auth.kubernetes.token = "x"; }))).toEqual(["spec.provider.auth.kubernetes.token: unknown field: the schema does not specify it (pruned by the API server)"]);
    });

    it("evaluates the SecretStore's CEL rules (the only ones ESO declares)", () => {
      expect(crdsFor("external-secrets.io/v1", "ExternalSecret")[0].schema().allRules()).toEqual([]);
      expect(crdsFor("generators.external-secrets.io/v1alpha1", "VaultDynamicSecret")[0].schema().allRules()).toEqual([]);
      const openBao = (auth: Json) => ({ ...SECRET_STORE, spec: { provider: { openBao: { server: "https://bao:8200", auth } } } });
      expect(problemsOf(openBao({ tokenSecretRef: { name: "token", key: "token" } }))).toEqual([]);
      expect(problemsOf(openBao({ tokenSecretRef: { name: "token", key: "token" }, userPass: { path: "userpass", username: "u" } }))).toEqual([
        "spec.provider.openBao.auth: Invalid value: exactly one of the fields in [appRole tokenSecretRef userPass] must be set",
      ]);
    });
  });

  describe("Istio 1.30.0 security and telemetry CRDs", () => {
    it("passes valid objects and refuses an unknown field and a wrong enum", () => {
      expect(problemsOf(REQUEST_AUTHENTICATION)).toEqual([]);
      expect(problemsOf(PEER_AUTHENTICATION)).toEqual([]);
      expect(problemsOf(mutated(PEER_AUTHENTICATION, (o) => { o.spec.mtls.strict = true; }))).toEqual(["spec.mtls.strict: unknown field: the schema does not specify it (pruned by the API server)"]);
      expect(problemsOf(mutated(PEER_AUTHENTICATION, (o) => { o.spec.mtls.mode = "REQUIRED"; }))).toEqual(['spec.mtls.mode: Unsupported value: "REQUIRED": supported values: "UNSET", "DISABLE", "PERMISSIVE", "STRICT"']);
    });

    it("evaluates CEL rules, including Kubernetes' url() library and int() on map keys", () => {
      expect(problemsOf(mutated(REQUEST_AUTHENTICATION, (o) => { o.spec.jwtRules[0].jwksUri = "ftp://idp.example.com/jwks.json"; }))).toEqual(["spec.jwtRules[0].jwksUri: Invalid value: url must have scheme http:// or https://"]);
      expect(problemsOf(mutated(REQUEST_AUTHENTICATION, (o) => { o.spec.jwtRules[0].jwksUri = "idp.example.com/jwks.json"; }))[0]).toMatch(/^spec\.jwtRules\[0\]\.jwksUri: Invalid value: .*invalid URI for request evaluating rule: url must have scheme/);
      expect(problemsOf(mutated(REQUEST_AUTHENTICATION, (o) => { o.spec.targetRef = { kind: "Gateway", group: "gateway.networking.k8s.io", name: "ingress" }; }))).toEqual(["spec: Invalid value: only one of targetRefs or selector can be set"]);
      expect(problemsOf(mutated(PEER_AUTHENTICATION, (o) => { o.spec.portLevelMtls = { 8080: { mode: "STRICT" } }; }))).toEqual(["spec: Invalid value: portLevelMtls requires selector"]);
      expect(problemsOf(mutated(PEER_AUTHENTICATION, (o) => { o.spec.selector = { matchLabels: { app: "m" } }; o.spec.portLevelMtls = { 70000: { mode: "STRICT" } }; }))).toEqual(["spec.portLevelMtls: Invalid value: port must be between 1-65535"]);
    });
  });

  describe("Prometheus Operator v0.93.0 PrometheusRule", () => {
    it("passes a valid object and refuses an unknown field, a bad duration and a bad case-insensitive pattern (no enum or CEL rule declared)", () => {
      expect(crdsFor("monitoring.coreos.com/v1", "PrometheusRule")[0].schema().allRules()).toEqual([]);
      expect(problemsOf(PROMETHEUS_RULE)).toEqual([]);
      expect(problemsOf(mutated(PROMETHEUS_RULE, (o) => { o.spec.groups[0].rules[0].severity = "page"; }))).toEqual(["spec.groups[0].rules[0].severity: unknown field: the schema does not specify it (pruned by the API server)"]);
      expect(problemsOf(mutated(PROMETHEUS_RULE, (o) => { o.spec.groups[0].rules[0].for = "15 minutes"; }))[0]).toMatch(/^spec\.groups\[0\]\.rules\[0\]\.for: "15 minutes" does not match/);
      // The RE2 pattern ^(?i)(abort|warn)?$ is case-insensitive.
      expect(problemsOf(mutated(PROMETHEUS_RULE, (o) => { o.spec.groups[0].partial_response_strategy = "ABORT"; }))).toEqual([]);
      expect(problemsOf(mutated(PROMETHEUS_RULE, (o) => { o.spec.groups[0].partial_response_strategy = "retry"; }))[0]).toMatch(/partial_response_strategy: "retry" does not match/);
    });
  });

  it("refuses ObjectMeta the API server refuses: missing namespace, bad names, bad labels, unknown metadata fields", () => {
    expect(problemsOf(mutated(PEER_AUTHENTICATION, (o) => { delete o.metadata.namespace; }))).toEqual(["metadata.namespace: namespace is required for a namespaced kind"]);
    expect(problemsOf(mutated(PEER_AUTHENTICATION, (o) => { o.metadata.name = "Default_Policy"; }))).toEqual(['metadata.name: "Default_Policy" is not a DNS-1123 subdomain']);
    expect(problemsOf(mutated(PEER_AUTHENTICATION, (o) => { o.metadata.labels = { "team/a/b": "x", ok: "-bad" }; }))).toEqual([
      'metadata.labels["team/a/b"]: invalid key: a qualified name has at most one \'/\'',
      'metadata.labels["ok"]: label value "-bad" must be empty or 1-63 characters of [A-Za-z0-9_.-], starting and ending alphanumeric',
    ]);
    expect(problemsOf(mutated(PEER_AUTHENTICATION, (o) => { o.metadata.tags = ["a"]; }))).toEqual(["metadata.tags: unknown field: ObjectMeta has no such field (dropped)"]);
  });
});
