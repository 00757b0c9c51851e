/**
 * A model approval as a production endpoint carries it: the approval record of the production
 * stack's config, written onto the endpoint as mlops.io/approval-* annotations, which ml-guard's
 * promotion rules check and the Kubernetes audit log keeps with every change of the endpoint.
 */

/** Where the artifact came from: what ml-guard's model-approval-missing-lineage requires. */
export interface ApprovalLineage {
  /** `<namespace>/<name>` of the TrainingJob that produced the artifact (TrainingJob.lineage). */
  trainingJob: string;
  /** The training data read, s3://<bucket>/<key or prefix>. */
  dataset: string;
  /** `sha256:<digest of the dataset's digest manifest>` or `s3-version:<version id>` of one object. */
  datasetVersion: string;
}

export interface ModelApproval {
  id: string;
  /** The approved endpoint: its team and model name. */
  team: string;
  model: string;
  /** `sha256:<hex>` of the model's signed manifest: the endpoint's artifactSha256, which verify-at-load checks the files against. */
  artifactDigest: string;
  /** An OCI model's image, oci://<repository>@sha256:<image digest>: the deploy workflow attests the approval on it, admission checks it there. */
  artifact?: string;
  /** Who approved, and the teams they belong to (from the stack config's approvers). */
  approver: string;
  approverTeams: string[];
  /** https:// or s3:// URI of the model card. */
  modelCard: string;
  evaluationReportDigest: string;
  /** YYYY-MM-DD; `expires` is the last day (UTC) the approval holds. */
  approvedOn: string;
  expires: string;
  lineage: ApprovalLineage;
}

/** The annotation keys; ml-guard reads the same (policypacks/ml-guard/lib/approvals.ts). */
export const APPROVAL_ANNOTATIONS = {
  id: "mlops.io/approval-id",
  model: "mlops.io/approval-model",
  artifactDigest: "mlops.io/approval-artifact-digest",
  approver: "mlops.io/approval-approver",
  approverTeams: "mlops.io/approval-approver-teams",
  modelCard: "mlops.io/approval-model-card",
  evaluationDigest: "mlops.io/approval-evaluation-digest",
  approvedOn: "mlops.io/approval-approved-on",
  expires: "mlops.io/approval-expires",
  trainingJob: "mlops.io/approval-training-job",
  dataset: "mlops.io/approval-dataset",
  datasetVersion: "mlops.io/approval-dataset-version",
  artifact: "mlops.io/approval-artifact",
} as const;

/** The approval's references as annotations; none without an approval. */
export function approvalAnnotations(approval: ModelApproval | undefined): Record<string, string> {
  if (!approval) return {};
  return {
    [APPROVAL_ANNOTATIONS.id]: approval.id,
    [APPROVAL_ANNOTATIONS.model]: `${approval.team}/${approval.model}`,
    [APPROVAL_ANNOTATIONS.artifactDigest]: approval.artifactDigest,
    [APPROVAL_ANNOTATIONS.approver]: approval.approver,
    [APPROVAL_ANNOTATIONS.approverTeams]: approval.approverTeams.join(","),
    [APPROVAL_ANNOTATIONS.modelCard]: approval.modelCard,
    [APPROVAL_ANNOTATIONS.evaluationDigest]: approval.evaluationReportDigest,
    [APPROVAL_ANNOTATIONS.approvedOn]: approval.approvedOn,
    [APPROVAL_ANNOTATIONS.expires]: approval.expires,
    [APPROVAL_ANNOTATIONS.trainingJob]: approval.lineage.trainingJob,
    [APPROVAL_ANNOTATIONS.dataset]: approval.lineage.dataset,
    [APPROVAL_ANNOTATIONS.datasetVersion]: approval.lineage.datasetVersion,
    ...(approval.artifact !== undefined ? { [APPROVAL_ANNOTATIONS.artifact]: approval.artifact } : {}),
  };
}

/**
 * The annotations of an endpoint's approval. Throws when the approval is another endpoint's, another
 * artifact's, or (OCI) names another image, so a wrong entry fails before anything is registered.
 */
export function endpointApprovalAnnotations(resourceName: string, endpoint: { team: string; name: string; artifactSha256: string; artifactImage?: string; approval?: ModelApproval }): Record<string, string> {
  const { approval } = endpoint;
  if (!approval) return {};
  const problem = (message: string) => new Error(`ModelEndpoint ${resourceName}: approval ${approval.id} ${message}`);
  if (approval.team !== endpoint.team || approval.model !== endpoint.name) throw problem(`is for ${approval.team}/${approval.model}, not ${endpoint.team}/${endpoint.name}`);
  if (approval.artifactDigest !== `sha256:${endpoint.artifactSha256}`) throw problem(`approves ${approval.artifactDigest}, but the endpoint serves sha256:${endpoint.artifactSha256}`);
  const image = endpoint.artifactImage !== undefined ? `oci://${endpoint.artifactImage}` : undefined;
  if (approval.artifact !== image) throw problem(image ? `must name the image it approves as artifact (${image}): admission checks the approval attestation on it` : `names the image ${approval.artifact}, but the endpoint serves its model from S3`);
  return approvalAnnotations(approval);
}

/** The approval whose endpoint and digest these are, among the stack's approvals. */
export function findApproval<T extends Pick<ModelApproval, "team" | "model" | "artifactDigest">>(approvals: T[], endpoint: { team: string; name: string; artifactDigest: string }): T | undefined {
  return approvals.find((approval) => approval.team === endpoint.team && approval.model === endpoint.name && approval.artifactDigest === endpoint.artifactDigest);
}
