import { isUnknown } from "./values";

/**
 * What a KMS key reference (key id, key ARN, alias name or alias ARN) names, as far as its text tells.
 *
 * FACT: aliases beginning with `alias/aws/` are reserved for AWS managed keys; an account cannot
 * create one (AWS KMS API Reference, CreateAlias, AliasName). An AWS managed key's policy cannot be
 * changed, so its use cannot be restricted or revoked. A key id or key ARN does not say who manages
 * the key: it is taken as customer-managed (AWS managed keys are named by their aliases in practice).
 * The `aws/` prefix is matched case-insensitively: refusing a spelling KMS would not resolve is harmless.
 */
export type KeyReference = "customer-managed" | "aws-managed" | "none" | "unknown";

export function keyReference(value: unknown): KeyReference {
  if (isUnknown(value)) return "unknown";
  if (typeof value !== "string" || value === "") return "none";
  return /(^|:)alias\/aws\//i.test(value) ? "aws-managed" : "customer-managed";
}
