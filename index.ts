import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { MlPlatform, type BucketOutputs, type EncryptedBucket } from "./components";
import { loadPlatformConfig, PROJECT } from "./config";

// Validate the whole stack config first: a bad key stops the program before any resource exists.
const config = loadPlatformConfig();

const cluster = config.kubernetes.context
  ? new k8s.Provider("cluster", { context: config.kubernetes.context, enableServerSideApply: true })
  : undefined;

// Credentials are read back as Pulumi secrets, so they stay encrypted in state and outputs.
const secrets = new pulumi.Config(PROJECT);
// Without a configured token the provider uses VAULT_TOKEN from the environment (a CI login).
const vaultProvider = config.vault
  ? new vault.Provider("vault", { address: config.vault.address, token: config.vaultToken !== undefined ? secrets.requireSecret("vaultToken") : undefined })
  : undefined;

const { vaultToken: _vaultToken, databasePassword, ...settings } = config;
const platform = new MlPlatform(`ml-${config.environment}`, {
  ...settings,
  databasePassword: databasePassword !== undefined ? secrets.requireSecret("databasePassword") : undefined,
}, { providers: [cluster, vaultProvider].filter((provider): provider is k8s.Provider | vault.Provider => provider !== undefined) });

const describe = (bucket: EncryptedBucket): BucketOutputs => ({ name: bucket.bucketName, arn: bucket.bucketArn, keyArn: bucket.keyArn });

export const environment = config.environment;
export const buckets = {
  datasets: describe(platform.datasets),
  modelArtifacts: describe(platform.artifacts),
  accessLogs: describe(platform.accessLogs),
};
export const teams = platform.teams;
