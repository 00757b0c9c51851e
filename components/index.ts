// The public API of @secure-ml-platform/components: the building blocks stacks compose. Everything
// not exported here is internal.
export { EncryptedBucket, type EncryptedBucketArgs, type AccessLogDestination, type ObjectLockSettings } from "./storage/encryptedBucket";
export { teamBucketPrefix } from "./storage/prefixes";
export { TeamNamespace, type TeamNamespaceArgs, type TeamQuota, type ContainerDefaults } from "./tenancy/teamNamespace";
export { PlatformNamespace, type PlatformNamespaceArgs } from "./tenancy/platformNamespace";
export type { EgressTarget } from "./tenancy/networkPolicies";
export { LABELS, WORKLOAD_ROLES } from "./tenancy/labels";
export {
  VaultAccess, SECRETS_SYNC_SERVICE_ACCOUNT, type VaultAccessArgs, type VaultTeam, type VaultDatabaseArgs, type VaultTopology, type TeamVaultPaths, type IdentityVaultAccess, type VaultCredential,
} from "./secrets/vaultAccess";
export { TeamAwsRoles, type TeamAwsRolesArgs } from "./identity/teamAwsRoles";
export type { OidcProvider, TeamBuckets, TeamBucket } from "./secrets/teamDataAccess";
export { ExternalSecrets, type ExternalSecretsArgs, type ExternalSecretsTeam, type OperatorInstall, type Endpoint } from "./secrets/externalSecrets";
export { MeshAuth, type MeshAuthArgs, type MeshInstall, type MeshTeam } from "./mesh/meshAuth";
export type { JwtSettings } from "./mesh/istioObjects";
export { ModelEndpoint, type ModelEndpointArgs } from "./serving/modelEndpoint";
export { TrainingJob, type TrainingJobArgs } from "./training/trainingJob";
export { LINEAGE_ANNOTATIONS, type TrainingLineage, type TrainingLineageArgs } from "./training/lineage";
export { APPROVAL_ANNOTATIONS, approvalAnnotations, findApproval, type ApprovalLineage, type ModelApproval } from "./serving/approvals";
export { AdmissionPolicies, type AdmissionPoliciesArgs } from "./admission/admissionPolicies";
export { AuditTrail, type AuditTrailArgs } from "./audit/auditTrail";
export { kubernetesAuditPolicy, type AuditPolicy, type AuditRule } from "./audit/kubernetesAuditPolicy";
export { ModelAlerts, type ModelAlertsArgs, type ModelAlertsTeam } from "./monitoring/modelAlerts";
export type { AlertThresholds } from "./monitoring/alertRules";
export { SignedImages, type SignedImagesArgs, type SignatureAuthority } from "./supplychain/signedImages";
export { ApprovalAttestations, approvalImagePolicy, approvalPredicate, MODEL_APPROVAL_PREDICATE_TYPE, type ApprovalAttestationsArgs } from "./supplychain/approvalAttestations";
export { RuntimeDetection, FALCO_NAMESPACE, type RuntimeDetectionArgs } from "./runtime/runtimeDetection";
export { vaultAuditSocket, type SecurityEventSink } from "./runtime/securityEventSink";
export { MeshAccessLogShipping, accessLogCollector, type MeshAccessLogShippingArgs } from "./runtime/meshAccessLogShipping";
export type { AccessLogCollector } from "./mesh/accessLogProvider";
