/**
 * The EKS and ECR posture rules on the inputs the program registers and on the same inputs after the
 * aws provider's Check (strings read as booleans, `__defaults` added to every block; FACTs in
 * bridgeCheck.ts): the verdicts must agree, and be the ones the rules are for.
 */
import { bridgeCheck } from "./bridgeCheck";
import { bothShapes, registered, urnOf, verdict } from "./shapeCases";
import { UNKNOWN_VALUE } from "./wireValues";

const EKS = "aws:eks/cluster:Cluster";
const REPOSITORY = "aws:ecr/repository:Repository";
const REGISTRY = "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration";
const KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const LOGS = ["api", "audit", "authenticator"];
const ECR_RULES = ["ecr-repository-missing-scan-on-push", "ecr-repository-disallow-mutable-tags", "ecr-repository-missing-kms-encryption"];

const onlyFor = (entries: string[], urn: string) => entries.filter((entry) => entry.endsWith(` ${urn}`));

describe("the EKS and ECR blocks through the aws provider's Check, as modelled", () => {
  it("reads booleans given as text inside vpcConfig and imageScanningConfiguration, and adds __defaults to each block", () => {
    const cluster = bridgeCheck(EKS, urnOf(EKS, "c"), "c", { name: "c", roleArn: "r", vpcConfig: { subnetIds: ["s"], endpointPublicAccess: "false" }, encryptionConfig: { resources: ["secrets"], provider: { keyArn: KEY } } });
    expect(cluster.vpcConfig).toEqual({ subnetIds: ["s"], endpointPublicAccess: false, __defaults: [] });
    expect(cluster.encryptionConfig).toEqual({ resources: ["secrets"], provider: { keyArn: KEY, __defaults: [] }, __defaults: [] });
    const repository = bridgeCheck(REPOSITORY, urnOf(REPOSITORY, "r"), "r", { name: "models", imageScanningConfiguration: { scanOnPush: "TRUE" }, encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: KEY }] });
    expect([repository.imageScanningConfiguration, repository.encryptionConfigurations]).toEqual([{ scanOnPush: true, __defaults: [] }, [{ encryptionType: "KMS", kmsKey: KEY, __defaults: [] }]]);
  });
});

describe("the EKS and ECR rules give the checked inputs the verdicts they give the registered ones", () => {
  it("EKS clusters: a private endpoint given as text, narrow public CIDRs, a wide open one, and Secrets keys known, AWS managed and unknown", async () => {
    const privateText = registered(EKS, "private-text", { name: "a", roleArn: "r", enabledClusterLogTypes: LOGS, vpcConfig: { subnetIds: ["s"], endpointPublicAccess: "false", endpointPrivateAccess: "true" }, encryptionConfig: { resources: ["secrets"], provider: { keyArn: KEY } } });
    const narrow = registered(EKS, "narrow", { name: "b", roleArn: "r", enabledClusterLogTypes: LOGS, vpcConfig: { subnetIds: ["s"], endpointPublicAccess: "true", publicAccessCidrs: ["203.0.113.5/32"] }, encryptionConfig: { resources: ["secrets"], provider: { keyArn: UNKNOWN_VALUE } } });
    const open = registered(EKS, "open", { name: "c", roleArn: "r", enabledClusterLogTypes: LOGS, vpcConfig: { subnetIds: ["s"], publicAccessCidrs: ["203.0.113.5/32", "0.0.0.0/0"] }, encryptionConfig: { resources: ["secrets"], provider: { keyArn: "alias/aws/eks" } } });
    const { plan, engine } = await bothShapes([privateText, narrow, open]);
    expect(engine).toEqual(plan);
    expect(onlyFor(plan, privateText.urn)).toEqual([]);
    expect(onlyFor(plan, narrow.urn)).toEqual([verdict("eks-cluster-missing-secrets-encryption", narrow, "advisory")]);
    expect(onlyFor(plan, open.urn)).toEqual([verdict("eks-cluster-disallow-public-endpoint", open), verdict("eks-cluster-missing-secrets-encryption", open)]);
  });

  it("ECR repositories: settings given as text are read as the provider reads them, re-spelled or default ones are refused; under ENHANCED scanning a matching rule covers a repository that does not scan itself, and a repository's own scanOnPush does not count", async () => {
    const compliant = registered(REPOSITORY, "compliant", { name: "team-a/models", imageScanningConfiguration: { scanOnPush: "true" }, imageTagMutability: "IMMUTABLE", encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: KEY }] });
    const defaults = registered(REPOSITORY, "defaults", { name: "team-a/scratch", imageScanningConfiguration: { scanOnPush: "false" } });
    const respelled = registered(REPOSITORY, "respelled", { name: "team-b/models", imageTagMutability: "immutable", encryptionConfigurations: [{ encryptionType: "kms", kmsKey: KEY }] });
    const scanning = registered(REGISTRY, "scanning", { scanType: "ENHANCED", rules: [{ scanFrequency: "SCAN_ON_PUSH", repositoryFilters: [{ filter: "team-b/*", filterType: "WILDCARD" }] }] });
    const { plan, engine } = await bothShapes([compliant, defaults, respelled, scanning]);
    expect(engine).toEqual(plan);
    expect(onlyFor(plan, compliant.urn).filter((entry) => entry.startsWith("ecr-"))).toEqual([verdict("ecr-repository-missing-scan-on-push", compliant)]);
    expect(onlyFor(plan, defaults.urn).filter((entry) => entry.startsWith("ecr-"))).toEqual(ECR_RULES.map((rule) => verdict(rule, defaults)).sort());
    expect(onlyFor(plan, respelled.urn).filter((entry) => entry.startsWith("ecr-"))).toEqual([verdict("ecr-repository-disallow-mutable-tags", respelled), verdict("ecr-repository-missing-kms-encryption", respelled)]);
  });
});
