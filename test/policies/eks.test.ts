import { UNKNOWN, validateResource, type Reported } from "../support/policyArgs";

/** Exact findings of the EKS cluster rules: wording, paths, counts and levels; tricky compliant spellings. */

const EKS = "aws:eks/cluster:Cluster";
const LATER = "is not known until apply, so this preview cannot check it; pulumi up checks it again once it is known";
const KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/** Each reported finding as [level, message], so one assertion pins text, count and enforcement. */
const findings = (reported: Reported[]) => reported.map((item) => [item.level, item.message]);

describe("eks-cluster-missing-audit-logs", () => {
  const check = (enabledClusterLogTypes: unknown, type = EKS) => findings(validateResource("eks-cluster-missing-audit-logs", type, { enabledClusterLogTypes }));
  const OFF = "logs are off: API calls and logins to the cluster leave no record";

  it.each([
    ["no log types", undefined, `enabledClusterLogTypes: audit and authenticator ${OFF}`],
    ["audit only", ["audit"], `enabledClusterLogTypes: authenticator ${OFF}`],
    ["authenticator only", ["api", "authenticator"], `enabledClusterLogTypes: audit ${OFF}`],
  ])("refuses %s", (_case, types, expected) => {
    expect(check(types)).toEqual([["policy", expected]]);
  });

  it("accepts audit and authenticator among others, reports unknown log types as advisory, and ignores other resource types", () => {
    expect(check(["api", "audit", "authenticator", "scheduler"])).toEqual([]);
    expect(check(UNKNOWN)).toEqual([["advisory", `enabledClusterLogTypes: the control-plane log types ${LATER}`]]);
    expect(check([], "aws:eks/nodeGroup:NodeGroup")).toEqual([]);
  });
});

describe("eks-cluster-disallow-public-endpoint", () => {
  const RULE = "eks-cluster-disallow-public-endpoint";
  const check = (vpcConfig: unknown, config: Record<string, unknown> = {}, type = EKS) => findings(validateResource(RULE, type, { vpcConfig }, config));
  const DEFAULT_OPEN = "vpcConfig.publicAccessCidrs: the API server endpoint is public and no CIDRs are listed, so EKS opens it to 0.0.0.0/0 (and ::/0 on IPv6 clusters); set endpointPublicAccess: false or list the CIDRs that may reach it";
  const wide = (index: number, cidr: string, prefix: number, opens = "the whole internet", min = 8) =>
    ["policy", `vpcConfig.publicAccessCidrs[${index}]: ${cidr} is /${prefix}, wider than /${min}: it opens the API server endpoint to ${opens}; list the networks that administer the cluster, or set endpointPublicAccess: false`];

  it.each([
    ["no vpcConfig at all (public by default)", undefined],
    ["public access left at its default", { subnetIds: ["subnet-a"] }],
    ["public access on, no CIDRs", { endpointPublicAccess: true }],
    ["public access on, an empty CIDR list (the provider sends none)", { endpointPublicAccess: true, publicAccessCidrs: [] }],
    ["public access given as null (the provider drops it: default true)", { endpointPublicAccess: null }],
    ["public access as text the provider cannot read as a bool", { endpointPublicAccess: "no" }],
    ["public access \"true\" as text", { endpointPublicAccess: "true" }],
  ])("refuses an endpoint open by default: %s", (_case, vpcConfig) => {
    expect(check(vpcConfig)).toEqual([["policy", DEFAULT_OPEN]]);
  });

  it("refuses listed CIDRs that open the whole internet, in IPv4 and IPv6 spellings, at their positions", () => {
    expect(check({ endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24", "0.0.0.0/0"] })).toEqual([wide(1, "0.0.0.0/0", 0)]);
    expect(check({ publicAccessCidrs: ["::/0", "0:0:0:0:0:0:0:0/0", "0.0.0.0/00"] })).toEqual([wide(0, "::/0", 0), wide(1, "0:0:0:0:0:0:0:0/0", 0), wide(2, "0.0.0.0/00", 0)]);
  });

  it("refuses ranges wider than minPrefixLength (halves of the internet, a /7), and the threshold is configurable", () => {
    expect(check({ publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] })).toEqual([wide(0, "0.0.0.0/1", 1, "a large part of the address space"), wide(1, "128.0.0.0/1", 1, "a large part of the address space")]);
    expect(check({ publicAccessCidrs: ["10.0.0.0/7", "10.0.0.0/8"] })).toEqual([wide(0, "10.0.0.0/7", 7, "a large part of the address space")]);
    expect(check({ publicAccessCidrs: ["198.51.100.0/23"] }, { minPrefixLength: 24 })).toEqual([wide(0, "198.51.100.0/23", 23, "a large part of the address space", 24)]);
    expect(check({ publicAccessCidrs: ["198.51.100.0/24"] }, { minPrefixLength: 24 })).toEqual([]);
  });

  it("refuses entries that are not CIDR blocks, since what they open cannot be checked", () => {
    const notCidr = (index: number, entry: unknown) => ["policy", `vpcConfig.publicAccessCidrs[${index}]: ${JSON.stringify(entry)} is not a CIDR block, so what it opens cannot be checked; write it as address/prefix`];
    const entries = ["203.0.113.5", "anywhere/0", "256.0.0.0/8", "10.0.0.0/33", "2001:db8::/129", "1:2:3:4:5:6:7:8:9/64", "1::2::3/64", "::1.2.3/64", 42];
    expect(check({ publicAccessCidrs: entries })).toEqual(entries.map((entry, index) => notCidr(index, entry)));
  });

  it.each([
    ["public access off", { endpointPublicAccess: false, endpointPrivateAccess: true }],
    ["public access off, given as \"false\" (the provider reads it with ParseBool)", { endpointPublicAccess: "false" }],
    ["public access off, given as \"0\"", { endpointPublicAccess: "0" }],
    ["public access off with a stale CIDR list", { endpointPublicAccess: false, publicAccessCidrs: ["0.0.0.0/0"] }],
    ["public to an office /32 and a VPN /24", { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.5/32", "198.51.100.0/24"] }],
    ["public to an IPv6 /56 and a compressed IPv4-tailed address", { publicAccessCidrs: ["2001:db8:1200::/56", "::ffff:198.51.100.0/120"] }],
    ["public to exactly /8 (the default limit)", { publicAccessCidrs: [" 10.0.0.0/8 "] }],
  ])("accepts %s", (_case, vpcConfig) => {
    expect(check(vpcConfig)).toEqual([]);
  });

  it("reports unknown values as advisory, and still refuses a known open CIDR next to an unknown one", () => {
    expect(check(UNKNOWN)).toEqual([["advisory", `vpcConfig: the API endpoint access ${LATER}`]]);
    expect(check({ endpointPublicAccess: UNKNOWN, publicAccessCidrs: ["0.0.0.0/0"] })).toEqual([["advisory", `vpcConfig.endpointPublicAccess: whether the API endpoint is public ${LATER}`]]);
    expect(check({ publicAccessCidrs: UNKNOWN })).toEqual([["advisory", `vpcConfig.publicAccessCidrs: the CIDRs that may reach the public API endpoint ${LATER}`]]);
    expect(check({ publicAccessCidrs: [UNKNOWN, "0.0.0.0/0"] })).toEqual([["advisory", `vpcConfig.publicAccessCidrs[0]: a CIDR that may reach the public API endpoint ${LATER}`], wide(1, "0.0.0.0/0", 0)]);
  });

  it("ignores other resource types", () => {
    expect(check(undefined, {}, "aws:eks/nodeGroup:NodeGroup")).toEqual([]);
  });
});

describe("eks-cluster-missing-secrets-encryption", () => {
  const RULE = "eks-cluster-missing-secrets-encryption";
  const check = (encryptionConfig: unknown, type = EKS) => findings(validateResource(RULE, type, encryptionConfig === undefined ? {} : { encryptionConfig }));
  const encrypted = (keyArn: unknown, resources: unknown = ["secrets"]) => ({ resources, provider: { keyArn } });
  const DEFAULT_KEY = "encryptionConfig: Secrets are encrypted only with the AWS owned key EKS uses by default, whose use cannot be audited, restricted or revoked; set encryptionConfig {resources: [\"secrets\"], provider: {keyArn: <customer-managed KMS key>}}";
  const awsManaged = (key: string) => ["policy", `encryptionConfig.provider.keyArn: ${key} is an AWS managed key, whose policy cannot be restricted; use a customer-managed key`];

  it("refuses a cluster that relies on the default AWS owned key", () => {
    expect(check(undefined)).toEqual([["policy", DEFAULT_KEY]]);
    expect(check(null)).toEqual([["policy", DEFAULT_KEY]]);
  });

  it("refuses a list where @pulumi/aws 7 takes one object, even if its element looks right", () => {
    expect(check([encrypted(KEY)])).toEqual([["policy", "encryptionConfig: is a list; @pulumi/aws 7 takes one object {resources, provider}, and the provider cannot read a list here"]]);
  });

  it("refuses a configuration that does not cover Secrets", () => {
    const notSecrets = (resources: unknown) => ["policy", `encryptionConfig.resources: ${JSON.stringify(resources)} does not include "secrets", so Secrets are not encrypted with the key; set resources: ["secrets"]`];
    expect(check(encrypted(KEY, []))).toEqual([notSecrets([])]);
    expect(check(encrypted(KEY, ["Secrets"]))).toEqual([notSecrets(["Secrets"])]);
    expect(check({ provider: { keyArn: KEY } })).toEqual([notSecrets([])]);
  });

  it("refuses a missing key and AWS managed keys by alias name or alias ARN, in any case", () => {
    const NO_KEY = ["policy", "encryptionConfig.provider.keyArn: no KMS key is given; set keyArn to a customer-managed key (an aws.kms.Key's arn)"];
    expect(check(encrypted(""))).toEqual([NO_KEY]);
    expect(check({ resources: ["secrets"] })).toEqual([NO_KEY]);
    for (const key of ["alias/aws/eks", "arn:aws:kms:eu-west-1:111122223333:alias/aws/ebs", "Alias/AWS/secretsmanager"]) expect(check(encrypted(key))).toEqual([awsManaged(key)]);
  });

  it("reports every problem of one configuration", () => {
    expect(check(encrypted("alias/aws/eks", ["configmaps"]))).toEqual([
      ["policy", "encryptionConfig.resources: [\"configmaps\"] does not include \"secrets\", so Secrets are not encrypted with the key; set resources: [\"secrets\"]"],
      awsManaged("alias/aws/eks"),
    ]);
  });

  it.each([
    ["a key ARN", KEY],
    ["a customer alias", "alias/eks-secrets"],
    ["a customer alias ARN whose name mentions aws", "arn:aws:kms:eu-west-1:111122223333:alias/team-aws/eks"],
    ["a bare key id", "1234abcd-12ab-34cd-56ef-1234567890ab"],
  ])("accepts Secrets encrypted with %s", (_case, key) => {
    expect(check(encrypted(key))).toEqual([]);
  });

  it("reports unknown values as advisory: the whole block (as @pulumi/eks builds it in a first preview), the resources, the provider or the key", () => {
    expect(check(UNKNOWN)).toEqual([["advisory", `encryptionConfig: the secrets encryption configuration ${LATER}`]]);
    expect(check(encrypted(KEY, UNKNOWN))).toEqual([["advisory", `encryptionConfig.resources: which resources are encrypted ${LATER}`]]);
    expect(check({ resources: ["secrets"], provider: UNKNOWN })).toEqual([["advisory", `encryptionConfig.provider.keyArn: the KMS key for Secrets ${LATER}`]]);
    expect(check(encrypted(UNKNOWN))).toEqual([["advisory", `encryptionConfig.provider.keyArn: the KMS key for Secrets ${LATER}`]]);
  });

  it("ignores other resource types", () => {
    expect(check(undefined, "aws:eks/fargateProfile:FargateProfile")).toEqual([]);
  });
});
