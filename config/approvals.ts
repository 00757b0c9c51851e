import { z } from "zod";
import type { PlatformConfig } from "./schema";

/**
 * The stack config of the promotion gate: who may approve models (with the teams they belong to),
 * and the approvals themselves, one per artifact digest of an endpoint. Both live in the production
 * stack's config, so every approval and every change to the approvers is a reviewed change in Git.
 */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** One object's S3 version id; "null" is what S3 gives objects written while versioning was suspended, and the next write replaces it. */
const S3_VERSION = /^s3-version:(?!null$)[A-Za-z0-9._+=/-]{1,1024}$/;

const label = (maxLength: number) =>
  z.string().max(maxLength, `must be at most ${maxLength} characters`).regex(DNS_LABEL, "must be a DNS-1123 label: lower-case letters, digits and '-'");

/** Lower-case only: OCI and cosign compare digests as strings, so an upper-case one never matches. */
const digest = z.string().refine((value) => DIGEST.test(value), {
  error: (issue) => (typeof issue.input === "string" && DIGEST.test(issue.input.toLowerCase())
    ? "must be in lower case (sha256:<64 a-f0-9>): OCI and cosign compare digests as strings"
    : "must be a digest: sha256:<64 lower-case hex>"),
});

const calendarDate = z.string().refine(
  (value) => DATE.test(value) && new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value,
  "must be a calendar date YYYY-MM-DD (quote it in YAML)",
);

const identity = z.string().min(3, "must be an identity such as an e-mail address").max(256, "must be at most 256 characters").regex(/^\S+$/, "must not contain spaces");

export const approverSchema = z.strictObject({
  /** The approver's identity (e-mail or IdP subject), as approvals name it. */
  identity,
  /** Teams the approver belongs to: they never approve these teams' models (four eyes). Empty for a reviewer in no team. */
  teams: z.array(label(63)).default([]),
});

const lineageSchema = z.strictObject({
  /** `<namespace>/<name>` of the TrainingJob that produced the artifact (its `lineage` output). */
  trainingJob: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be <namespace>/<name> of the TrainingJob"),
  /** The training data: s3://<bucket>/<key or prefix>. */
  dataset: z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/(?!.*(^|\/)\.\.(\/|$))\S+$/, "must be s3://<bucket>/<key or prefix> without '..'"),
  /** sha256:<digest of the dataset's digest manifest>, or s3-version:<version id> of a single object. */
  datasetVersion: z.string().refine((value) => DIGEST.test(value) || S3_VERSION.test(value),
    "must be sha256:<64 lower-case hex> (digest manifest) or s3-version:<S3 version id> (not null)"),
}).superRefine((lineage, ctx) => {
  if (S3_VERSION.test(lineage.datasetVersion) && lineage.dataset.endsWith("/")) {
    ctx.addIssue({ code: "custom", path: ["datasetVersion"], input: lineage.datasetVersion, message: `names one object's version, but dataset ${lineage.dataset} is a prefix: use sha256:<digest of its manifest>` });
  }
});

export const approvalSchema = z.strictObject({
  /** Stable id of the approval, recorded on the endpoint (mlops.io/approval-id). */
  id: z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be lower-case letters, digits, '-' and '.'").max(63, "must be at most 63 characters"),
  /** Team and model (endpoint name) approved: one of models[]. */
  team: label(40),
  model: label(40),
  /** What is approved: sha256:<models[].artifactSha256>, the digest of the model's signed manifest (what verify-at-load checks). */
  artifactDigest: digest,
  /** For an OCI model, its image: oci://<models[].artifactImage>. The deploy workflow attests the approval on it; admission checks it there. */
  artifact: z.string().regex(/^oci:\/\/[^@\s]+@sha256:[a-f0-9]{64}$/, "must be oci://<repository>@sha256:<64 lower-case hex>").optional(),
  /** Who approved: one of approvers[].identity, outside the model's team. */
  approver: identity,
  /** Where the model card is: https:// or s3://. */
  modelCard: z.string().regex(/^(https:\/\/[a-z0-9.-]+(:\d{1,5})?|s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/\S+$/i, "must be an https:// or s3:// URI"),
  /** Digest of the evaluation report the approver read. */
  evaluationReportDigest: digest,
  /** Day of the approval, and the last day (UTC) it holds. */
  approvedOn: calendarDate,
  expires: calendarDate,
  lineage: lineageSchema,
}).superRefine((approval, ctx) => {
  if (approval.expires < approval.approvedOn) ctx.addIssue({ code: "custom", path: ["expires"], input: approval.expires, message: `must not be before approvedOn (${approval.approvedOn})` });
});

export type ApproverConfig = z.infer<typeof approverSchema>;
export type ApprovalConfig = z.infer<typeof approvalSchema>;

type KeyName = (path: PropertyKey[]) => string;

/** Rules between approvals, approvers, teams and models that one key's schema cannot express. */
export function approvalProblems(config: Pick<PlatformConfig, "approvals" | "approvers" | "teams">, keyName: KeyName): string[] {
  const problems: string[] = [];
  const approvers = new Map<string, ApproverConfig>();
  config.approvers.forEach((approver, index) => {
    if (approvers.has(approver.identity)) problems.push(`${keyName(["approvers", index, "identity"])} = ${JSON.stringify(approver.identity)}: is listed twice; one entry per approver`);
    approvers.set(approver.identity, approver);
  });
  const teams = new Set(config.teams.map((team) => team.name));
  const ids = new Map<string, number>();
  const approved = new Map<string, number>();
  config.approvals.forEach((approval, index) => {
    const key = (field: string) => keyName(["approvals", index, field]);
    if (!teams.has(approval.team)) problems.push(`${key("team")} = ${JSON.stringify(approval.team)}: must be one of the configured teams (${[...teams].join(", ")})`);
    const firstId = ids.get(approval.id);
    if (firstId !== undefined) problems.push(`${key("id")} = ${JSON.stringify(approval.id)}: duplicates approvals[${firstId}]; ids must be unique`);
    else ids.set(approval.id, index);
    const subject = `${approval.team}/${approval.model}@${approval.artifactDigest}`;
    const firstSubject = approved.get(subject);
    if (firstSubject !== undefined) problems.push(`${key("artifactDigest")}: approvals[${firstSubject}] already approves ${subject}; keep one approval per artifact of an endpoint`);
    else approved.set(subject, index);
    const approver = approvers.get(approval.approver);
    if (!approver) problems.push(`${key("approver")} = ${JSON.stringify(approval.approver)}: is not one of ${keyName(["approvers"])} (${[...approvers.keys()].join(", ") || "none configured"})`);
    else if (approver.teams.includes(approval.team)) problems.push(`${key("approver")} = ${JSON.stringify(approval.approver)}: belongs to team ${approval.team}, whose model this is; an approval needs an approver from outside the team (four eyes)`);
  });
  return problems;
}
