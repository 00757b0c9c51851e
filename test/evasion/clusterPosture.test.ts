/**
 * Attempts to talk the EKS and ECR posture rules out of a violation: the same open endpoint, AWS
 * managed key, unscanned or mutable repository re-spelled or moved, each of which must still be
 * caught; and equally tricky compliant settings, which must pass. Spellings of booleans follow what
 * the aws provider's Check reads (strconv.ParseBool; lib/bridgedValues.ts).
 */
import * as fc from "fast-check";
import { enforced, validateResource, validateStack, type FakeResource } from "../support/policyArgs";

const RUNS = { numRuns: 150 };
const EKS = "aws:eks/cluster:Cluster";
const REPOSITORY = "aws:ecr/repository:Repository";
const REGISTRY = "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration";
const KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const caught = (rule: string, type: string, props: Record<string, unknown>, config = {}) => enforced(validateResource(rule, type, props, config)).length > 0;
const caughtInStack = (rule: string, resources: FakeResource[]) => enforced(validateStack(rule, resources)).length > 0;

describe("an EKS API endpoint open to the internet, however spelled", () => {
  const RULE = "eks-cluster-disallow-public-endpoint";
  const PUBLIC = [true, "true", "True", "TRUE", "1", "t", "T", undefined, null, "yes", "on", "false "];
  const OPEN = ["0.0.0.0/0", "0.0.0.0/00", " 0.0.0.0/0", "::/0", "0::/0", "::0/0", "0000::/0", "0:0:0:0:0:0:0:0/0", "0.0.0.0/1", "128.0.0.0/1", "::/1", "8000::/1", "10.0.0.0/7"];
  const NARROW = ["203.0.113.5/32", "198.51.100.0/24", "2001:db8:1200::/56", "10.20.0.0/16"];

  it("is caught at any position among narrow CIDRs, with public access on in any spelling the provider reads (or cannot read)", () => {
    fc.assert(fc.property(fc.constantFrom(...PUBLIC), fc.constantFrom(...OPEN), fc.array(fc.constantFrom(...NARROW), { maxLength: 4 }), fc.nat(4), (publicAccess, open, narrow, position) => {
      const cidrs = [...narrow.slice(0, position), open, ...narrow.slice(position)];
      return caught(RULE, EKS, { vpcConfig: { endpointPublicAccess: publicAccess, publicAccessCidrs: cidrs } });
    }), RUNS);
  });

  it("is caught when the CIDRs are left out, empty or null (EKS defaults to 0.0.0.0/0 and ::/0)", () => {
    for (const vpcConfig of [undefined, {}, { publicAccessCidrs: [] }, { publicAccessCidrs: null }, { endpointPrivateAccess: true }]) {
      expect([vpcConfig, caught(RULE, EKS, vpcConfig === undefined ? {} : { vpcConfig })]).toEqual([vpcConfig, true]);
    }
  });

  it("a private endpoint, however spelled, passes even with an open CIDR list left behind; so do narrow public CIDRs", () => {
    for (const off of [false, "false", "False", "FALSE", "0", "f", "F"]) {
      expect([off, caught(RULE, EKS, { vpcConfig: { endpointPublicAccess: off, endpointPrivateAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } })]).toEqual([off, false]);
    }
    expect(caught(RULE, EKS, { vpcConfig: { endpointPublicAccess: "true", publicAccessCidrs: NARROW } })).toBe(false);
  });
});

describe("EKS Secrets encrypted with an AWS managed key, or not at all, however spelled", () => {
  const RULE = "eks-cluster-missing-secrets-encryption";
  const config = (keyArn: unknown, resources: unknown = ["secrets"]) => ({ encryptionConfig: { resources, provider: { keyArn } } });

  it("is caught for AWS managed keys by alias name or ARN in every partition and case, a missing key, or no Secrets in the list", () => {
    for (const props of [
      config("alias/aws/eks"), config("ALIAS/AWS/EKS"), config("arn:aws-cn:kms:cn-north-1:111122223333:alias/aws/eks"), config("arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/aws/ebs"),
      config(""), config(undefined), config(KEY, ["SECRETS"]), config(KEY, ["secret"]), config(KEY, []),
      { encryptionConfig: [{ resources: ["secrets"], provider: { keyArn: KEY } }] }, { encryptionConfig: null }, {},
    ]) {
      expect([props, caught(RULE, EKS, props)]).toEqual([props, true]);
    }
  });

  it("customer-managed keys pass, including aliases that only look like AWS ones", () => {
    for (const key of [KEY, "arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd", "alias/aws-platform/eks", "alias/awsome", "arn:aws:kms:eu-west-1:111122223333:alias/team/aws/eks"]) {
      expect([key, caught(RULE, EKS, config(key))]).toEqual([key, false]);
    }
  });
});

describe("ECR repositories encrypted without a customer-managed key, however spelled", () => {
  const RULE = "ecr-repository-missing-kms-encryption";
  const encrypted = (...configurations: Record<string, unknown>[]) => ({ encryptionConfigurations: configurations });

  it("is caught for re-spelled types, the AWS managed key, and a compliant configuration behind a non-compliant first one", () => {
    for (const props of [
      encrypted({ encryptionType: "kms", kmsKey: KEY }), encrypted({ encryptionType: "Kms", kmsKey: KEY }), encrypted({ encryptionType: " KMS", kmsKey: KEY }), encrypted({ encryptionType: "KMS-DSSE", kmsKey: KEY }),
      encrypted({ encryptionType: "KMS" }), encrypted({ encryptionType: "KMS", kmsKey: "" }), encrypted({ encryptionType: "KMS", kmsKey: "alias/aws/ecr" }), encrypted({ encryptionType: "KMS_DSSE", kmsKey: "arn:aws:kms:eu-west-1:111122223333:alias/aws/ecr" }),
      encrypted({}, { encryptionType: "KMS", kmsKey: KEY }), encrypted({ encryptionType: "AES256" }, { encryptionType: "KMS", kmsKey: KEY }), encrypted(), {},
    ]) {
      expect([props, caught(RULE, REPOSITORY, props)]).toEqual([props, true]);
    }
  });

  it("KMS or KMS_DSSE with a customer key passes, whatever follows the first configuration", () => {
    for (const props of [encrypted({ encryptionType: "KMS_DSSE", kmsKey: KEY }), encrypted({ encryptionType: "KMS", kmsKey: "alias/models" }, { encryptionType: "AES256" })]) {
      expect([props, caught(RULE, REPOSITORY, props)]).toEqual([props, false]);
    }
  });
});

describe("ECR tags left mutable, however spelled", () => {
  const RULE = "ecr-repository-disallow-mutable-tags";

  it("is caught for mutable settings, case and whitespace variants, and exclusions that reopen every tag", () => {
    const wildcard = (filter: string) => ({ imageTagMutability: "IMMUTABLE_WITH_EXCLUSION", imageTagMutabilityExclusionFilters: [{ filter, filterType: "WILDCARD" }] });
    for (const props of [{}, { imageTagMutability: "immutable" }, { imageTagMutability: "IMMUTABLE " }, { imageTagMutability: "MUTABLE_WITH_EXCLUSION" }, wildcard("*"), wildcard("**"), wildcard("v*")]) {
      expect([props, caught(RULE, REPOSITORY, props, { allowedMutableTagFilters: ["latest"] })]).toEqual([props, true]);
    }
  });

  it("immutable tags pass, and so does an exclusion named exactly in the config", () => {
    expect(caught(RULE, REPOSITORY, { imageTagMutability: "IMMUTABLE" })).toBe(false);
    expect(caught(RULE, REPOSITORY, { imageTagMutability: "IMMUTABLE_WITH_EXCLUSION", imageTagMutabilityExclusionFilters: [{ filter: "latest", filterType: "WILDCARD" }] }, { allowedMutableTagFilters: ["latest"] })).toBe(false);
  });
});

describe("ECR repositories left unscanned, however the scanning is moved", () => {
  const RULE = "ecr-repository-missing-scan-on-push";
  const repository = (props: Record<string, unknown> = {}): FakeResource => ({ type: REPOSITORY, name: "repo", props: { name: "team-a/models", ...props } });
  const registry = (scanType: string, rules: unknown[], props: Record<string, unknown> = {}): FakeResource => ({ type: REGISTRY, name: "scanning", props: { scanType, rules, ...props } });
  const rule = (scanFrequency: string, filter: string, filterType = "WILDCARD") => ({ scanFrequency, repositoryFilters: [{ filter, filterType }] });
  const scanOnPush = (value: unknown) => ({ imageScanningConfiguration: { scanOnPush: value } });

  it("is caught when the repository's own setting is re-spelled, ignored under enhanced scanning, or the registry rule misses it", () => {
    for (const stack of [
      [repository(scanOnPush("yes"))], [repository(scanOnPush("on"))], [repository(scanOnPush(0))],
      [repository(scanOnPush(true)), registry("ENHANCED", [rule("CONTINUOUS_SCAN", "prod")])],
      [repository(scanOnPush(true)), registry("ENHANCED", [])],
      [repository(), registry("BASIC", [rule("CONTINUOUS_SCAN", "*")])],
      [repository(), registry("BASIC", [rule("SCAN_ON_PUSH", "*", "wildcard")])],
      [repository(), registry("BASIC", [rule("SCAN_ON_PUSH", "team-a*repo")])],
      [repository(), registry("ENHANCED", [rule("SCAN_ON_PUSH", "*models/")])],
      [repository({ region: "eu-west-1" }), registry("ENHANCED", [rule("SCAN_ON_PUSH", "*")], { region: "us-east-1" })],
    ]) {
      expect([stack, caughtInStack(RULE, stack)]).toEqual([stack, true]);
    }
  });

  it("scanning that does cover the repository passes: its own setting spelled as the provider reads it, or a matching registry rule", () => {
    for (const stack of [
      [repository(scanOnPush("1"))], [repository(scanOnPush("T"))],
      [repository(scanOnPush(false)), registry("ENHANCED", [rule("SCAN_ON_PUSH", "*")])],
      [repository(), registry("BASIC", [rule("SCAN_ON_PUSH", "models")])],
      [repository(), registry("ENHANCED", [rule("CONTINUOUS_SCAN", "team-*/models")])],
      [repository({ ...scanOnPush(true), region: "eu-west-1" }), registry("ENHANCED", [], { region: "us-east-1" })],
    ]) {
      expect([stack, caughtInStack(RULE, stack)]).toEqual([stack, false]);
    }
  });
});
