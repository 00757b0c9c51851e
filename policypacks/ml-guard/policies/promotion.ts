import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import {
  APPROVAL_ANNOTATIONS, datasetVersionProblem, daysBetween, digestProblem, isCalendarDate, MODEL_CARD_URI, S3_OBJECT_URI, todayUtc, TRAINING_JOB_REFERENCE,
  type ApprovalField,
} from "../lib/approvals";
import { reportFindings, unverified, violation, type Finding } from "../lib/findings";
import { isProductionStack, productionStacksSchema, stackOfUrn, type ProductionStacksConfig } from "../lib/productionStacks";
import { endpointName, MODEL_SHA256_ANNOTATION, ociReference, servedModelsOf, TEAM_LABEL, type ServedModel } from "../lib/servedModels";
import { servingWorkloadSchema, type ServingWorkloadConfig } from "../lib/servingWorkloads";
import { asRecord, asString, isUnknown, rawProps } from "../lib/values";

/**
 * The promotion gate: in a production stack (lib/productionStacks.ts) every model endpoint carries
 * the approval of exactly the artifact it serves, given by someone outside the model's team, with
 * the lineage of that artifact. The approvals live in the production stack's config, reviewed in Git;
 * ModelEndpoint writes them onto the endpoint as mlops.io/approval-* annotations.
 */

const DEFAULT_MAX_VALIDITY_DAYS = 365;

type PromotionConfig = ProductionStacksConfig & ServingWorkloadConfig & { maxValidityDays?: number };
type Metadata = Pick<ResourceValidationPolicy, "name" | "description" | "severity" | "remediationSteps">;

/** An annotation as a rule reads it: a text, absent, or not decidable yet (unknown until apply). */
type Read = { value: string } | { missing: true } | { unknown: true };

function read(model: ServedModel, field: ApprovalField): Read {
  const value = asRecord(model.annotations)[APPROVAL_ANNOTATIONS[field]];
  if (isUnknown(value)) return { unknown: true };
  return typeof value === "string" && value.trim() !== "" ? { value: value.trim() } : { missing: true };
}

const annotationPath = (model: ServedModel, field: ApprovalField) => `${model.metadataPath}.annotations["${APPROVAL_ANNOTATIONS[field]}"]`;
const hasApproval = (model: ServedModel) => !("missing" in read(model, "id"));

/**
 * Reads the named annotations: `values` holds the known ones, so a check runs only on what is there;
 * each unknown one is an unverified finding, the absent ones are listed in `missing`.
 */
function readAll<F extends ApprovalField>(model: ServedModel, fields: F[]): { values: Partial<Record<F, string>>; findings: Finding[]; missing: F[] } {
  const values: Partial<Record<F, string>> = {};
  const findings: Finding[] = [];
  const missing: F[] = [];
  for (const field of fields) {
    const found = read(model, field);
    if ("value" in found) values[field] = found.value;
    else if ("unknown" in found) findings.push(unverified(annotationPath(model, field), `the approval's ${field}`));
    else missing.push(field);
  }
  return { values, findings, missing };
}

const lacking = (model: ServedModel, missing: ApprovalField[], what: string): Finding[] => (missing.length === 0 ? [] : [
  violation(annotationPath(model, missing[0]), `the approval lacks ${what} (${missing.map((field) => APPROVAL_ANNOTATIONS[field]).join(", ")}); set it in the approvals entry of the stack config, which ModelEndpoint records here`),
]);

/**
 * What the endpoint serves: the SHA-256 of its model's signed manifest (mlops.io/model-sha256, what
 * verify-at-load checks the files against), and the OCI model images it names by oci:// URI, which
 * admission checks the approval attestation on.
 */
function servedArtifact(model: ServedModel): { digest?: string; images: { path: string; reference: string }[]; findings: Finding[] } {
  const findings: Finding[] = model.storageUris.filter(({ uri }) => isUnknown(uri)).map(({ path }) => unverified(path, "the model URI (an oci:// model's approval names its image)"));
  const images = model.storageUris.flatMap(({ path, uri }) => {
    const reference = typeof uri === "string" ? ociReference(uri) : undefined;
    if (!reference) return [];
    if (reference.digest === undefined) {
      findings.push(violation(path, `the OCI model ${reference.reference} is named by tag: admission checks the approval on an image digest, so pin it as <repository>@sha256:<digest>`));
      return [];
    }
    return [{ path, reference: reference.reference }];
  });
  const sha256 = asRecord(model.annotations)[MODEL_SHA256_ANNOTATION];
  const shaPath = `${model.metadataPath}.annotations["${MODEL_SHA256_ANNOTATION}"]`;
  if (isUnknown(sha256)) return { images, findings: [...findings, unverified(shaPath, "the artifact's SHA-256")] };
  if (typeof sha256 !== "string" || !/^[a-f0-9]{64}$/.test(sha256)) {
    return { images, findings: [...findings, violation(shaPath, "the served artifact is not identified by a SHA-256 (64 lower-case hex), so no approval can be matched to it")] };
  }
  return { digest: `sha256:${sha256}`, images, findings };
}

/** An OCI model's approval names its image, the one admission checks the attestation on. */
function imageFindings(model: ServedModel, id: string, images: { path: string; reference: string }[]): Finding[] {
  if (images.length === 0) return [];
  const distinct = [...new Set(images.map((image) => image.reference))];
  if (distinct.length > 1) return [violation(images[1].path, `serves ${distinct.length} OCI models (${distinct.join(", ")}); one approval covers one artifact, so publish each as its own endpoint`)];
  const named = read(model, "artifact");
  if ("unknown" in named) return [unverified(annotationPath(model, "artifact"), "the approved image")];
  const approvedImage = "value" in named ? ociReference(named.value)?.reference : undefined;
  if (approvedImage === distinct[0]) return [];
  return [violation(annotationPath(model, "artifact"), "value" in named
    ? `approval ${id} names the image ${named.value}, but the endpoint serves oci://${distinct[0]}`
    : `approval ${id} names no image, but the endpoint serves the OCI model oci://${distinct[0]}, on which admission checks the approval attestation; set the approval's artifact`)];
}

function dateFindings(model: ServedModel, approvedOn: string, expires: string, maxValidityDays: number): Finding[] {
  const bad = (["approvedOn", "expires"] as const).filter((field) => !isCalendarDate(field === "approvedOn" ? approvedOn : expires));
  if (bad.length > 0) return bad.map((field) => violation(annotationPath(model, field), `${JSON.stringify(field === "approvedOn" ? approvedOn : expires)} is not a calendar date (YYYY-MM-DD)`));
  const today = todayUtc();
  if (approvedOn > today) return [violation(annotationPath(model, "approvedOn"), `the approval is dated ${approvedOn}, after today (${today} UTC): an approval is recorded once given`)];
  if (expires < approvedOn) return [violation(annotationPath(model, "expires"), `the approval expires (${expires}) before it was given (${approvedOn})`)];
  // The expiry day is the last day the approval holds, in UTC, as for waivers.
  if (expires < today) return [violation(annotationPath(model, "expires"), `the approval expired on ${expires} (today is ${today} UTC): the model must be reviewed and approved again`)];
  const days = daysBetween(approvedOn, expires);
  if (days > maxValidityDays) return [violation(annotationPath(model, "expires"), `the approval runs ${days} days (${approvedOn} to ${expires}), more than the ${maxValidityDays} allowed: approvals are re-reviewed at least that often`)];
  return [];
}

function approvalFindings(model: ServedModel, config: PromotionConfig, stack: string): Finding[] {
  if (isUnknown(model.annotations)) return [unverified(`${model.metadataPath}.annotations`, "the annotations (the approval)")];
  const served = servedArtifact(model);
  const endpoint = endpointName(model);
  if (!hasApproval(model)) {
    return [violation(annotationPath(model, "id"), `${endpoint ?? "this endpoint"} serves ${served.digest ?? "a model"} in the production stack ${stack} without an approval; add an entry for this artifact digest to the stack config's approvals, reviewed in Git`)];
  }
  const { values, findings, missing } = readAll(model, ["id", "model", "artifactDigest", "modelCard", "evaluationDigest", "approvedOn", "expires"]);
  findings.push(...lacking(model, missing, "part of its record"));
  const id = values.id ?? "(unknown)";
  if (values.model !== undefined && endpoint !== undefined && values.model !== endpoint) {
    findings.push(violation(annotationPath(model, "model"), `approval ${id} approves ${values.model}, not this endpoint ${endpoint}: an approval is given for one endpoint`));
  }
  if (values.artifactDigest !== undefined) {
    const problem = digestProblem(values.artifactDigest);
    if (problem) findings.push(violation(annotationPath(model, "artifactDigest"), problem));
    else if (served.digest !== undefined && values.artifactDigest !== served.digest) {
      findings.push(violation(annotationPath(model, "artifactDigest"), `approval ${id} approves ${values.artifactDigest}, but the endpoint serves ${served.digest}: approve this artifact, or serve the approved one`));
    }
  }
  if (values.modelCard !== undefined && !MODEL_CARD_URI.test(values.modelCard)) findings.push(violation(annotationPath(model, "modelCard"), `${JSON.stringify(values.modelCard)} is not an https:// or s3:// URI of the model card`));
  findings.push(...imageFindings(model, id, served.images));
  if (values.evaluationDigest !== undefined) {
    const problem = digestProblem(values.evaluationDigest);
    if (problem) findings.push(violation(annotationPath(model, "evaluationDigest"), `the evaluation report digest ${problem}`));
  }
  if (values.approvedOn !== undefined && values.expires !== undefined) findings.push(...dateFindings(model, values.approvedOn, values.expires, config.maxValidityDays ?? DEFAULT_MAX_VALIDITY_DAYS));
  return [...served.findings, ...findings];
}

const TEAM_LIST = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)?(,[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function fourEyesFindings(model: ServedModel): Finding[] {
  if (isUnknown(model.annotations) || !hasApproval(model)) return [];
  const approver = read(model, "approver");
  const teams = asRecord(model.annotations)[APPROVAL_ANNOTATIONS.approverTeams];
  if ("unknown" in approver) return [unverified(annotationPath(model, "approver"), "the approver")];
  if ("missing" in approver) return [violation(annotationPath(model, "approver"), "the approval names no approver: name who approved it (one of the stack config's approvers)")];
  if (isUnknown(teams)) return [unverified(annotationPath(model, "approverTeams"), "the approver's teams")];
  // An empty list is an approver in no team (an external reviewer); absent means nobody recorded it.
  if (typeof teams !== "string") return [violation(annotationPath(model, "approverTeams"), `the teams of approver ${approver.value} are not recorded; they come from the stack config's approvers, so the four-eyes check can be made`)];
  const normalized = teams.replace(/\s+/g, "").toLowerCase();
  if (!TEAM_LIST.test(normalized)) return [violation(annotationPath(model, "approverTeams"), `${JSON.stringify(teams)} is not a comma-separated list of team names`)];
  const label = model.labels[TEAM_LABEL];
  if (isUnknown(label) || (label === undefined && isUnknown(model.namespace))) return [unverified(`${model.metadataPath}.labels["${TEAM_LABEL}"]`, "the model's team")];
  const modelTeams = [asString(label), asString(model.namespace)].filter((team): team is string => team !== undefined).map((team) => team.toLowerCase());
  if (modelTeams.length === 0) return [violation(`${model.metadataPath}.labels["${TEAM_LABEL}"]`, "the model's team is not known (no mlops.io/team label, no namespace), so four eyes cannot be checked")];
  const shared = normalized.split(",").filter((team) => team !== "" && modelTeams.includes(team));
  if (shared.length === 0) return [];
  return [violation(annotationPath(model, "approver"), `approver ${approver.value} belongs to ${shared.join(", ")}, the model's own team: an approval needs a second pair of eyes from outside the team`)];
}

function lineageFindings(model: ServedModel): Finding[] {
  if (isUnknown(model.annotations) || !hasApproval(model)) return [];
  const { values, findings, missing } = readAll(model, ["trainingJob", "dataset", "datasetVersion"]);
  findings.push(...lacking(model, missing, "lineage"));
  if (values.trainingJob !== undefined && !TRAINING_JOB_REFERENCE.test(values.trainingJob)) {
    findings.push(violation(annotationPath(model, "trainingJob"), `${JSON.stringify(values.trainingJob)} is not <namespace>/<name> of the TrainingJob that produced the artifact`));
  }
  if (values.dataset !== undefined && !S3_OBJECT_URI.test(values.dataset)) {
    findings.push(violation(annotationPath(model, "dataset"), `${JSON.stringify(values.dataset)} is not an s3://<bucket>/<key or prefix> URI of the training data`));
  }
  if (values.datasetVersion !== undefined) {
    const problem = datasetVersionProblem(values.datasetVersion, values.dataset);
    if (problem) findings.push(violation(annotationPath(model, "datasetVersion"), problem));
  }
  return findings;
}

/** A rule over the model endpoints of production stacks only. */
function promotionRule(metadata: Metadata, check: (model: ServedModel, config: PromotionConfig, stack: string) => Finding[], extraConfig: PolicyConfigSchema["properties"] = {}): ResourceValidationPolicy {
  return {
    enforcementLevel: "mandatory",
    ...metadata,
    configSchema: { properties: { ...productionStacksSchema, ...servingWorkloadSchema, ...extraConfig } },
    validateResource: (args, reportViolation) => {
      const config = args.getConfig<PromotionConfig>();
      if (!isProductionStack(args.urn, config)) return;
      const { models, undecided } = servedModelsOf(args.type, rawProps(args.props), config);
      const stack = stackOfUrn(args.urn) ?? "";
      reportFindings(reportViolation, [
        ...undecided.map((pod) => unverified(`${pod.specPath}.serviceAccountName`, "whether the workload serves a model (its role label or ServiceAccount)")),
        ...models.flatMap((model) => check(model, config, stack)),
      ]);
    },
  };
}


const missingApproval = promotionRule(
  {
    name: "model-endpoint-missing-approval",
    description: "A model endpoint in a production stack must carry a valid approval of exactly the artifact it serves: its digest, this endpoint, a model card, the evaluation report's digest, the date, an expiry not passed.",
    severity: "critical",
    remediationSteps: "Add an entry to the production stack's approvals (id, team, model, artifactDigest, approver, modelCard, evaluationReportDigest, approvedOn, expires, lineage) in a reviewed change; ModelEndpoint records it on the endpoint. Renew an expired approval with a new review.",
  },
  approvalFindings,
  { maxValidityDays: { type: "integer", minimum: 1, default: DEFAULT_MAX_VALIDITY_DAYS, description: "Longest an approval may run from its approval date to its expiry." } },
);

const selfApproval = promotionRule(
  {
    name: "model-approval-disallow-self-approval",
    description: "The approver of a production model must not belong to the model's own team (four eyes); the approver's teams come from the stack config's approvers.",
    severity: "high",
    remediationSteps: "Have the artifact approved by an approver outside the team (listed in the stack config's approvers with their teams).",
  },
  fourEyesFindings,
);

const missingLineage = promotionRule(
  {
    name: "model-approval-missing-lineage",
    description: "A production model's approval must name the TrainingJob that produced the artifact, the dataset it read and that dataset's version (S3 version id or content digest).",
    severity: "high",
    remediationSteps: "Fill the approval's lineage from the TrainingJob's lineage output: trainingJob (<namespace>/<name>), dataset (s3://...), datasetVersion (sha256:<manifest digest> or s3-version:<id>).",
  },
  lineageFindings,
);

export const promotionPolicies: ResourceValidationPolicy[] = [missingApproval, selfApproval, missingLineage];
