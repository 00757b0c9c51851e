// The public API of the components; the program and other stacks import from here.
export { EncryptedBucket, type EncryptedBucketArgs, type AccessLogDestination, type ObjectLockSettings } from "./storage/encryptedBucket";
export { TeamNamespace, type TeamNamespaceArgs, type TeamQuota, type ContainerDefaults } from "./tenancy/teamNamespace";
export type { EgressTarget } from "./tenancy/networkPolicies";
export { LABELS, WORKLOAD_ROLES } from "./tenancy/labels";
export { MlPlatform, teamBucketPrefix, type MlPlatformArgs, type BucketOutputs, type TeamOutputs } from "./mlPlatform";
