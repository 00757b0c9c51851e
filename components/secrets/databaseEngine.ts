import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { creationStatements, revocationStatements, teamSchema, type DatabaseAccess } from "./databaseStatements";

export interface VaultDatabaseArgs {
  host: string;
  port: number;
  /** Database name, e.g. `mlflow`. */
  name: string;
  /** The management user Vault connects as; Vault rotates its password right after configuring it. */
  username: string;
  /** Bootstrap password of `username` (a Pulumi secret). Sent once, write-only: never kept in state. */
  password: pulumi.Input<string>;
  /** Bump to send a new bootstrap password (after a database restore, say); Vault rotates it again at once. */
  passwordVersion: number;
  sslMode: string;
  /** Vault connects when configuring; turn off offline. */
  verifyConnection: boolean;
  credentialTtlSeconds: number;
  credentialMaxTtlSeconds: number;
}

/** A team workload identity and the database access it gets in its team's schema. */
export interface DatabaseUser {
  team: string;
  /** Vault role name, e.g. `dev-vision-training`. */
  role: string;
  access: DatabaseAccess;
}

export interface DatabaseEngine {
  /** Vault path of a role's credentials. */
  credentialsPath: (role: string) => string;
  /** Lease of every credential the engine issues (the generator never renews it). */
  leaseTtlSeconds: number;
}

/**
 * Vault's database secrets engine over the MLflow PostgreSQL: one connection whose management
 * password is write-only and rotated by Vault as soon as it is configured, and one role per team
 * identity creating users valid until their lease ends, in that team's schema only.
 */
export function databaseEngine(owner: pulumi.ComponentResource, name: string, env: string, db: VaultDatabaseArgs, users: DatabaseUser[]): DatabaseEngine {
  const path = `ml-${env}-database`;
  const mount = new vault.Mount(`${name}-database`, {
    path, type: "database", description: "Dynamic PostgreSQL users for the MLflow database",
    defaultLeaseTtlSeconds: db.credentialTtlSeconds, maxLeaseTtlSeconds: db.credentialMaxTtlSeconds,
  }, { parent: owner });
  const connection = new vault.database.SecretBackendConnection(`${name}-database-connection`, {
    backend: mount.path,
    name: db.name,
    pluginName: "postgresql-database-plugin",
    allowedRoles: users.map((user) => user.role),
    verifyConnection: db.verifyConnection,
    postgresql: {
      connectionUrl: `postgresql://{{username}}:{{password}}@${db.host}:${db.port}/${db.name}?sslmode=${db.sslMode}`,
      username: db.username,
      // Write-only: the provider sends it and keeps no copy in state; only a new version re-sends it.
      passwordWo: pulumi.secret(db.password),
      passwordWoVersion: db.passwordVersion,
      // The plugin then hashes each new user's password itself, so CREATE ROLE never carries it in clear.
      passwordAuthentication: "scram-sha-256",
    },
  }, { parent: owner });
  const roles = users.map((user) => new vault.database.SecretBackendRole(`${name}-${user.role}-database-role`, {
    backend: mount.path,
    name: user.role,
    dbName: db.name,
    creationStatements: creationStatements(db.name, teamSchema(user.team), user.access),
    revocationStatements: revocationStatements(),
    defaultTtl: db.credentialTtlSeconds,
    maxTtl: db.credentialMaxTtlSeconds,
  }, { parent: owner, dependsOn: [connection] }));
  // Vault replaces the bootstrap password with one only it knows; a new passwordVersion rotates again.
  new vault.generic.Endpoint(`${name}-database-rotate-root-v${db.passwordVersion}`, {
    path: pulumi.interpolate`${mount.path}/rotate-root/${db.name}`,
    dataJson: "{}",
    disableRead: true,
    disableDelete: true,
  }, { parent: owner, dependsOn: [connection, ...roles] });
  return { credentialsPath: (role) => `${path}/creds/${role}`, leaseTtlSeconds: db.credentialTtlSeconds };
}
