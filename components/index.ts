// The public API of the components; the program and other stacks import from here.
export { EncryptedBucket, type EncryptedBucketArgs, type AccessLogDestination, type ObjectLockSettings } from "./storage/encryptedBucket";
export { TeamNamespace, type TeamNamespaceArgs, type TeamQuota, type ContainerDefaults } from "./tenancy/teamNamespace";
export { PlatformNamespace, type PlatformNamespaceArgs } from "./tenancy/platformNamespace";
export type { EgressTarget } from "./tenancy/networkPolicies";
export { LABELS, WORKLOAD_ROLES } from "./tenancy/labels";
export { VaultAccess, type VaultAccessArgs, type VaultTeam, type VaultDatabaseArgs, type VaultAwsArgs, type TeamVaultPaths } from "./secrets/vaultAccess";
export { ExternalSecrets, SECRETS_SYNC_SERVICE_ACCOUNT, type ExternalSecretsArgs, type ExternalSecretsTeam, type OperatorInstall, type Endpoint } from "./secrets/externalSecrets";
export { MeshAuth, type MeshAuthArgs, type MeshInstall, type MeshTeam } from "./mesh/meshAuth";
export { ModelEndpoint, type ModelEndpointArgs } from "./serving/modelEndpoint";
export { AdmissionPolicies, type AdmissionPoliciesArgs } from "./admission/admissionPolicies";
export { MlPlatform, teamBucketPrefix, type MlPlatformArgs, type BucketOutputs, type TeamOutputs } from "./mlPlatform";
