import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { S3, isOneOf } from "../lib/aws";
import { bridgedBoolean } from "../lib/bridgedValues";
import { bucketName } from "../lib/buckets";
import type { ExemptNamespacesConfig } from "../lib/config";
import { reportFindings, unverified, violation, type Finding } from "../lib/findings";
import { servesModel, servingWorkloadSchema, type ServingWorkloadConfig } from "../lib/servingWorkloads";
import { withRawProps, type StackResource } from "../lib/stack";
import { asArray, asRecord, asString, isUnknown, rawProps } from "../lib/values";
import { workloadPolicy } from "../lib/workloadPolicy";

const TRAIL = "aws:cloudtrail/trail:Trail";
/** Buckets whose object access must be recorded: the platform tags its data buckets with these roles. */
const DATA_BUCKET_ROLES = new Set(["datasets", "model-artifacts"]);
const SHA256_ANNOTATION = "mlops.io/model-sha256";

const trailIntegrity: ResourceValidationPolicy = {
  name: "cloudtrail-require-validation-and-kms",
  description: "CloudTrail trails must validate log files (tamper evidence) and encrypt them with a customer-managed KMS key.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set enableLogFileValidation: true and kmsKeyId to the log bucket's key.",
  validateResource: (args, reportViolation) => {
    if (args.type !== TRAIL) return;
    const props = rawProps(args.props);
    const findings: Finding[] = [];
    if (isUnknown(props.enableLogFileValidation)) findings.push(unverified("enableLogFileValidation", "log file validation"));
    else if (bridgedBoolean(props.enableLogFileValidation) !== true) findings.push(violation("enableLogFileValidation", "log files can be altered or deleted without trace; set enableLogFileValidation: true"));
    if (props.kmsKeyId === undefined || props.kmsKeyId === "") findings.push(violation("kmsKeyId", "log files are encrypted with S3-managed keys only; set kmsKeyId to a customer-managed key"));
    reportFindings(reportViolation, findings);
  },
};

/**
 * Whether a selector records reads (`"true"`) or writes (`"false"`): a `readOnly` field selector
 * limits it to one of them (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_AdvancedFieldSelector.html).
 */
function recordsAccess(fields: Record<string, unknown>[], readOnly: "true" | "false"): boolean {
  return fields.filter((field) => field.field === "readOnly").every((field) =>
    (field.equals === undefined || asArray(field.equals).includes(readOnly)) && !asArray(field.notEquals).includes(readOnly));
}

/** The ARN prefixes a trail's data-event selectors cover for reads or writes, or "all" when a selector has no ARN filter. */
function coveredArns(trail: StackResource, readOnly: "true" | "false"): { all: boolean; prefixes: unknown[] } {
  const selectors = asArray(trail.props.advancedEventSelectors).map((selector) => asArray(asRecord(selector).fieldSelectors).map(asRecord));
  const s3DataSelectors = selectors.filter((fields) =>
    fields.some((field) => field.field === "eventCategory" && asArray(field.equals).includes("Data")) &&
    fields.some((field) => field.field === "resources.type" && asArray(field.equals).includes("AWS::S3::Object")) &&
    recordsAccess(fields, readOnly));
  const arnFields = s3DataSelectors.map((fields) => fields.filter((field) => field.field === "resources.ARN"));
  return { all: arnFields.some((fields) => fields.length === 0), prefixes: arnFields.flat().flatMap((field) => asArray(field.startsWiths)) };
}

const dataEvents: StackValidationPolicy = {
  name: "cloudtrail-missing-s3-data-events",
  description: "Reads and writes of dataset and model-artifact objects must be recorded by a CloudTrail trail (S3 data events).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Create an AuditTrail (or a Trail with an advanced event selector for AWS::S3::Object data events on the bucket).",
  validateStack: (args, reportViolation) => {
    const items = withRawProps(args.resources);
    const trails = items.filter((item) => item.resource.type === TRAIL);
    const dataBuckets = items.filter((item) => isOneOf(item.resource.type, S3.bucket) && DATA_BUCKET_ROLES.has(asString(asRecord(item.props.tags)["mlops.io/bucket-role"]) ?? ""));
    for (const bucket of dataBuckets) {
      const label = `bucket ${bucketName(bucket) ?? bucket.resource.name}`;
      const arn = asString(bucket.props.arn);
      const covered = (["true", "false"] as const).every((readOnly) => trails.some((trail) => {
        const { all, prefixes } = coveredArns(trail, readOnly);
        if (all) return true;
        if (arn !== undefined && prefixes.some((prefix) => typeof prefix === "string" && !isUnknown(prefix) && `${arn}/`.startsWith(prefix))) return true;
        // First preview: the prefixes are computed from the bucket's ARN; the engine records the dependency.
        return (trail.resource.propertyDependencies.advancedEventSelectors ?? []).some((dependency) => dependency.urn === bucket.resource.urn);
      }));
      if (!covered) reportFindings(reportViolation, [violation("tags", `${label} holds ${asString(asRecord(bucket.props.tags)["mlops.io/bucket-role"])} but no trail records reads and writes of its objects`)], bucket.resource.urn);
    }
  },
};

const modelSha256 = workloadPolicy<ServingWorkloadConfig & ExemptNamespacesConfig>(
  {
    name: "serving-missing-model-sha256",
    description: "Model-serving workloads must record the SHA-256 of the artifact they serve (mlops.io/model-sha256).",
    severity: "medium",
    remediationSteps: `Annotate the InferenceService or pod template with ${SHA256_ANNOTATION}: <64 hex characters> (ModelEndpoint does it).`,
  },
  (pod, config) => {
    const serving = servesModel(pod, config);
    if (serving === undefined) return [unverified(`${pod.specPath}.serviceAccountName`, "whether the workload serves a model (its role label or ServiceAccount)")];
    if (!serving) return [];
    const value = asRecord(pod.metadata.annotations)[SHA256_ANNOTATION];
    const path = `${pod.metadataPath}.annotations["${SHA256_ANNOTATION}"]`;
    if (isUnknown(value)) return [unverified(path, "the artifact digest")];
    if (value === undefined) return [violation(path, "the served artifact is not identified; record its SHA-256 so what is served can be verified")];
    return typeof value === "string" && /^[a-f0-9]{64}$/.test(value) ? [] : [violation(path, `${JSON.stringify(value)} is not a SHA-256 (64 lower-case hex characters)`)];
  },
  servingWorkloadSchema,
);

export const auditPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [trailIntegrity, dataEvents, modelSha256];
