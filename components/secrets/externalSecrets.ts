import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { IExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret" with { "resolution-mode": "import" };
import type { ISecretStore } from "@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore" with { "resolution-mode": "import" };
import type { IVaultDynamicSecret } from "@kubernetes-models/external-secrets/generators.external-secrets.io/v1alpha1/VaultDynamicSecret" with { "resolution-mode": "import" };
import { customResource } from "../kubernetes/customResource";
import { LABELS, MANAGED_BY } from "../tenancy/labels";
import { installOperator } from "./esoOperator";
import { generatedExternalSecret, refreshSecondsFor, secretStore, vaultDynamicSecret, type VaultLogin } from "./esoObjects";
import { SECRETS_SYNC_SERVICE_ACCOUNT, type IdentityVaultAccess, type TeamVaultPaths } from "./vaultAccess";

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

/**
 * External Secrets delivering Vault credentials into team namespaces: optionally the operator itself
 * (Helm, pinned, hardened, in a locked-down namespace), and per team a SecretStore that reads the
 * team's static secrets as its secrets-sync account and role, and for each workload identity
 * (training, serving) VaultDynamicSecret generators that log in as that identity's own account and
 * role, with ExternalSecrets that replace each credential well before its lease ends.
 */
export class ExternalSecrets extends pulumi.ComponentResource {
  /** Per team and workload service account: the names of the credential Secrets the ExternalSecrets maintain. */
  readonly secretNames: Record<string, Record<string, string[]>> = {};

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
      const afterAccount = { ...inTeam, dependsOn: [...inTeam.dependsOn, serviceAccount] };
      const loginAs = (identity: IdentityVaultAccess): VaultLogin =>
        ({ server: args.vaultAddress, authPath: args.vaultAuthPath, role: identity.authRole, serviceAccount: identity.serviceAccount, audience });

      customResource<ISecretStore>(`${name}-${team.name}-store`, { ...secretStore(loginAs(team.vault.secretsSync), team.vault.kvMount), metadata: metadata("vault") }, afterAccount);
      this.secretNames[team.name] = {};
      // Each workload's credentials are requested with that workload's own service account and Vault role.
      for (const identity of team.vault.workloads) {
        const secretNames: string[] = (this.secretNames[team.name][identity.serviceAccount] = []);
        for (const credential of identity.credentials) {
          customResource<IVaultDynamicSecret>(`${name}-${team.name}-${credential.name}-generator`, {
            ...vaultDynamicSecret(loginAs(identity), credential.path), metadata: metadata(credential.name),
          }, inTeam);
          const secretName = `${credential.name}-credentials`;
          customResource<IExternalSecret>(`${name}-${team.name}-${credential.name}`, {
            ...generatedExternalSecret(credential.name, secretName, refreshSecondsFor(credential.leaseTtlSeconds)), metadata: metadata(secretName),
          }, inTeam);
          secretNames.push(secretName);
        }
      }
    }
    this.registerOutputs({ secretNames: this.secretNames });
  }
}
