import type { ResourceValidationPolicy } from "@pulumi/policy";
import { KMS, isOneOf } from "../lib/aws";
import { bridgedBoolean, bridgedInteger } from "../lib/bridgedValues";
import { reportFindings, unverified, violation, type Finding } from "../lib/findings";
import { isUnknown, rawProps } from "../lib/values";

/** Only symmetric encryption keys outside custom key stores (CloudHSM, external) support automatic rotation. */
const isSymmetric = (props: Record<string, unknown>) =>
  [props.customerMasterKeySpec, props.keySpec].every((spec) => spec === undefined || spec === "SYMMETRIC_DEFAULT") &&
  (props.keyUsage === undefined || props.keyUsage === "ENCRYPT_DECRYPT") &&
  props.customKeyStoreId === undefined;

interface RotationConfig {
  maxRotationPeriodDays?: number;
}

const keyRotation: ResourceValidationPolicy = {
  name: "kms-key-missing-rotation",
  description: "Symmetric KMS keys must rotate automatically, at most every maxRotationPeriodDays.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set enableKeyRotation: true (remediate level does it) and rotationPeriodInDays at or below the configured maximum.",
  configSchema: { properties: { maxRotationPeriodDays: { type: "integer", minimum: 90, maximum: 2560, default: 365, description: "Longest allowed rotation period." } } },
  validateResource: (args, reportViolation) => {
    if (args.type !== "aws:kms/key:Key") return;
    const props = rawProps(args.props);
    if (!isSymmetric(props)) return;
    const maximum = args.getConfig<RotationConfig>().maxRotationPeriodDays ?? 365;
    const findings: Finding[] = [];
    if (isUnknown(props.enableKeyRotation)) findings.push(unverified("enableKeyRotation", "key rotation"));
    else if (bridgedBoolean(props.enableKeyRotation) !== true) findings.push(violation("enableKeyRotation", "automatic rotation is off; set enableKeyRotation: true"));
    const period = props.rotationPeriodInDays;
    // AWS rotates yearly when no period is given (Number(undefined) is NaN); a numeric string counts as its number.
    const days = Number(period);
    if (isUnknown(period)) findings.push(unverified("rotationPeriodInDays", "the rotation period"));
    else if (days > maximum) findings.push(violation("rotationPeriodInDays", `rotates every ${days} days, more than ${maximum}; lower rotationPeriodInDays`));
    reportFindings(reportViolation, findings);
  },
  remediateResource: (args) => {
    if (args.type !== "aws:kms/key:Key") return;
    const props = rawProps(args.props);
    return isSymmetric(props) && props.enableKeyRotation !== true && !isUnknown(props.enableKeyRotation) ? { ...props, enableKeyRotation: true } : undefined;
  },
};

interface DeletionWindowConfig {
  minDeletionWindowDays?: number;
}

const deletionWindow: ResourceValidationPolicy = {
  name: "kms-key-deletion-window-too-short",
  description: "KMS keys must keep a deletion window of at least minDeletionWindowDays, so a scheduled deletion can be cancelled.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps: "Set deletionWindowInDays between the configured minimum and 30 (or leave it unset: AWS uses 30).",
  configSchema: { properties: { minDeletionWindowDays: { type: "integer", minimum: 7, maximum: 30, default: 14, description: "Shortest allowed deletion window." } } },
  validateResource: (args, reportViolation) => {
    if (!isOneOf(args.type, KMS.key)) return;
    const window = rawProps(args.props).deletionWindowInDays;
    const minimum = args.getConfig<DeletionWindowConfig>().minDeletionWindowDays ?? 14;
    const days = bridgedInteger(window);
    const findings: Finding[] = isUnknown(window)
      ? [unverified("deletionWindowInDays", "the deletion window")]
      : days !== undefined && days < minimum
        ? [violation("deletionWindowInDays", `a deletion window of ${days} days leaves too little time to notice a mistaken deletion; use at least ${minimum}`)]
        : [];
    reportFindings(reportViolation, findings);
  },
};

export const kmsPolicies: ResourceValidationPolicy[] = [keyRotation, deletionWindow];
