/**
 * External Secrets objects as the published CRD types describe them (external-secrets.io/v1,
 * generators.external-secrets.io/v1alpha1). Pure builders; ExternalSecrets creates them.
 */
import type { IExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret" with { "resolution-mode": "import" };
import type { ISecretStore } from "@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore" with { "resolution-mode": "import" };
import type { IVaultProvider } from "@kubernetes-models/external-secrets/external-secrets.io/v1/VaultProvider" with { "resolution-mode": "import" };
import type { IVaultDynamicSecret } from "@kubernetes-models/external-secrets/generators.external-secrets.io/v1alpha1/VaultDynamicSecret" with { "resolution-mode": "import" };

type WithoutMetadata<T> = Omit<T, "metadata">;

export interface VaultLogin {
  server: string;
  authPath: string;
  role: string;
  /** The team service account ESO requests a token for: the team's own identity in Vault. */
  serviceAccount: string;
  audience: string;
}

/** Kubernetes auth as the team's own service account, with a token for Vault's audience only. */
function vaultProvider(login: VaultLogin, kv?: { mount: string }): IVaultProvider {
  return {
    server: login.server,
    ...(kv ? { path: kv.mount, version: "v2" as const } : {}),
    auth: {
      kubernetes: {
        mountPath: login.authPath,
        role: login.role,
        serviceAccountRef: { name: login.serviceAccount, audiences: [login.audience] },
      },
    },
  };
}

export function secretStore(login: VaultLogin, kvMount: string): WithoutMetadata<ISecretStore> {
  return { apiVersion: "external-secrets.io/v1", kind: "SecretStore", spec: { provider: { vault: vaultProvider(login, { mount: kvMount }) } } };
}

export function vaultDynamicSecret(login: VaultLogin, path: string): WithoutMetadata<IVaultDynamicSecret> {
  return {
    apiVersion: "generators.external-secrets.io/v1alpha1",
    kind: "VaultDynamicSecret",
    spec: { path, method: "GET", resultType: "Data", provider: vaultProvider(login) },
  };
}

/**
 * An ExternalSecret that materialises a generator's credentials as a Secret it owns, replaced before
 * the lease runs out (the generator renews and revokes nothing: each lease ends on its own).
 */
export function generatedExternalSecret(generatorName: string, targetSecret: string, refreshSeconds: number): WithoutMetadata<IExternalSecret> {
  return {
    apiVersion: "external-secrets.io/v1",
    kind: "ExternalSecret",
    spec: {
      refreshInterval: `${refreshSeconds}s`,
      target: { name: targetSecret, creationPolicy: "Owner", deletionPolicy: "Delete" },
      dataFrom: [{ sourceRef: { generatorRef: { apiVersion: "generators.external-secrets.io/v1alpha1", kind: "VaultDynamicSecret", name: generatorName } } }],
    },
  };
}

/**
 * How long before a lease ends its replacement must be issued: the ESO controller may run a minute
 * late, the kubelet may take two more to update the mounted file, and a minute is kept to spare.
 */
export const REFRESH_HEADROOM_SECONDS = 240;

/** Refresh at three quarters of the lease, and never later than the headroom before it ends. */
export const refreshSecondsFor = (leaseTtlSeconds: number) => Math.min(Math.floor(leaseTtlSeconds * 0.75), leaseTtlSeconds - REFRESH_HEADROOM_SECONDS);
