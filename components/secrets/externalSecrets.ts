import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { IExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret" with { "resolution-mode": "import" };
import type { ISecretStore } from "@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore" with { "resolution-mode": "import" };
import type { IVaultDynamicSecret } from "@kubernetes-models/external-secrets/generators.external-secrets.io/v1alpha1/VaultDynamicSecret" with { "resolution-mode": "import" };
import { customResource } from "../kubernetes/customResource";
import { LABELS, MANAGED_BY } from "../tenancy/labels";
import { installOperator } from "./esoOperator";
import { generatedExternalSecret, refreshSecondsFor, secretStore, vaultDynamicSecret } from "./esoObjects";
import type { TeamVaultPaths } from "./vaultAccess";

export interface Endpoint {
  cidr: string;
  ports: number[];
}

export interface OperatorInstall {
  /** Helm chart version, pinned. */
  chartVersion: string;
  namespace: string;
  environment: string;
  podSecurityVersion: string;
  /** The API server as pods see it: the operator watches resources and serves its webhook to it. */
  apiServer: Endpoint;
  /** The Vault server as pods see it. */
  vaultEndpoint: Endpoint;
}

export interface ExternalSecretsTeam {
  name: string;
  namespace: pulumi.Input<string>;
  vault: TeamVaultPaths;
}

export interface ExternalSecretsArgs {
  /** Install the operator with Helm; omit when the cluster already runs one. */
  install?: OperatorInstall;
  vaultAddress: string;
  vaultAuthPath: string;
  /** Audience of the service account tokens presented to Vault. Default `vault`. */
  vaultAudience?: string;
  teams: ExternalSecretsTeam[];
}

/** The service account, in each team namespace, that External Secrets authenticates to Vault as. */
export const SECRETS_SYNC_SERVICE_ACCOUNT = "secrets-sync";

/**
 * External Secrets delivering Vault credentials into team namespaces: optionally the operator itself
 * (Helm, pinned, hardened, in a locked-down namespace), and per team a SecretStore that logs in to
 * Vault as the team's own service account and role, VaultDynamicSecret generators for the team's
 * database and AWS credentials, and ExternalSecrets that refresh them before their leases end.
 */
export class ExternalSecrets extends pulumi.ComponentResource {
  /** Per team: the names of the Secrets the ExternalSecrets maintain. */
  readonly secretNames: Record<string, string[]> = {};

  constructor(name: string, args: ExternalSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-ml:secrets:ExternalSecrets", name, {}, opts);
    const operator = args.install ? installOperator(this, name, args.install) : undefined;
    const audience = args.vaultAudience ?? "vault";

    for (const team of args.teams) {
      const inTeam = { parent: this, dependsOn: operator ? [operator] : [] };
      const labels = { [LABELS.team]: team.name, [LABELS.managedBy]: MANAGED_BY };
      const metadata = (objectName: string) => ({ name: objectName, namespace: team.namespace, labels });
      const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-${team.name}-sync-sa`, {
        metadata: metadata(SECRETS_SYNC_SERVICE_ACCOUNT),
        automountServiceAccountToken: false,
      }, { parent: this });
      const login = { server: args.vaultAddress, authPath: args.vaultAuthPath, role: team.vault.authRole, serviceAccount: SECRETS_SYNC_SERVICE_ACCOUNT, audience };
      const afterAccount = { ...inTeam, dependsOn: [...inTeam.dependsOn, serviceAccount] };

      customResource<ISecretStore>(`${name}-${team.name}-store`, { ...secretStore(login, team.vault.kvMount), metadata: metadata("vault") }, afterAccount);
      this.secretNames[team.name] = [];
      for (const credential of team.vault.credentials) {
        customResource<IVaultDynamicSecret>(`${name}-${team.name}-${credential.name}-generator`, {
          ...vaultDynamicSecret(login, credential.path), metadata: metadata(credential.name),
        }, afterAccount);
        const secretName = `${credential.name}-credentials`;
        customResource<IExternalSecret>(`${name}-${team.name}-${credential.name}`, {
          ...generatedExternalSecret(credential.name, secretName, refreshSecondsFor(credential.leaseTtlSeconds)), metadata: metadata(secretName),
        }, afterAccount);
        this.secretNames[team.name].push(secretName);
      }
    }
    this.registerOutputs({ secretNames: this.secretNames });
  }
}
