import * as pulumi from "@pulumi/pulumi";
import { ConfigError, parsePlatformConfig, type RawStackConfig } from "../../config";
import { configProblems } from "../support/configProblems";

const P = "secure-ml-platform";

function raw(overrides: Record<string, unknown> = {}, secretKeys: string[] = []): RawStackConfig {
  const base: Record<string, unknown> = {
    "aws:region": "us-west-2",
    [`${P}:environment`]: "dev",
    [`${P}:teams`]: [{ name: "vision", group: "ml-vision", quota: { cpu: "8", memory: "32Gi", gpu: 2 } }],
  };
  const merged = { ...base, ...overrides };
  const values = Object.fromEntries(
    Object.entries(merged)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  );
  return { values, secretKeys: new Set(secretKeys) };
}

function problems(overrides: Record<string, unknown>, secretKeys: string[] = []): string[] {
  return configProblems(raw(overrides, secretKeys));
}

const team = (fields: Record<string, unknown>) => ({ name: "vision", group: "ml-vision", quota: { cpu: "8", memory: "32Gi", gpu: 2 }, ...fields });

describe("valid stack config", () => {
  it("fills every default in one place", () => {
    const config = parsePlatformConfig(raw());
    expect(config.awsRegion).toBe("us-west-2");
    expect(config.teams[0]).toMatchObject({ dataClassification: "confidential", quota: { gpu: 2, pvcs: 20, storage: "1Ti", pods: 100 } });
    expect(config.teams[0].containerDefaults).toEqual({ cpuRequest: "250m", cpuLimit: "1", memoryRequest: "512Mi", memoryLimit: "2Gi" });
    expect(config.storage).toMatchObject({ kmsDeletionWindowDays: 30, kmsRotationPeriodDays: 365, keyAdministratorArns: [] });
    expect(config.kubernetes).toMatchObject({ podSecurityVersion: "v1.35", meshIngressNamespace: "istio-ingress", trainingPorts: [29500], egress: [] });
  });

  it("accepts numeric quantities and ignores other providers' keys", () => {
    const config = parsePlatformConfig(raw({ [`${P}:teams`]: [team({ quota: { cpu: 4, memory: "8Gi", gpu: 0 } })], "kubernetes:context": "x" }));
    expect(config.teams[0].quota.cpu).toBe("4");
  });
});

describe("Vault and External Secrets config", () => {
  const vault = { address: "https://vault.internal:8200", kubernetesHost: "https://kubernetes.default.svc", database: { host: "db", username: "vault_admin" } };
  const endpoints = { apiServer: { cidr: "10.0.0.0/28", ports: [443] }, vaultEndpoint: { cidr: "10.0.200.0/28", ports: [8200] } };
  const complete = { [`${P}:vault`]: vault, [`${P}:externalSecrets`]: {}, [`${P}:kubernetes`]: endpoints, [`${P}:databasePassword`]: "pw" };

  it("accepts a complete setup with the password set as a secret, and fills the defaults", () => {
    const config = parsePlatformConfig(raw(complete, [`${P}:databasePassword`]));
    expect(config.vault).toMatchObject({
      authPath: "kubernetes", topology: "in-cluster", tokenReviewerNamespace: "kube-system", audience: "vault", tokenTtlSeconds: 900, tokenMaxTtlSeconds: 3600,
      database: { port: 5432, name: "mlflow", sslMode: "verify-full", credentialTtlSeconds: 3600, passwordVersion: 1 },
    });
    expect(config.vault?.issuer).toBeUndefined();
    expect(config.externalSecrets).toEqual({ install: true, chartVersion: "2.9.0", namespace: "external-secrets" });
  });

  it.each([
    ["a password in plain text", complete, [], `${P}:databasePassword: is a credential stored in plain text; set it with pulumi config set --secret`],
    ["a Vault token in plain text", { ...complete, [`${P}:vaultToken`]: "hvs.x" }, [`${P}:databasePassword`], `${P}:vaultToken: is a credential stored in plain text`],
    ["a database without password", { ...complete, [`${P}:databasePassword`]: undefined }, [], `${P}:databasePassword: is required when ${P}:vault.database is set`],
    ["External Secrets without Vault", { [`${P}:externalSecrets`]: {}, [`${P}:kubernetes`]: endpoints }, [], `${P}:externalSecrets: needs ${P}:vault`],
    ["External Secrets without the API server endpoint", { ...complete, [`${P}:kubernetes`]: { vaultEndpoint: endpoints.vaultEndpoint } }, [`${P}:databasePassword`], `${P}:kubernetes.apiServer: is required with ${P}:externalSecrets`],
  ])("refuses %s", (_case, overrides, secretKeys, expected) => {
    expect(problems(overrides as Record<string, unknown>, secretKeys as string[]).join("\n")).toContain(expected);
  });

  it.each([
    ["an http Vault address", { ...vault, address: "http://vault:8200" }, `${P}:vault.address = "http://vault:8200": must be an https:// URL`],
    ["a token TTL above an hour", { ...vault, tokenTtlSeconds: 7200 }, `${P}:vault.tokenTtlSeconds = 7200: must be at most 3600 seconds`],
    ["a max TTL below the TTL", { ...vault, tokenTtlSeconds: 1800, tokenMaxTtlSeconds: 900 }, `${P}:vault.tokenMaxTtlSeconds = 900: must not be below tokenTtlSeconds (1800)`],
    ["a database lease too short to be replaced in time", { ...vault, database: { host: "db", username: "vault_admin", credentialTtlSeconds: 300 } }, `${P}:vault.database.credentialTtlSeconds = 300: must be at least 600 seconds`],
    ["a topology Vault does not have", { ...vault, topology: "sidecar" }, `${P}:vault.topology = "sidecar": must be one of "in-cluster", "external"`],
    ["the retired Vault AWS engine", { ...vault, aws: { vaultPrincipalArn: "arn:aws:iam::123456789012:role/vault" } }, `${P}:vault.aws: unknown key`],
    ["a database name with capitals", { ...vault, database: { host: "db", username: "vault_admin", name: "MLflow" } }, `${P}:vault.database.name = "MLflow": must be a PostgreSQL identifier`],
  ])("refuses %s", (_case, value, expected) => {
    expect(problems({ [`${P}:vault`]: value }).join("\n")).toContain(expected);
  });

  it("requires the API server CA when Vault runs outside the cluster", () => {
    expect(problems({ ...complete, [`${P}:vault`]: { ...vault, topology: "external" } }, [`${P}:databasePassword`])).toEqual([
      `${P}:vault.kubernetesCaCert: is required when ${P}:vault.topology is external: Vault outside the cluster has no pod CA to verify the API server with`,
    ]);
  });

  const identity = { oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC", issuerUrl: "https://oidc.eks.us-west-2.amazonaws.com/id/ABC" };
  const sts = { egress: [{ name: "sts", cidr: "10.0.97.0/28", ports: [443], hosts: ["sts.us-west-2.amazonaws.com"] }] };
  it("accepts the cluster's OIDC provider for IRSA, with an hour-long session by default", () => {
    expect(parsePlatformConfig(raw({ [`${P}:awsWorkloadIdentity`]: identity, [`${P}:kubernetes`]: sts })).awsWorkloadIdentity).toEqual({ ...identity, sessionDurationSeconds: 3600 });
  });

  it("requires an egress target for the regional STS endpoint with IRSA", () => {
    expect(problems({ [`${P}:awsWorkloadIdentity`]: identity })).toEqual([
      `${P}:kubernetes.egress: needs a target with host sts.us-west-2.amazonaws.com when ${P}:awsWorkloadIdentity is set: pods exchange their token with the regional STS endpoint, and default-deny egress would block it`,
    ]);
  });

  it.each([
    ["a provider of another issuer", { ...identity, issuerUrl: "https://oidc.eks.us-west-2.amazonaws.com/id/OTHER" }, "must be the provider of issuerUrl (https://oidc.eks.us-west-2.amazonaws.com/id/OTHER): the roles would trust another issuer"],
    ["a role ARN instead of a provider", { ...identity, oidcProviderArn: "arn:aws:iam::123456789012:role/x" }, `${P}:awsWorkloadIdentity.oidcProviderArn = "arn:aws:iam::123456789012:role/x": must be an IAM OIDC provider ARN`],
    ["a session shorter than IAM allows", { ...identity, sessionDurationSeconds: 900 }, `${P}:awsWorkloadIdentity.sessionDurationSeconds = 900: must be at least 3600 seconds`],
  ])("refuses %s", (_case, value, expected) => {
    expect(problems({ [`${P}:awsWorkloadIdentity`]: value }).join("\n")).toContain(expected);
  });

  it("never echoes a secret value in an error", () => {
    const found = problems({ ...complete, [`${P}:databasePassword`]: "" }, [`${P}:databasePassword`]);
    expect(found).toEqual([`${P}:databasePassword = [secret]: must not be empty`]);
  });
});

describe("invalid stack config names the key, the value and what is allowed", () => {
  it.each([
    ["team name not a DNS label", { [`${P}:teams`]: [team({ name: "Vision_Team" })] }, `${P}:teams[0].name = "Vision_Team": must be a DNS-1123 label`],
    ["team name too long", { [`${P}:teams`]: [team({ name: "a".repeat(41) })] }, `${P}:teams[0].name = "${"a".repeat(41)}": must be at most 40 characters`],
    ["negative GPU quota", { [`${P}:teams`]: [team({ quota: { cpu: "8", memory: "32Gi", gpu: -1 } })] }, `${P}:teams[0].quota.gpu = -1: must not be negative`],
    ["non-numeric GPU quota", { [`${P}:teams`]: [team({ quota: { cpu: "8", memory: "32Gi", gpu: "two" } })] }, `${P}:teams[0].quota.gpu = "two": expected number, got a string`],
    ["fractional GPU quota", { [`${P}:teams`]: [team({ quota: { cpu: "8", memory: "32Gi", gpu: 1.5 } })] }, `${P}:teams[0].quota.gpu = 1.5: must be a whole number`],
    ["negative CPU quantity", { [`${P}:teams`]: [team({ quota: { cpu: "-8", memory: "32Gi", gpu: 1 } })] }, `${P}:teams[0].quota.cpu = "-8": must be a non-negative Kubernetes quantity`],
    ["zero memory", { [`${P}:teams`]: [team({ quota: { cpu: "8", memory: "0Gi", gpu: 1 } })] }, `${P}:teams[0].quota.memory = "0Gi": must be greater than zero`],
    ["missing quota", { [`${P}:teams`]: [{ name: "vision", group: "g" }] }, `${P}:teams[0].quota: is required (object)`],
    ["unknown nested key", { [`${P}:teams`]: [team({ quota: { cpu: "8", memory: "32Gi", gpu: 1, gpus: 2 } })] }, `${P}:teams[0].quota.gpus: unknown key; allowed here: cpu, memory, gpu, pvcs, storage, pods`],
    ["unknown top-level key", { [`${P}:bucket`]: "x" }, `${P}:bucket: unknown key; allowed here: ${P}:environment, aws:region,`],
    ["unknown key in the vault section", { [`${P}:vault`]: { address: "https://v", kubernetesHost: "https://k", tokenTTL: 5 } }, `${P}:vault.tokenTTL: unknown key; allowed here: address, authPath,`],
    ["missing environment", { [`${P}:environment`]: undefined }, `${P}:environment: is required (string)`],
    ["missing region", { "aws:region": undefined }, "aws:region: is required (string)"],
    ["bad region", { "aws:region": "mars-1" }, `aws:region = "mars-1": must be an AWS region`],
    ["no teams", { [`${P}:teams`]: [] }, `${P}:teams = []: must list at least one team`],
    ["teams not a list", { [`${P}:teams`]: { vision: {} } }, `${P}:teams = {"vision":{}}: expected array, got an object`],
    ["bad data classification", { [`${P}:teams`]: [team({ dataClassification: "secret" })] }, `${P}:teams[0].dataClassification = "secret": must be one of "public", "internal", "confidential", "restricted"`],
    ["deletion window below the safe minimum", { [`${P}:storage`]: { kmsDeletionWindowDays: 7 } }, `${P}:storage.kmsDeletionWindowDays = 7: must be at least 14 (safe minimum)`],
    ["rotation period above the AWS maximum", { [`${P}:storage`]: { kmsRotationPeriodDays: 3000 } }, `${P}:storage.kmsRotationPeriodDays = 3000: must be at most 2560 (AWS maximum)`],
    ["key admin not an ARN", { [`${P}:storage`]: { keyAdministratorArns: ["admin"] } }, `${P}:storage.keyAdministratorArns[0] = "admin": must be an IAM role, user or root ARN`],
    ["bad object lock mode", { [`${P}:storage`]: { artifactObjectLock: { mode: "STRICT", retentionDays: 1 } } }, `${P}:storage.artifactObjectLock.mode = "STRICT": must be one of "GOVERNANCE", "COMPLIANCE"`],
    ["egress to the internet", { [`${P}:kubernetes`]: { egress: [{ name: "all", cidr: "0.0.0.0/0", ports: [443] }] } }, `${P}:kubernetes.egress[0].cidr = "0.0.0.0/0": must not be a /0 route`],
    ["egress CIDR malformed", { [`${P}:kubernetes`]: { egress: [{ name: "s3", cidr: "10.0.0.300/8", ports: [443] }] } }, `${P}:kubernetes.egress[0].cidr = "10.0.0.300/8": must be an IPv4 CIDR`],
    ["egress port out of range", { [`${P}:kubernetes`]: { egress: [{ name: "s3", cidr: "10.0.0.0/8", ports: [70000] }] } }, `${P}:kubernetes.egress[0].ports[0] = 70000: must be a port 1-65535`],
    ["bad Pod Security version", { [`${P}:kubernetes`]: { podSecurityVersion: "1.30" } }, `${P}:kubernetes.podSecurityVersion = "1.30": must be v1.<minor> or latest`],
    ["istioInjection not a boolean", { [`${P}:kubernetes`]: { istioInjection: "yes" } }, `${P}:kubernetes.istioInjection = "yes": expected boolean, got a string`],
    ["structured key not JSON", { [`${P}:storage`]: "{not json" }, `${P}:storage: is not valid structured config`],
  ])("%s", (_case, overrides, expected) => {
    expect(problems(overrides).join("\n")).toContain(expected);
  });

  it("reports duplicate team names even next to other errors, and every problem at once", () => {
    const found = problems({
      [`${P}:environment`]: "Prod!",
      [`${P}:teams`]: [team({}), team({ quota: { cpu: "1", memory: "1Gi", gpu: -2 } })],
    });
    expect(found).toEqual(expect.arrayContaining([
      expect.stringContaining(`${P}:teams[1].name = "vision": duplicates the name of teams[0]`),
      expect.stringContaining(`${P}:teams[1].quota.gpu = -2`),
      expect.stringContaining(`${P}:environment = "Prod!"`),
    ]));
  });

  it("never echoes the value of a secret key", () => {
    const found = problems({ [`${P}:owner`]: "" }, [`${P}:owner`]);
    expect(found).toEqual([`${P}:owner = [secret]: must not be empty`]);
  });

  it("is a RunError, so pulumi prints the message without a stack trace", () => {
    const error = new ConfigError(["x: bad"]);
    expect(error.message).toBe("Invalid stack config:\n  - x: bad");
    expect(pulumi.RunError.isInstance(error)).toBe(true);
  });
});
