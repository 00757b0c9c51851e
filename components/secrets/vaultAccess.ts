import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { creationStatements, revocationStatements, teamSchema } from "./databaseStatements";
import { teamVaultPolicy } from "./vaultDocuments";
import { teamDataPolicy, vaultTrustPolicy, type TeamBucket } from "./teamDataAccess";

export interface VaultTeam {
  /** Team name (DNS label). */
  name: string;
  /** The team's namespace: the only one its Vault role accepts tokens from. */
  namespace: pulumi.Input<string>;
  /** The team's service accounts that may log in (exact names, no wildcards). */
  serviceAccounts: string[];
  /** The team's key prefix in the shared buckets, e.g. `teams/vision/`. */
  bucketPrefix: string;
}

export interface VaultDatabaseArgs {
  host: string;
  port: number;
  /** Database name, e.g. `mlflow`. */
  name: string;
  username: string;
  /** Password of `username`; keep it a Pulumi secret. */
  password: pulumi.Input<string>;
  sslMode: string;
  /** Vault connects when configuring; turn off offline. */
  verifyConnection: boolean;
  credentialTtlSeconds: number;
  credentialMaxTtlSeconds: number;
}

export interface VaultAwsArgs {
  /** IAM role the Vault server runs as; team roles trust it alone. */
  vaultPrincipalArn: string;
  region: string;
  /** Buckets (and their keys) whose team prefixes the credentials reach. */
  buckets: pulumi.Input<TeamBucket>[];
  credentialTtlSeconds: number;
  credentialMaxTtlSeconds: number;
  tags: Record<string, string>;
}

export interface VaultAccessArgs {
  environment: string;
  /** Mount path of the Kubernetes auth method. Default `kubernetes`. */
  authPath?: string;
  /** API server Vault sends TokenReviews to. */
  kubernetesHost: string;
  kubernetesCaCert?: string;
  issuer?: string;
  /** Audience the service account tokens must be issued for. Default `vault`. */
  audience?: string;
  tokenTtlSeconds: number;
  tokenMaxTtlSeconds: number;
  /** File the audit device writes, on the Vault server. */
  auditLogPath: string;
  teams: VaultTeam[];
  database?: VaultDatabaseArgs;
  aws?: VaultAwsArgs;
}

/** What a team's credentials are called in Vault, for the External Secrets that fetch them. */
export interface TeamVaultPaths {
  /** Kubernetes auth role the team logs in with. */
  authRole: string;
  /** KV v2 mount and secret path of the team's static secrets. */
  kvMount: string;
  kvPath: string;
  /** Dynamic credentials: Vault path and lease TTL, keyed by kind. */
  credentials: { name: string; path: string; leaseTtlSeconds: number }[];
}

/**
 * Vault for the ML teams: Kubernetes auth bound per team to its namespace and service accounts,
 * a least-privilege policy per team, dynamic PostgreSQL users (MLflow) and assumed-role AWS
 * credentials scoped to the team's bucket prefixes, static team secrets in KV v2, and a file audit device.
 */
export class VaultAccess extends pulumi.ComponentResource {
  readonly authPath: string;
  readonly teams: Record<string, TeamVaultPaths> = {};

  constructor(name: string, args: VaultAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-ml:secrets:VaultAccess", name, {}, opts);
    const parent = { parent: this };
    const env = args.environment;
    this.authPath = args.authPath ?? "kubernetes";
    const audience = args.audience ?? "vault";

    new vault.Audit(`${name}-audit`, {
      type: "file",
      path: `ml-${env}-file`,
      description: "Every request and response, with secrets HMAC'd",
      options: { file_path: args.auditLogPath, hmac_accessor: "true", log_raw: "false" },
    }, parent);

    const auth = new vault.AuthBackend(`${name}-kubernetes-auth`, {
      type: "kubernetes",
      path: this.authPath,
      tune: { defaultLeaseTtl: `${args.tokenTtlSeconds}s`, maxLeaseTtl: `${args.tokenMaxTtlSeconds}s` },
    }, parent);
    new vault.kubernetes.AuthBackendConfig(`${name}-kubernetes-auth-config`, {
      backend: auth.path,
      kubernetesHost: args.kubernetesHost,
      kubernetesCaCert: args.kubernetesCaCert,
      issuer: args.issuer,
      // Validate the issuer whenever one is given; Vault skips the check otherwise.
      disableIssValidation: args.issuer === undefined,
    }, parent);

    const kvMount = `ml-${env}-kv`;
    const kv = new vault.Mount(`${name}-kv`, { path: kvMount, type: "kv", options: { version: "2" }, description: "Static team secrets" }, parent);

    const database = args.database ? this.databaseEngine(name, env, args.database, args.teams) : undefined;
    const awsEngine = args.aws ? this.awsEngine(name, env, args.aws, args.teams) : undefined;

    for (const team of args.teams) {
      const roleName = `${env}-${team.name}`;
      const credentials = [
        ...(database ? [{ name: "mlflow-db", path: `${database.path}/creds/${roleName}`, leaseTtlSeconds: database.ttl }] : []),
        ...(awsEngine ? [{ name: "aws", path: `${awsEngine.path}/sts/${roleName}`, leaseTtlSeconds: awsEngine.ttl }] : []),
      ];
      const kvPath = `teams/${team.name}`;
      const policy = new vault.Policy(`${name}-${team.name}-policy`, {
        name: roleName,
        policy: teamVaultPolicy(team.name, [...credentials.map((credential) => credential.path), `${kvMount}/data/${kvPath}`]),
      }, { parent: this, dependsOn: [kv] });
      new vault.kubernetes.AuthBackendRole(`${name}-${team.name}-role`, {
        backend: auth.path,
        roleName,
        boundServiceAccountNames: team.serviceAccounts,
        boundServiceAccountNamespaces: [team.namespace],
        audience,
        aliasNameSource: "serviceaccount_uid",
        tokenTtl: args.tokenTtlSeconds,
        tokenMaxTtl: args.tokenMaxTtlSeconds,
        tokenPolicies: [policy.name],
        tokenNoDefaultPolicy: true,
      }, parent);
      this.teams[team.name] = { authRole: roleName, kvMount, kvPath, credentials };
    }
    this.registerOutputs({ authPath: this.authPath });
  }

  private databaseEngine(name: string, env: string, db: VaultDatabaseArgs, teams: VaultTeam[]): { path: string; ttl: number } {
    const path = `ml-${env}-database`;
    const mount = new vault.Mount(`${name}-database`, {
      path, type: "database", description: "Dynamic PostgreSQL users for the MLflow database",
      defaultLeaseTtlSeconds: db.credentialTtlSeconds, maxLeaseTtlSeconds: db.credentialMaxTtlSeconds,
    }, { parent: this });
    const roleNames = teams.map((team) => `${env}-${team.name}`);
    const connection = new vault.database.SecretBackendConnection(`${name}-database-connection`, {
      backend: mount.path,
      name: db.name,
      pluginName: "postgresql-database-plugin",
      allowedRoles: roleNames,
      verifyConnection: db.verifyConnection,
      postgresql: {
        connectionUrl: `postgresql://{{username}}:{{password}}@${db.host}:${db.port}/${db.name}?sslmode=${db.sslMode}`,
        username: db.username,
        password: pulumi.secret(db.password),
      },
    }, { parent: this });
    for (const team of teams) {
      const schema = teamSchema(team.name);
      new vault.database.SecretBackendRole(`${name}-${team.name}-database-role`, {
        backend: mount.path,
        name: `${env}-${team.name}`,
        dbName: db.name,
        creationStatements: creationStatements(db.name, schema),
        revocationStatements: revocationStatements(db.name, schema),
        defaultTtl: db.credentialTtlSeconds,
        maxTtl: db.credentialMaxTtlSeconds,
      }, { parent: this, dependsOn: [connection] });
    }
    return { path, ttl: db.credentialTtlSeconds };
  }

  private awsEngine(name: string, env: string, settings: VaultAwsArgs, teams: VaultTeam[]): { path: string; ttl: number } {
    const path = `ml-${env}-aws`;
    // No access keys: Vault uses its own (instance or IRSA) identity, the principal team roles trust.
    const backend = new vault.aws.SecretBackend(`${name}-aws`, {
      path,
      region: settings.region,
      description: "Assumed-role STS credentials scoped to each team's bucket prefixes",
      defaultLeaseTtlSeconds: settings.credentialTtlSeconds,
      maxLeaseTtlSeconds: settings.credentialMaxTtlSeconds,
    }, { parent: this });
    for (const team of teams) {
      const role = new aws.iam.Role(`${name}-${team.name}-data-role`, {
        description: `Short-lived data access of team ${team.name}, issued by Vault`,
        assumeRolePolicy: JSON.stringify(vaultTrustPolicy(settings.vaultPrincipalArn)),
        maxSessionDuration: Math.max(3600, settings.credentialMaxTtlSeconds),
        tags: { ...settings.tags, "mlops.io/team": team.name },
      }, { parent: this });
      new aws.iam.RolePolicy(`${name}-${team.name}-data-policy`, {
        role: role.id,
        policy: pulumi.output(settings.buckets).apply((buckets) => JSON.stringify(teamDataPolicy(team.bucketPrefix, buckets, settings.region))),
      }, { parent: this });
      new vault.aws.SecretBackendRole(`${name}-${team.name}-aws-role`, {
        backend: path,
        name: `${env}-${team.name}`,
        credentialType: "assumed_role",
        roleArns: [role.arn],
        defaultStsTtl: settings.credentialTtlSeconds,
        maxStsTtl: settings.credentialMaxTtlSeconds,
      }, { parent: this, dependsOn: [backend] });
    }
    return { path, ttl: settings.credentialTtlSeconds };
  }
}
