import { parse } from "@cdktf/hcl2json";
import * as pulumi from "@pulumi/pulumi";
import { byType, installRecordingMocks, settle, single, valueOf } from "../support/pulumiMocks";

const created = installRecordingMocks();

import { VaultAccess } from "../../components/secrets/vaultAccess";

const BUCKETS = [
  { bucketArn: "arn:aws:s3:::ml-dev-datasets-abc", keyArn: "arn:aws:kms:us-west-2:123456789012:key/datasets" },
  { bucketArn: "arn:aws:s3:::ml-dev-model-artifacts-def", keyArn: "arn:aws:kms:us-west-2:123456789012:key/artifacts" },
];

const access = new VaultAccess("vault", {
  environment: "dev",
  kubernetesHost: "https://kubernetes.default.svc",
  issuer: "https://kubernetes.default.svc.cluster.local",
  audience: "vault",
  tokenTtlSeconds: 900,
  tokenMaxTtlSeconds: 3600,
  auditLogPath: "/vault/audit/vault-audit.log",
  teams: ["vision", "nlp"].map((name) => ({ name, namespace: name, serviceAccounts: ["training", "serving", "secrets-sync"], bucketPrefix: `teams/${name}/` })),
  database: { host: "db.internal", port: 5432, name: "mlflow", username: "vault_admin", password: pulumi.secret("s3cr3t-db"), sslMode: "verify-full", verifyConnection: false, credentialTtlSeconds: 3600, credentialMaxTtlSeconds: 14400 },
  aws: { vaultPrincipalArn: "arn:aws:iam::123456789012:role/vault-server", region: "us-west-2", buckets: BUCKETS, credentialTtlSeconds: 900, credentialMaxTtlSeconds: 3600, tags: { Environment: "dev" } },
});

const SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE_VALUE = "1b47061264138c4ac30d75fd1eb44270";
const inputs = (type: string, name: string) => single(created, type, name).inputs as Record<string, any>;

beforeAll(async () => {
  await valueOf(pulumi.output(access.urn));
  await settle();
});

describe("VaultAccess", () => {
  it("binds each team's role to exactly its service accounts and namespace, with short TTLs and an audience", () => {
    const role = inputs("vault:kubernetes/authBackendRole:AuthBackendRole", "vault-vision-role");
    expect(role).toMatchObject({
      roleName: "dev-vision",
      boundServiceAccountNames: ["training", "serving", "secrets-sync"],
      boundServiceAccountNamespaces: ["vision"],
      audience: "vault",
      tokenTtl: 900,
      tokenMaxTtl: 3600,
      tokenPolicies: ["dev-vision"],
      tokenNoDefaultPolicy: true,
    });
  });

  it("gives each team a policy with read on its own paths only: no globs, no sudo, no other team", async () => {
    const hcl = inputs("vault:index/policy:Policy", "vault-vision-policy").policy as string;
    const parsed = (await parse("policy.hcl", hcl)) as { path: Record<string, { capabilities: string[] }[]> };
    expect(Object.keys(parsed.path).sort()).toEqual(["ml-dev-aws/sts/dev-vision", "ml-dev-database/creds/dev-vision", "ml-dev-kv/data/teams/vision"]);
    for (const blocks of Object.values(parsed.path)) expect(blocks).toEqual([{ capabilities: ["read"] }]);
    expect(hcl).not.toMatch(/[*+]|sudo|nlp/);
  });

  it("configures Kubernetes auth against the API server, validating the issuer", () => {
    expect(inputs("vault:kubernetes/authBackendConfig:AuthBackendConfig", "vault-kubernetes-auth-config")).toMatchObject({
      kubernetesHost: "https://kubernetes.default.svc", issuer: "https://kubernetes.default.svc.cluster.local", disableIssValidation: false,
    });
  });

  it("creates database users with access to the team's schema only, revoked at lease end, within TTL bounds", () => {
    const role = inputs("vault:database/secretBackendRole:SecretBackendRole", "vault-nlp-database-role");
    expect(role).toMatchObject({ name: "dev-nlp", backend: "ml-dev-database", dbName: "mlflow", defaultTtl: 3600, maxTtl: 14400 });
    expect(role.creationStatements.join("\n")).toContain('GRANT USAGE ON SCHEMA "team_nlp"');
    expect(role.creationStatements.join("\n")).toContain("VALID UNTIL '{{expiration}}'");
    expect(role.creationStatements.join("\n")).not.toContain("team_vision");
    expect(role.revocationStatements.at(-1)).toBe('DROP ROLE IF EXISTS "{{name}}";');
  });

  it("connects to PostgreSQL with TLS verification, allowing only the team roles, the password kept secret", () => {
    const connection = inputs("vault:database/secretBackendConnection:SecretBackendConnection", "vault-database-connection");
    expect(connection.allowedRoles).toEqual(["dev-vision", "dev-nlp"]);
    expect(connection.verifyConnection).toBe(false);
    // The block holding the password reaches the engine as a secret (signature key), so state encrypts it.
    expect(connection.postgresql[SECRET_SIGNATURE]).toBe(SECRET_SIGNATURE_VALUE);
    expect(connection.postgresql.value).toEqual({
      connectionUrl: "postgresql://{{username}}:{{password}}@db.internal:5432/mlflow?sslmode=verify-full", username: "vault_admin", password: "s3cr3t-db",
    });
  });

  it("issues assumed-role STS credentials through a role only Vault can assume", () => {
    expect(inputs("vault:aws/secretBackendRole:SecretBackendRole", "vault-vision-aws-role")).toMatchObject({
      credentialType: "assumed_role", defaultStsTtl: 900, maxStsTtl: 3600, backend: "ml-dev-aws",
    });
    const backend = inputs("vault:aws/secretBackend:SecretBackend", "vault-aws");
    expect(backend.accessKey).toBeUndefined();
    const trust = JSON.parse(inputs("aws:iam/role:Role", "vault-vision-data-role").assumeRolePolicy as string);
    expect(trust.Statement).toEqual([expect.objectContaining({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:role/vault-server" } })]);
  });

  it("scopes the team's AWS policy to exactly its prefixes in the datasets and artifacts buckets", () => {
    const policy = JSON.parse(inputs("aws:iam/rolePolicy:RolePolicy", "vault-vision-data-policy").policy as string);
    const resources = policy.Statement.flatMap((statement: { Resource: string[] }) => statement.Resource);
    expect(resources.sort()).toEqual([
      "arn:aws:kms:us-west-2:123456789012:key/artifacts", "arn:aws:kms:us-west-2:123456789012:key/datasets",
      "arn:aws:s3:::ml-dev-datasets-abc", "arn:aws:s3:::ml-dev-datasets-abc/teams/vision/*",
      "arn:aws:s3:::ml-dev-model-artifacts-def", "arn:aws:s3:::ml-dev-model-artifacts-def/teams/vision/*",
    ].sort());
    const list = policy.Statement.find((statement: { Sid: string }) => statement.Sid === "ListTeamPrefix");
    expect(list.Condition).toEqual({ StringLike: { "s3:prefix": ["teams/vision/", "teams/vision/*"] } });
    const kms = policy.Statement.find((statement: { Sid: string }) => statement.Sid === "UseBucketKeysThroughS3");
    expect(kms.Condition).toEqual({ StringEquals: { "kms:ViaService": "s3.us-west-2.amazonaws.com" } });
  });

  it("enables a file audit device", () => {
    expect(inputs("vault:index/audit:Audit", "vault-audit")).toMatchObject({ type: "file", options: { file_path: "/vault/audit/vault-audit.log", log_raw: "false" } });
  });

  it("exposes per team the paths External Secrets needs", () => {
    expect(access.teams.vision).toEqual({
      authRole: "dev-vision", kvMount: "ml-dev-kv", kvPath: "teams/vision",
      credentials: [
        { name: "mlflow-db", path: "ml-dev-database/creds/dev-vision", leaseTtlSeconds: 3600 },
        { name: "aws", path: "ml-dev-aws/sts/dev-vision", leaseTtlSeconds: 900 },
      ],
    });
    expect(byType(created, "vault:kubernetes/authBackendRole:AuthBackendRole")).toHaveLength(2);
  });
});
