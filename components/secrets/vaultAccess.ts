import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { WORKLOAD_ROLES } from "../tenancy/labels";
import { databaseEngine, type DatabaseUser, type VaultDatabaseArgs } from "./databaseEngine";
import { kubernetesAuth, type VaultTopology } from "./kubernetesAuth";
import { identityVaultPolicy } from "./vaultDocuments";

export type { VaultDatabaseArgs } from "./databaseEngine";
export type { VaultTopology } from "./kubernetesAuth";

/** The service account, in each team namespace, that External Secrets reads the team's static secrets as. */
export const SECRETS_SYNC_SERVICE_ACCOUNT = "secrets-sync";

export interface VaultTeam {
  /** Team name (DNS label). */
  name: string;
  /** The team's namespace: the only one its Vault roles accept tokens from. */
  namespace: pulumi.Input<string>;
}

export interface VaultAccessArgs {
  environment: string;
  /** Mount path of the Kubernetes auth method. Default `kubernetes`. */
  authPath?: string;
  /** API server Vault sends TokenReviews to. */
  kubernetesHost: string;
  /** Vault inside the cluster, or outside it with a dedicated token reviewer. */
  topology: VaultTopology;
  /** Issuer tokens must carry; unset leaves the check to the TokenReview (works on EKS). */
  issuer?: string;
  /** Audience the service account tokens must be issued for. Default `vault`. */
  audience?: string;
  /** Token lifetime of the secrets-sync logins (static secrets; the store client revokes them after use). */
  tokenTtlSeconds: number;
  tokenMaxTtlSeconds: number;
  /** File the audit device writes, on the Vault server. */
  auditLogPath: string;
  /** A second audit device streaming every entry to the SIEM (socket device); the file device stays. */
  auditSocket?: { address: string; socketType: "tcp" | "udp"; writeTimeout: string };
  teams: VaultTeam[];
  database?: VaultDatabaseArgs;
}

/** A dynamic credential an identity reads: what it is called, its Vault path and its lease. */
export interface VaultCredential {
  name: string;
  path: string;
  leaseTtlSeconds: number;
}

/** One team identity's way into Vault: its service account, its auth role and what it may read. */
export interface IdentityVaultAccess {
  serviceAccount: string;
  authRole: string;
  credentials: VaultCredential[];
}

/** What a team's credentials are called in Vault, for the External Secrets that fetch them. */
export interface TeamVaultPaths {
  /** The secrets-sync identity: reads the team's static secrets (KV v2 mount and path). */
  secretsSync: IdentityVaultAccess;
  kvMount: string;
  kvPath: string;
  /** The training and serving identities, each with its own database credential. */
  workloads: IdentityVaultAccess[];
}

/** Database access per workload identity: training writes its team's tables, serving only reads them. */
const WORKLOAD_DATABASE_ACCESS = [
  { identity: WORKLOAD_ROLES.training, access: "read-write" },
  { identity: WORKLOAD_ROLES.serving, access: "read-only" },
] as const;

/**
 * Vault for the ML teams: Kubernetes auth (Vault in or outside the cluster), and per team three
 * identities, each with its own auth role bound to exactly one service account and a policy reading
 * only its own paths: `training` and `serving` get their own dynamic PostgreSQL users (read-write /
 * read-only in the team's schema), `secrets-sync` reads the team's static secrets in KV v2. A file
 * audit device records every request.
 *
 * TTL arithmetic: a lease is revoked when the token that requested it expires, and the External
 * Secrets generator logs in afresh for every credential and renews neither, so the token of a
 * role that requests a lease lives exactly as long as that lease.
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
    const leaseTtl = args.database?.credentialTtlSeconds;

    new vault.Audit(`${name}-audit`, {
      type: "file",
      path: `ml-${env}-file`,
      description: "Every request and response, with secrets HMAC'd",
      options: { file_path: args.auditLogPath, hmac_accessor: "true", log_raw: "false" },
    }, parent);
    if (args.auditSocket) {
      // FACT (Vault docs, audit/socket): options address, socket_type, write_timeout, plus the common hmac_accessor and log_raw.
      new vault.Audit(`${name}-audit-siem`, {
        type: "socket",
        path: `ml-${env}-siem`,
        description: "Every request and response, with secrets HMAC'd, streamed to the SIEM",
        options: { address: args.auditSocket.address, socket_type: args.auditSocket.socketType, write_timeout: args.auditSocket.writeTimeout, format: "json", hmac_accessor: "true", log_raw: "false" },
      }, parent);
    }

    const auth = kubernetesAuth(this, name, {
      path: this.authPath,
      kubernetesHost: args.kubernetesHost,
      topology: args.topology,
      issuer: args.issuer,
      defaultTokenTtlSeconds: args.tokenTtlSeconds,
      maxTokenTtlSeconds: Math.max(args.tokenMaxTtlSeconds, leaseTtl ?? 0),
    });

    const kvMount = `ml-${env}-kv`;
    const kv = new vault.Mount(`${name}-kv`, { path: kvMount, type: "kv", options: { version: "2" }, description: "Static team secrets" }, parent);

    const roleName = (team: string, identity: string) => `${env}-${team}-${identity}`;
    const databaseUsers: DatabaseUser[] = args.database
      ? args.teams.flatMap((team) => WORKLOAD_DATABASE_ACCESS.map(({ identity, access }) => ({ team: team.name, role: roleName(team.name, identity), access })))
      : [];
    const database = args.database ? databaseEngine(this, name, env, args.database, databaseUsers) : undefined;

    const identityRole = (team: VaultTeam, identity: string, readablePaths: string[], token: { ttl: number; maxTtl: number }, storeClient: boolean) => {
      const authRole = roleName(team.name, identity);
      const policy = new vault.Policy(`${name}-${authRole}-policy`, {
        name: authRole,
        policy: identityVaultPolicy({ subject: `Team ${team.name}, ${identity}`, readablePaths, storeClient }),
      }, { parent: this, dependsOn: [kv] });
      new vault.kubernetes.AuthBackendRole(`${name}-${authRole}-role`, {
        backend: auth.path,
        roleName: authRole,
        boundServiceAccountNames: [identity],
        boundServiceAccountNamespaces: [team.namespace],
        audience,
        aliasNameSource: "serviceaccount_uid",
        tokenTtl: token.ttl,
        tokenMaxTtl: token.maxTtl,
        tokenPolicies: [policy.name],
        tokenNoDefaultPolicy: true,
      }, parent);
      return authRole;
    };

    for (const team of args.teams) {
      const kvPath = `teams/${team.name}`;
      const secretsSync: IdentityVaultAccess = {
        serviceAccount: SECRETS_SYNC_SERVICE_ACCOUNT,
        authRole: identityRole(team, SECRETS_SYNC_SERVICE_ACCOUNT, [`${kvMount}/data/${kvPath}`], { ttl: args.tokenTtlSeconds, maxTtl: args.tokenMaxTtlSeconds }, true),
        credentials: [],
      };
      const workloads = database && leaseTtl !== undefined
        ? WORKLOAD_DATABASE_ACCESS.map(({ identity }): IdentityVaultAccess => {
          const credential = { name: `mlflow-db-${identity}`, path: database.credentialsPath(roleName(team.name, identity)), leaseTtlSeconds: database.leaseTtlSeconds };
          return { serviceAccount: identity, authRole: identityRole(team, identity, [credential.path], { ttl: leaseTtl, maxTtl: leaseTtl }, false), credentials: [credential] };
        })
        : [];
      this.teams[team.name] = { secretsSync, kvMount, kvPath, workloads };
    }
    this.registerOutputs({ authPath: this.authPath });
  }
}
