import type { ResourceValidationPolicy } from "@pulumi/policy";
import { bridgedBoolean } from "../lib/bridgedValues";
import { parseCidr } from "../lib/cidrs";
import { reportFindings, unverified, violation, type Finding } from "../lib/findings";
import { keyReference } from "../lib/kmsKeys";
import { asArray, asRecord, isUnknown, rawProps } from "../lib/values";

/**
 * Clusters a stack manages, directly or through @pulumi/eks, whose Cluster component creates its
 * control plane as a child of this type (pulumi/pulumi-eks nodejs/eks/cluster/cluster.ts, 7bf0c1b1).
 */
const EKS_CLUSTER = "aws:eks/cluster:Cluster";
const REQUIRED_CLUSTER_LOGS = ["audit", "authenticator"];

const auditLogs: ResourceValidationPolicy = {
  name: "eks-cluster-missing-audit-logs",
  description: "EKS clusters must send the audit and authenticator control-plane logs to CloudWatch.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Add audit and authenticator to enabledClusterLogTypes.",
  validateResource: (args, reportViolation) => {
    if (args.type !== EKS_CLUSTER) return;
    const types = rawProps(args.props).enabledClusterLogTypes;
    if (isUnknown(types)) return reportFindings(reportViolation, [unverified("enabledClusterLogTypes", "the control-plane log types")]);
    const missing = REQUIRED_CLUSTER_LOGS.filter((type) => !asArray(types).includes(type));
    if (missing.length > 0) reportFindings(reportViolation, [violation("enabledClusterLogTypes", `${missing.join(" and ")} logs are off: API calls and logins to the cluster leave no record`)]);
  },
};

interface PublicEndpointConfig {
  minPrefixLength?: number;
}

/**
 * FACT: EKS VpcConfigRequest (EKS API Reference): endpointPublicAccess defaults to true;
 * publicAccessCidrs defaults to 0.0.0.0/0, and additionally ::/0 for dual-stack IPv6 clusters. The
 * Terraform provider sends publicAccessCidrs only when the list is non-empty, so [] is the default too;
 * its schema defaults endpoint_public_access to true, as this rule reads an absent value, and refuses
 * an entry that is not a network address in Go's net.ParseCIDR (which reads "/00" as /0)
 * (hashicorp/terraform-provider-aws internal/service/eks/cluster.go: vpc_config schema,
 * expandVpcConfigRequest; internal/verify ValidCIDRNetworkAddress).
 */
function publicCidrFindings(cidrs: unknown, minPrefix: number): Finding[] {
  const path = "vpcConfig.publicAccessCidrs";
  if (isUnknown(cidrs)) return [unverified(path, "the CIDRs that may reach the public API endpoint")];
  const list = asArray(cidrs);
  if (list.length === 0) {
    return [violation(path, "the API server endpoint is public and no CIDRs are listed, so EKS opens it to 0.0.0.0/0 (and ::/0 on IPv6 clusters); set endpointPublicAccess: false or list the CIDRs that may reach it")];
  }
  return list.flatMap((entry, index) => {
    const entryPath = `${path}[${index}]`;
    if (isUnknown(entry)) return [unverified(entryPath, "a CIDR that may reach the public API endpoint")];
    const cidr = typeof entry === "string" ? parseCidr(entry) : undefined;
    if (cidr === undefined) return [violation(entryPath, `${JSON.stringify(entry)} is not a CIDR block, so what it opens cannot be checked; write it as address/prefix`)];
    if (cidr.prefixLength >= minPrefix) return [];
    const opens = cidr.prefixLength === 0 ? "the whole internet" : "a large part of the address space";
    return [violation(entryPath, `${String(entry)} is /${cidr.prefixLength}, wider than /${minPrefix}: it opens the API server endpoint to ${opens}; list the networks that administer the cluster, or set endpointPublicAccess: false`)];
  });
}

const publicEndpoint: ResourceValidationPolicy = {
  name: "eks-cluster-disallow-public-endpoint",
  description: "The EKS API server endpoint must not be public to the whole internet: either private only, or public to listed CIDRs no wider than minPrefixLength.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set vpcConfig.endpointPublicAccess: false and endpointPrivateAccess: true, or list the administrators' CIDRs in vpcConfig.publicAccessCidrs.",
  configSchema: {
    properties: { minPrefixLength: { type: "integer", minimum: 1, maximum: 32, default: 8, description: "Narrowest allowed prefix length of a public access CIDR (8 forbids /0-/7)." } },
  },
  validateResource: (args, reportViolation) => {
    if (args.type !== EKS_CLUSTER) return;
    const vpcConfig = rawProps(args.props).vpcConfig;
    if (isUnknown(vpcConfig)) return reportFindings(reportViolation, [unverified("vpcConfig", "the API endpoint access")]);
    const { endpointPublicAccess, publicAccessCidrs } = asRecord(vpcConfig);
    if (isUnknown(endpointPublicAccess)) return reportFindings(reportViolation, [unverified("vpcConfig.endpointPublicAccess", "whether the API endpoint is public")]);
    // Anything the provider does not read as false (absent, null, other text) leaves the endpoint public.
    if (bridgedBoolean(endpointPublicAccess) === false) return;
    reportFindings(reportViolation, publicCidrFindings(publicAccessCidrs, args.getConfig<PublicEndpointConfig>().minPrefixLength ?? 8));
  },
};

/**
 * FACT: EKS envelope-encrypts all Kubernetes API data with an AWS owned KMS key by default on
 * Kubernetes 1.28 and later (EKS User Guide, "Default envelope encryption for all Kubernetes API
 * Data", since March 2025); an AWS owned key is not in the account, so its use cannot be audited in
 * CloudTrail, its policy cannot be set and it cannot be disabled. CIS Amazon EKS Benchmark 5.3.1
 * (kube-bench cfg/eks-1.8.0) asks for a customer master key managed in AWS KMS. provider.keyArn takes
 * a key ARN or alias (EKS API Reference, Provider).
 * FACT: @pulumi/aws 7.48.0 types encryptionConfig as one object (eks/cluster.d.ts): the Terraform block
 * is MaxItems 1 and the bridge flattens it; a list given instead is wrapped once more and fails to
 * decode (pulumi-terraform-bridge makeTerraformInput, IsMaxItemsOne).
 */
function secretsEncryptionFindings(encryptionConfig: unknown): Finding[] {
  if (isUnknown(encryptionConfig)) return [unverified("encryptionConfig", "the secrets encryption configuration")];
  if (encryptionConfig === undefined || encryptionConfig === null) {
    return [violation("encryptionConfig", "Secrets are encrypted only with the AWS owned key EKS uses by default, whose use cannot be audited, restricted or revoked; set encryptionConfig {resources: [\"secrets\"], provider: {keyArn: <customer-managed KMS key>}}")];
  }
  if (Array.isArray(encryptionConfig)) return [violation("encryptionConfig", "is a list; @pulumi/aws 7 takes one object {resources, provider}, and the provider cannot read a list here")];
  const { resources, provider } = asRecord(encryptionConfig);
  const findings: Finding[] = [];
  if (isUnknown(resources)) findings.push(unverified("encryptionConfig.resources", "which resources are encrypted"));
  else if (!asArray(resources).includes("secrets")) findings.push(violation("encryptionConfig.resources", `${JSON.stringify(resources ?? [])} does not include "secrets", so Secrets are not encrypted with the key; set resources: ["secrets"]`));
  const keyArn = isUnknown(provider) ? provider : asRecord(provider).keyArn;
  const key = keyReference(keyArn);
  if (key === "unknown") findings.push(unverified("encryptionConfig.provider.keyArn", "the KMS key for Secrets"));
  else if (key === "none") findings.push(violation("encryptionConfig.provider.keyArn", "no KMS key is given; set keyArn to a customer-managed key (an aws.kms.Key's arn)"));
  else if (key === "aws-managed") findings.push(violation("encryptionConfig.provider.keyArn", `${String(keyArn)} is an AWS managed key, whose policy cannot be restricted; use a customer-managed key`));
  return findings;
}

const secretsEncryption: ResourceValidationPolicy = {
  name: "eks-cluster-missing-secrets-encryption",
  description: "EKS clusters must envelope-encrypt Kubernetes Secrets with a customer-managed KMS key (the AWS owned default key does not count).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set encryptionConfig to {resources: [\"secrets\"], provider: {keyArn: key.arn}} with an aws.kms.Key of the stack (or encryptionConfigKeyArn on an @pulumi/eks Cluster).",
  validateResource: (args, reportViolation) => {
    if (args.type !== EKS_CLUSTER) return;
    reportFindings(reportViolation, secretsEncryptionFindings(rawProps(args.props).encryptionConfig));
  },
};

export const eksPolicies: ResourceValidationPolicy[] = [auditLogs, publicEndpoint, secretsEncryption];
