import { advisories, enforced, messages, UNKNOWN, validateResource } from "../support/policyArgs";
import { compliantPodSpec, workloadKinds } from "../support/workloads";

const SECRET = "kubernetes:core/v1:Secret";

describe("k8s-secret-disallow-literal-data", () => {
  it.each([["data", { data: { password: "aHVudGVyMg==" } }], ["stringData", { stringData: { token: "hunter2" } }]])("refuses a Secret with literal %s", (field, props) => {
    expect(messages(enforced(validateResource("k8s-secret-disallow-literal-data", SECRET, { metadata: { namespace: "vision" }, ...props })))).toEqual([
      expect.stringContaining(`${field}: the Secret carries 1 literal value(s)`),
    ]);
  });

  it("accepts an empty Secret and a service-account token Secret", () => {
    expect(validateResource("k8s-secret-disallow-literal-data", SECRET, { metadata: { namespace: "vision" } })).toEqual([]);
    expect(validateResource("k8s-secret-disallow-literal-data", SECRET, { metadata: { namespace: "vision" }, type: "kubernetes.io/service-account-token" })).toEqual([]);
  });

  it("reports unknown data as unverified", () => {
    expect(advisories(validateResource("k8s-secret-disallow-literal-data", SECRET, { metadata: { namespace: "vision" }, data: UNKNOWN }))).toHaveLength(1);
  });
});

describe("pod-disallow-secret-literals", () => {
  const withEnv = (env: unknown[], args?: string[]) => {
    const spec = compliantPodSpec();
    spec.containers[0].env = env;
    if (args) spec.containers[0].args = args;
    return { metadata: { namespace: "vision" }, spec };
  };
  const check = (props: Record<string, unknown>, type = "kubernetes:core/v1:Pod") => messages(enforced(validateResource("pod-disallow-secret-literals", type, props)));

  it.each([
    ["a password under a secret name", { name: "DB_PASSWORD", value: "s3cr3t!" }],
    ["an AWS key under an innocent name", { name: "SETTING", value: "AKIAABCDEFGHIJKLMNOP" }],
    // secretlint-disable-next-line -- a fake credential: what pod-disallow-secret-literals must catch
    ["a connection string with a password", { name: "MLFLOW_URI", value: "postgresql://mlflow:pa55@db:5432/mlflow" }],
    ["a Hugging Face token", { name: "HF", value: "hf_" + "a".repeat(34) }],
  ])("refuses %s", (_case, entry) => {
    expect(check(withEnv([entry]))).toEqual([expect.stringContaining("spec.containers[0].env[0].value")]);
  });

  it("refuses a credential passed as a command-line flag", () => {
    expect(check(withEnv([], ["--epochs=3", "--api-key=abc123"]))).toEqual([expect.stringContaining("spec.containers[0].args[1]")]);
  });

  it.each(workloadKinds(withEnv([{ name: "API_TOKEN", value: "xyz-123-abc" }]).spec))("finds it in a %s", (_kind, type, props) => {
    expect(check(props, type)).toHaveLength(1);
  });

  it("accepts references to Secrets, booleans, numbers and placeholders", () => {
    expect(check(withEnv([
      { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "mlflow-db", key: "password" } } },
      { name: "AUTH_ENABLED", value: "true" },
      { name: "TOKEN_TTL", value: "3600" },
      { name: "API_KEY", value: "$(API_KEY_FROM_FILE)" },
      { name: "MODEL_NAME", value: "fraud-detector" },
    ]))).toEqual([]);
  });
});

/** The message of an advisory finding for a value unknown until apply. */
const notKnown = (path: string, what: string) => `${path}: ${what} is not known until apply, so this preview cannot check it; pulumi up checks it again once it is known`;

describe("k8s-secret-disallow-literal-data findings", () => {
  const RULE = "k8s-secret-disallow-literal-data";
  const carries = (field: string, keys: string[]) =>
    `${field}: the Secret carries ${keys.length} literal value(s) (${keys.join(", ")}) that end up in state and manifests; deliver them from Vault with an ExternalSecret instead`;
  const check = (props: Record<string, unknown>, config = {}, type = SECRET) => validateResource(RULE, type, props, config);

  it("names every literal key of data and stringData, one finding per field", () => {
    expect(messages(enforced(check({ metadata: { namespace: "vision" }, data: { user: "bWw=", password: "aHVudGVyMg==" }, stringData: { token: "hunter2" } })))).toEqual([
      carries("data", ["user", "password"]),
      carries("stringData", ["token"]),
    ]);
  });

  it.each([
    ["Opaque", "Opaque"],
    ["docker registry credentials", "kubernetes.io/dockerconfigjson"],
    ["TLS", "kubernetes.io/tls"],
    ["basic auth", "kubernetes.io/basic-auth"],
  ])("refuses a %s Secret with literal data", (_case, type) => {
    expect(messages(check({ metadata: { namespace: "vision" }, type, data: { key: "dmFsdWU=" } }))).toEqual([carries("data", ["key"])]);
  });

  it("skips a service-account token Secret: the control plane fills its data (as an import reads it back)", () => {
    expect(check({ metadata: { namespace: "vision", annotations: { "kubernetes.io/service-account.name": "ci" } }, type: "kubernetes.io/service-account-token", data: { token: "ZXlK", "ca.crt": "LS0t", namespace: "dmlzaW9u" } })).toEqual([]);
  });

  it.each([
    ["data", { data: UNKNOWN }],
    ["stringData", { stringData: UNKNOWN }],
  ])("reports unknown %s as an advisory, never enforced", (field, props) => {
    const found = check({ metadata: { namespace: "vision" }, ...props });
    expect(enforced(found)).toEqual([]);
    expect(messages(advisories(found))).toEqual([notKnown(field, `the Secret's ${field}`)]);
  });

  it("an unknown type is checked like any other Secret", () => {
    expect(messages(check({ metadata: { namespace: "vision" }, type: UNKNOWN, stringData: { token: "x" } }))).toEqual([carries("stringData", ["token"])]);
  });

  it.each([
    ["kube-system by default", { namespace: "kube-system" }, {}],
    ["a configured exempt namespace", { namespace: "platform" }, { exemptNamespaces: ["platform"] }],
    ["the default namespace when none is named and default is exempt", {}, { exemptNamespaces: ["default"] }],
  ])("skips a Secret in %s", (_case, metadata, config) => {
    expect(check({ metadata, data: { key: "dmFsdWU=" } }, config)).toEqual([]);
  });

  it("checks a Secret without a namespace (the default namespace) and kube-system once the exempt list is replaced", () => {
    expect(messages(check({ metadata: {}, data: { key: "dmFsdWU=" } }))).toEqual([carries("data", ["key"])]);
    expect(messages(check({ metadata: { namespace: "kube-system" }, data: { key: "dmFsdWU=" } }, { exemptNamespaces: ["platform"] }))).toEqual([carries("data", ["key"])]);
  });

  it.each([
    ["a ConfigMap", "kubernetes:core/v1:ConfigMap"],
    ["a SealedSecret", "kubernetes:bitnami.com/v1alpha1:SealedSecret"],
  ])("ignores %s", (_case, type) => {
    expect(check({ metadata: { namespace: "vision" }, data: { key: "dmFsdWU=" } }, {}, type)).toEqual([]);
  });
});

describe("pod-disallow-secret-literals findings", () => {
  const RULE = "pod-disallow-secret-literals";
  const container = (fields: Record<string, unknown>) => {
    const spec = compliantPodSpec();
    Object.assign(spec.containers[0], fields);
    return { metadata: { namespace: "vision" }, spec };
  };
  const check = (fields: Record<string, unknown>) => validateResource(RULE, "kubernetes:core/v1:Pod", container(fields));
  const byName = "its name says it holds a credential and it is set to a literal value";
  const setsLiterally = (index: number, name: string, reason: string) =>
    `spec.containers[0].env[${index}].value: container "main" sets ${name} literally: ${reason}; use valueFrom.secretKeyRef on a Secret delivered by External Secrets`;
  const inArgs = (field: string, index: number, reason: string) =>
    `spec.containers[0].${field}[${index}]: container "main" has a literal credential in ${field}: ${reason}; read it from a mounted Secret instead`;
  const ON_COMMAND_LINE = "it passes a credential on the command line";

  it("reports each offending env entry at its index with the reason", () => {
    expect(messages(enforced(check({ env: [
      { name: "MODEL_NAME", value: "fraud" },
      { name: "DB_PASSWORD", value: "s3cr3t!" },
      { name: "SETTING", value: "AKIAABCDEFGHIJKLMNOP" },
    ] })))).toEqual([
      setsLiterally(1, "DB_PASSWORD", byName),
      setsLiterally(2, "SETTING", "its value looks like an AWS access key id"),
    ]);
  });

  it.each([
    ["a secret flag with its value", { args: ["--epochs=3", "--api-key=abc123"] }, inArgs("args", 1, ON_COMMAND_LINE)],
    ["a secret flag with its value in command", { command: ["python", "serve.py", "-token=abc123"] }, inArgs("command", 2, ON_COMMAND_LINE)],
    ["a secret flag followed by its value", { args: ["--password", "hunter2"] }, inArgs("args", 1, ON_COMMAND_LINE)],
    ["a token format in a plain argument", { args: ["ghp_" + "a".repeat(36)] }, inArgs("args", 0, "its value looks like a GitHub token")],
    // secretlint-disable-next-line -- a fake credential: what pod-disallow-secret-literals must catch
    ["a URL with a password", { command: ["psql", "postgresql://ml:pa55@db/ml"] }, inArgs("command", 1, "its value looks like a URL with an embedded password")],
  ])("refuses %s", (_case, fields, message) => {
    expect(messages(enforced(check(fields)))).toEqual([message]);
  });

  it.each([
    ["Kubernetes expansion of an env var (from a secretKeyRef)", ["--api-key=$(API_KEY)"]],
    ["the expansion after a bare flag", ["--token", "$(TOKEN)"]],
    ["a bare secret flag followed by another flag", ["--token", "--verbose"]],
    ["a bare secret flag last", ["--token"]],
    ["ordinary flags and values", ["--epochs", "3", "--model=resnet50"]],
    ["a value after an ordinary flag", ["--user", "hunter2"]],
  ])("accepts %s", (_case, args) => {
    expect(check({ args })).toEqual([]);
  });

  it("ignores arguments that are not strings", () => {
    expect(check({ args: [42, true, "--epochs=3", "--token", 12345] })).toEqual([]);
  });

  it.each([
    ["a credential's env value", { env: [{ name: "DB_PASSWORD", value: UNKNOWN }] }, notKnown("spec.containers[0].env[0].value", "the value of DB_PASSWORD")],
    ["the value after a secret flag", { args: ["--password", UNKNOWN] }, notKnown("spec.containers[0].args[1]", "the value of --password")],
  ])("reports %s unknown until apply as an advisory, never enforced", (_case, fields, message) => {
    const found = check(fields);
    expect(enforced(found)).toEqual([]);
    expect(messages(advisories(found))).toEqual([message]);
  });

  it("an unknown value under an ordinary name or argument position is not reported", () => {
    expect(check({ env: [{ name: "MODEL_NAME", value: UNKNOWN }], args: [UNKNOWN, "--epochs", UNKNOWN] })).toEqual([]);
  });
});
