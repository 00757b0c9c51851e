/**
 * Lineage of a training run: the dataset version it reads and where it writes the artifact. The job
 * records both (annotations on the job, which the Kubernetes audit log keeps, and the TrainingJob's
 * `lineage` output), hands them to the training code, and the approval of what it produced names them.
 */

export interface TrainingLineageArgs {
  /** The training data: s3://<bucket>/<key or prefix>. */
  dataset: string;
  /** `sha256:<digest of the dataset's digest manifest>` (a prefix), or `s3-version:<version id>` (one object). */
  datasetVersion: string;
  /** Where the job writes the model artifact: s3://<bucket>/<prefix>, a new prefix per run. */
  artifact: string;
}

/** What an approval copies into its lineage, plus where the artifact went. */
export interface TrainingLineage extends TrainingLineageArgs {
  /** `<namespace>/<name>` of the job. */
  trainingJob: string;
}

export const LINEAGE_ANNOTATIONS = {
  dataset: "mlops.io/dataset",
  datasetVersion: "mlops.io/dataset-version",
  artifact: "mlops.io/artifact",
} as const;

/** The environment the training code reads them from, so it reads what the job records. */
export const LINEAGE_ENV = { dataset: "MLOPS_DATASET_URI", datasetVersion: "MLOPS_DATASET_VERSION", artifact: "MLOPS_ARTIFACT_URI" } as const;

const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/(?!.*(^|\/)\.\.(\/|$))\S+$/;
const VERSION = /^(sha256:[a-f0-9]{64}|s3-version:(?!null$)[A-Za-z0-9._+=/-]{1,1024})$/;

/** What is wrong with the lineage, one line per problem (the same formats ml-guard checks on approvals). */
export function lineageProblems(lineage: TrainingLineageArgs): string[] {
  return [
    !S3_URI.test(lineage.dataset) && `lineage.dataset ${JSON.stringify(lineage.dataset)} must be s3://<bucket>/<key or prefix> without '..'`,
    !VERSION.test(lineage.datasetVersion) && `lineage.datasetVersion ${JSON.stringify(lineage.datasetVersion)} must be sha256:<64 lower-case hex> or s3-version:<S3 version id> (not null)`,
    lineage.datasetVersion.startsWith("s3-version:") && lineage.dataset.endsWith("/") && `lineage.datasetVersion names one object's version, but lineage.dataset ${lineage.dataset} is a prefix: use the sha256 of its digest manifest`,
    !S3_URI.test(lineage.artifact) && `lineage.artifact ${JSON.stringify(lineage.artifact)} must be s3://<bucket>/<prefix> without '..'`,
  ].filter((problem): problem is string => typeof problem === "string");
}

export const lineageAnnotations = (lineage: TrainingLineageArgs | undefined): Record<string, string> =>
  lineage ? { [LINEAGE_ANNOTATIONS.dataset]: lineage.dataset, [LINEAGE_ANNOTATIONS.datasetVersion]: lineage.datasetVersion, [LINEAGE_ANNOTATIONS.artifact]: lineage.artifact } : {};

export const lineageEnv = (lineage: TrainingLineageArgs | undefined): { name: string; value: string }[] =>
  lineage ? (Object.keys(LINEAGE_ENV) as (keyof TrainingLineageArgs)[]).map((key) => ({ name: LINEAGE_ENV[key], value: lineage[key] })) : [];
