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
