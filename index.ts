import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import type { EncryptedBucket } from "@secure-ml-platform/components";
import { MlPlatform, type BucketOutputs } from "./platform/mlPlatform";
import { loadPlatformConfig, PROJECT } from "./config";

// Validate the whole stack config first: a bad key stops the program before any resource exists.
const { vaultToken, databasePassword, ...config } = loadPlatformConfig();
// Credentials are read back as Pulumi secrets, so they stay encrypted in state and outputs.
const secrets = new pulumi.Config(PROJECT);

const providers: pulumi.ProviderResource[] = [];
if (config.kubernetes.context) {
  providers.push(new k8s.Provider("cluster", { context: config.kubernetes.context, enableServerSideApply: true }));
}
if (config.vault) {
  // Without a configured token the provider uses VAULT_TOKEN from the environment (a CI login).
  providers.push(new vault.Provider("vault", { address: config.vault.address, token: vaultToken !== undefined ? secrets.requireSecret("vaultToken") : undefined }));
}

const platform = new MlPlatform(`ml-${config.environment}`, {
  ...config,
  databasePassword: databasePassword !== undefined ? secrets.requireSecret("databasePassword") : undefined,
}, { providers });

const describe = (bucket: EncryptedBucket): BucketOutputs => ({ name: bucket.bucketName, arn: bucket.bucketArn, keyArn: bucket.keyArn });

export const environment = config.environment;
export const buckets = {
  datasets: describe(platform.datasets),
  modelArtifacts: describe(platform.artifacts),
  accessLogs: describe(platform.accessLogs),
};
/** What team stacks need, per team: namespace, service accounts, bucket prefix, credential Secrets. */
export const teams = platform.teams;
/** What team stacks need to publish models behind the mesh (nothing secret). */
export const mesh = config.mesh && platform.mesh
  ? { gatewayPrincipal: platform.mesh.gatewayPrincipal, jwt: config.mesh.jwt, maxRequestBodyBytes: config.mesh.maxRequestBodyBytes }
  : null;
export const cloudTrailArn = platform.auditTrail.trail.arn;
/** For self-managed clusters: save as the API server's --audit-policy-file (see README). */
export const kubernetesAuditPolicy = platform.kubernetesAuditPolicy;
/**
 * The approvals of this stack's models, each with its approver's teams: with the endpoints' mlops.io/approval-*
 * annotations and CloudTrail's reads of the dataset version, which data trained the model that answered.
 */
export const approvals = platform.approvals;
