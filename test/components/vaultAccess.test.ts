import { parse } from "@cdktf/hcl2json";
import * as pulumi from "@pulumi/pulumi";
import { byType, installRecordingMocks, settle, single, valueOf } from "../support/pulumiMocks";

const created = installRecordingMocks();

import { VaultAccess } from "../../components/secrets/vaultAccess";

const TEAMS = ["vision", "nlp"].map((name) => ({ name, namespace: name }));
const DATABASE = {
  host: "db.internal", port: 5432, name: "mlflow", username: "vault_admin", password: pulumi.secret("s3cr3t-db"), passwordVersion: 2,
  sslMode: "verify-full", verifyConnection: false, credentialTtlSeconds: 3600, credentialMaxTtlSeconds: 14400,
};
const common = { audience: "vault", tokenTtlSeconds: 900, tokenMaxTtlSeconds: 1800, auditLogPath: "/vault/audit/vault-audit.log", teams: TEAMS };

const inCluster = new VaultAccess("vault", {
  ...common, environment: "dev", kubernetesHost: "https://kubernetes.default.svc", topology: { kind: "in-cluster" }, database: DATABASE,
});
const external = new VaultAccess("ext", {
  ...common,
  environment: "prod",
  kubernetesHost: "https://ABC.gr7.us-east-1.eks.amazonaws.com",
  topology: { kind: "external", kubernetesCaCert: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", reviewerNamespace: "kube-system" },
  issuer: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC",
});

const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE_VALUE = "1b47061264138c4ac30d75fd1eb44270";
const inputs = (type: string, name: string) => single(created, type, name).inputs as Record<string, any>;
const ROLE = "vault:kubernetes/authBackendRole:AuthBackendRole";
const policyPaths = async (name: string) => {
  const parsed = (await parse("policy.hcl", inputs("vault:index/policy:Policy", name).policy as string)) as { path: Record<string, { capabilities: string[] }[]> };
  return Object.fromEntries(Object.entries(parsed.path).map(([path, blocks]) => [path, blocks.flatMap((block) => block.capabilities)]));
};

beforeAll(async () => {
  await valueOf(pulumi.output(inCluster.urn));
  await valueOf(pulumi.output(external.urn));
  await settle();
});

describe("VaultAccess identities", () => {
  it("gives each team three Vault roles, each bound to exactly one service account of its namespace", () => {
    expect(byType(created, ROLE).filter((role) => role.name.startsWith("vault-")).map((role) => role.inputs.roleName).sort()).toEqual([
      "dev-nlp-secrets-sync", "dev-nlp-serving", "dev-nlp-training", "dev-vision-secrets-sync", "dev-vision-serving", "dev-vision-training",
    ]);
    for (const identity of ["training", "serving", "secrets-sync"]) {
      expect(inputs(ROLE, `vault-dev-vision-${identity}-role`)).toMatchObject({
        boundServiceAccountNames: [identity], boundServiceAccountNamespaces: ["vision"], audience: "vault",
        tokenPolicies: [`dev-vision-${identity}`], tokenNoDefaultPolicy: true, aliasNameSource: "serviceaccount_uid",
      });
    }
  });

  it("lets the token of a role that requests a lease live as long as that lease (a lease dies with its token)", () => {
    for (const identity of ["training", "serving"]) expect(inputs(ROLE, `vault-dev-vision-${identity}-role`)).toMatchObject({ tokenTtl: 3600, tokenMaxTtl: 3600 });
    expect(inputs(ROLE, "vault-dev-vision-secrets-sync-role")).toMatchObject({ tokenTtl: 900, tokenMaxTtl: 1800 });
    // The auth mount must not cap those tokens below the lease.
    expect(inputs("vault:index/authBackend:AuthBackend", "vault-kubernetes-auth").tune).toEqual({ defaultLeaseTtl: "900s", maxLeaseTtl: "3600s" });
  });

  it("gives each identity read on its own paths only, and the store client what ESO does with its token", async () => {
    expect(await policyPaths("vault-dev-vision-training-policy")).toEqual({ "ml-dev-database/creds/dev-vision-training": ["read"] });
    expect(await policyPaths("vault-dev-vision-serving-policy")).toEqual({ "ml-dev-database/creds/dev-vision-serving": ["read"] });
    expect(await policyPaths("vault-dev-vision-secrets-sync-policy")).toEqual({
      "ml-dev-kv/data/teams/vision": ["read"], "auth/token/lookup-self": ["read"], "auth/token/revoke-self": ["update"],
    });
    for (const identity of ["training", "serving", "secrets-sync"]) {
      expect(inputs("vault:index/policy:Policy", `vault-dev-vision-${identity}-policy`).policy).not.toMatch(/[*+]|sudo|nlp/);
    }
  });

  it("exposes per identity the service account, role and credentials External Secrets needs", () => {
    expect(inCluster.teams.vision).toEqual({
      secretsSync: { serviceAccount: "secrets-sync", authRole: "dev-vision-secrets-sync", credentials: [] },
      kvMount: "ml-dev-kv",
      kvPath: "teams/vision",
      workloads: [
        { serviceAccount: "training", authRole: "dev-vision-training", credentials: [{ name: "mlflow-db-training", path: "ml-dev-database/creds/dev-vision-training", leaseTtlSeconds: 3600 }] },
        { serviceAccount: "serving", authRole: "dev-vision-serving", credentials: [{ name: "mlflow-db-serving", path: "ml-dev-database/creds/dev-vision-serving", leaseTtlSeconds: 3600 }] },
      ],
    });
    expect(external.teams.vision.workloads).toEqual([]);
  });
});

describe("VaultAccess database engine", () => {
  it("creates read-write users for training and read-only users for serving, in the team's schema only", () => {
    const training = inputs("vault:database/secretBackendRole:SecretBackendRole", "vault-dev-nlp-training-database-role");
    const serving = inputs("vault:database/secretBackendRole:SecretBackendRole", "vault-dev-nlp-serving-database-role");
    expect(training).toMatchObject({ name: "dev-nlp-training", backend: "ml-dev-database", dbName: "mlflow", defaultTtl: 3600, maxTtl: 14400 });
    expect(serving).toMatchObject({ name: "dev-nlp-serving", defaultTtl: 3600 });
    for (const role of [training, serving]) {
      expect(role.creationStatements.join("\n")).toContain("team_nlp");
      expect(role.creationStatements.join("\n")).not.toContain("team_vision");
    }
    expect(training.creationStatements.join("\n")).not.toEqual(serving.creationStatements.join("\n"));
  });

  it("sends the management password write-only and as a secret, with SCRAM for the users it creates", () => {
    const connection = inputs("vault:database/secretBackendConnection:SecretBackendConnection", "vault-database-connection");
    expect(connection.allowedRoles).toEqual(["dev-vision-training", "dev-vision-serving", "dev-nlp-training", "dev-nlp-serving"]);
    expect(connection.postgresql[SECRET_SIGNATURE]).toBe(SECRET_SIGNATURE_VALUE);
    expect(connection.postgresql.value).toEqual({
      connectionUrl: "postgresql://{{username}}:{{password}}@db.internal:5432/mlflow?sslmode=verify-full", username: "vault_admin",
      passwordWo: "s3cr3t-db", passwordWoVersion: 2, passwordAuthentication: "scram-sha-256",
    });
    expect(connection.postgresql.value.password).toBeUndefined();
  });

  it("has Vault rotate the management password right after configuring it, again for each new password version", () => {
    const rotation = single(created, "vault:generic/endpoint:Endpoint", "vault-database-rotate-root-v2");
    expect(rotation.inputs).toMatchObject({ path: "ml-dev-database/rotate-root/mlflow", disableRead: true, disableDelete: true });
  });
});

describe("VaultAccess Kubernetes auth", () => {
  it("in the cluster: reviews tokens with Vault's own pod identity and leaves the issuer to the TokenReview", () => {
    const config = inputs("vault:kubernetes/authBackendConfig:AuthBackendConfig", "vault-kubernetes-auth-config");
    expect(config).toMatchObject({ kubernetesHost: "https://kubernetes.default.svc", disableLocalCaJwt: false, disableIssValidation: true });
    expect(config.tokenReviewerJwtWo).toBeUndefined();
    expect(config.kubernetesCaCert).toBeUndefined();
  });

  it("outside it: a dedicated token reviewer bound to system:auth-delegator, its token write-only and secret, the CA and the issuer checked", () => {
    const config = single(created, "vault:kubernetes/authBackendConfig:AuthBackendConfig", "ext-kubernetes-auth-config");
    expect(config.inputs).toMatchObject({
      kubernetesHost: "https://ABC.gr7.us-east-1.eks.amazonaws.com", disableLocalCaJwt: true, tokenReviewerJwtWoVersion: 1,
      issuer: "https://oidc.eks.us-east-1.amazonaws.com/id/ABC", disableIssValidation: false,
    });
    expect(config.inputs.kubernetesCaCert).toContain("BEGIN CERTIFICATE");
    expect(config.inputs.tokenReviewerJwtWo[SECRET_SIGNATURE]).toBe(SECRET_SIGNATURE_VALUE);
    expect(config.inputs.tokenReviewerJwtWo.value).toMatch(/^offline-service-account-token-/);
    expect(inputs("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "ext-token-reviewer")).toMatchObject({
      roleRef: { kind: "ClusterRole", name: "system:auth-delegator" },
      subjects: [{ kind: "ServiceAccount", name: "vault-token-reviewer", namespace: "kube-system" }],
    });
    expect(inputs("kubernetes:core/v1:Secret", "ext-token-reviewer-secret")).toMatchObject({
      type: "kubernetes.io/service-account-token", metadata: { annotations: { "kubernetes.io/service-account.name": "vault-token-reviewer" } },
    });
  });

  it("creates no token reviewer when Vault runs in the cluster", () => {
    expect(byType(created, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding").map((binding) => binding.name)).toEqual(["ext-token-reviewer"]);
  });

  it("enables a file audit device", () => {
    expect(inputs("vault:index/audit:Audit", "vault-audit")).toMatchObject({ type: "file", options: { file_path: "/vault/audit/vault-audit.log", log_raw: "false" } });
  });
});
