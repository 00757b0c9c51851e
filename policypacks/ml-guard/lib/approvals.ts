/**
 * Model approvals as a production endpoint carries them: annotations written by ModelEndpoint from
 * the production stack's config (approvals, approvers), read by the promotion rules. One approval
 * approves one artifact digest of one endpoint (`<team>/<model>`), for a bounded time.
 */
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
  /** An OCI model's image (oci://<repository>@sha256:<image digest>), which admission checks the attestation on. */
  artifact: "mlops.io/approval-artifact",
} as const;

export type ApprovalField = keyof typeof APPROVAL_ANNOTATIONS;

/**
 * A content digest as OCI and cosign write it. FACT: the sha256 encoded part MUST match
 * /[a-f0-9]{64}/ (opencontainers/image-spec descriptor.md, v1.1.0), and cosign compares an
 * attestation's subject as the string "sha256:"+hex against the image digest
 * (IntotoSubjectClaimVerifier, sigstore/cosign pkg/cosign/verifiers.go v2.5.0), so an upper-case
 * digest never matches at admission and is refused here too.
 */
export const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function digestProblem(value: string): string | undefined {
  if (DIGEST.test(value)) return undefined;
  if (DIGEST.test(value.toLowerCase())) return `${JSON.stringify(value)} is in upper case; digests are lower-case hex (sha256:<64 a-f0-9>), as OCI and cosign compare them`;
  return `${JSON.stringify(value)} is not a digest (sha256:<64 lower-case hex>)`;
}

/** YYYY-MM-DD that is a real calendar day (the pattern alone lets 2027-02-30 through). */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Today's date in UTC: approvals, like waivers, hold through the end of their expiry day, UTC. */
export const todayUtc = (): string => new Date().toISOString().slice(0, 10);

const DAY_MS = 86_400_000;
export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/** https:// or s3:// (a model card in the team's bucket), with a host or bucket and a path. */
export const MODEL_CARD_URI = /^(https:\/\/[a-z0-9.-]+(:\d{1,5})?|s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/\S+$/i;

/** `<namespace>/<name>` of the TrainingJob (PyTorchJob) that produced the artifact. */
export const TRAINING_JOB_REFERENCE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** s3://<bucket>/<key or prefix>: S3 bucket naming, a key without `..` segments. */
export const S3_OBJECT_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/(?!.*(^|\/)\.\.(\/|$))\S+$/;

/**
 * A dataset version: `sha256:<hex>` (the digest of the dataset's digest manifest, for a prefix of
 * many objects) or `s3-version:<versionId>` (one object's S3 version id). FACT: objects stored while
 * versioning is suspended get the version id "null", and the next PUT of the same key overwrites
 * that version (https://docs.aws.amazon.com/AmazonS3/latest/userguide/AddingObjectstoVersionSuspendedBuckets.html),
 * so "null" names no fixed content.
 */
export function datasetVersionProblem(version: string, dataset: string | undefined): string | undefined {
  if (version.startsWith("sha256:")) return digestProblem(version);
  const versionId = /^s3-version:(.+)$/.exec(version)?.[1];
  if (versionId === undefined) return `${JSON.stringify(version)} is neither sha256:<digest of the dataset manifest> nor s3-version:<S3 version id>`;
  if (versionId === "null") return "s3-version:null is the version S3 gives objects written while versioning was suspended, and the next write of the key replaces it: it names no fixed content";
  if (!/^[A-Za-z0-9._+=/-]{1,1024}$/.test(versionId)) return `${JSON.stringify(versionId)} is not an S3 version id`;
  if (dataset?.endsWith("/")) return `an S3 version id names one object, but the dataset ${dataset} is a prefix; record the sha256 of its digest manifest instead`;
  return undefined;
}
