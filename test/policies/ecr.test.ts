import { UNKNOWN, validateResource, validateStack, type FakeResource, type Reported } from "../support/policyArgs";

/** Exact findings of the ECR repository rules: wording, paths, counts and levels; tricky compliant settings. */

const REPOSITORY = "aws:ecr/repository:Repository";
const REGISTRY = "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration";
const LATER = "is not known until apply, so this preview cannot check it; pulumi up checks it again once it is known";
const KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const urnOf = (resource: FakeResource) => `urn:pulumi:test::test::${resource.type}::${resource.name}`;

/** Each reported finding as [level, message], so one assertion pins text, count and enforcement. */
const findings = (reported: Reported[]) => reported.map((item) => [item.level, item.message]);

describe("ecr-repository-missing-scan-on-push", () => {
  const RULE = "ecr-repository-missing-scan-on-push";
  const repository = (props: Record<string, unknown>, name = "repo"): FakeResource => ({ type: REPOSITORY, name, props: { name: "models", ...props } });
  const registry = (scanType: unknown, rules: unknown, extra: Record<string, unknown> = {}, name = "scanning"): FakeResource => ({ type: REGISTRY, name, props: { scanType, rules, ...extra } });
  const rule = (scanFrequency: unknown, ...filters: unknown[]) => ({ scanFrequency, repositoryFilters: filters.map((filter) => ({ filter, filterType: "WILDCARD" })) });
  const scanning = (scanOnPush: unknown) => ({ imageScanningConfiguration: { scanOnPush } });
  const check = (...resources: FakeResource[]) => findings(validateStack(RULE, resources));
  const NOT_SCANNED = (name = "models") => ["policy", `imageScanningConfiguration.scanOnPush: repository ${name} does not scan images on push and no registry scanning configuration in the stack covers it; pushed images are never checked for known vulnerabilities`];
  const ENHANCED_MISS = (config = "scanning") => ["policy", `imageScanningConfiguration.scanOnPush: repository models is not scanned on push under registry scanning configuration ${config}: no ENHANCED rule's filter matches it (under enhanced scanning the repository's own scanOnPush does not apply); add a rule whose filter matches the repository`];
  const BASIC_MISS = (scanType = "BASIC") => ["policy", `imageScanningConfiguration.scanOnPush: repository models is not scanned on push under registry scanning configuration scanning: its scan type is ${JSON.stringify(scanType)} and neither its scanOnPush nor a SCAN_ON_PUSH rule's filter covers it; add a rule whose filter matches the repository`];
  const PENDING = (name = "models") => ["advisory", `imageScanningConfiguration.scanOnPush: whether images pushed to repository ${name} are scanned ${LATER}`];

  it("refuses a repository that does not scan on push when the stack configures no registry scanning, at the repository's URN", () => {
    const plain = repository({});
    expect(validateStack(RULE, [plain]).map((item) => item.urn)).toEqual([urnOf(plain)]);
    for (const setting of [{}, scanning(false), scanning("false"), scanning("yes"), { imageScanningConfiguration: {} }]) expect(check(repository(setting))).toEqual([NOT_SCANNED()]);
  });

  it("accepts scanOnPush on the repository, also as text the provider reads as true", () => {
    for (const value of [true, "true", "1", "True"]) expect(check(repository(scanning(value)))).toEqual([]);
  });

  it("basic scanning: a SCAN_ON_PUSH rule whose filter matches covers the repository; the repository's own setting still counts", () => {
    expect(check(repository({}), registry("BASIC", [rule("SCAN_ON_PUSH", "*")]))).toEqual([]);
    expect(check(repository({ name: "repo-prod-repo" }), registry("BASIC", [rule("SCAN_ON_PUSH", "prod")]))).toEqual([]);
    expect(check(repository(scanning(true)), registry("BASIC", [rule("SCAN_ON_PUSH", "other")]))).toEqual([]);
  });

  it("basic scanning: a filter that does not match, a MANUAL or CONTINUOUS_SCAN rule, or another filter type covers nothing", () => {
    expect(check(repository({ name: "repo-prod-repo" }), registry("BASIC", [rule("SCAN_ON_PUSH", "prod*repo")]))).toEqual([["policy", BASIC_MISS()[1].replace("repository models", "repository repo-prod-repo")]]);
    expect(check(repository({}), registry("BASIC", [rule("MANUAL", "*"), rule("CONTINUOUS_SCAN", "*")]))).toEqual([BASIC_MISS()]);
    expect(check(repository({}), registry("BASIC", [{ scanFrequency: "SCAN_ON_PUSH", repositoryFilters: [{ filter: "*", filterType: "PREFIX_MATCH" }] }]))).toEqual([BASIC_MISS()]);
    expect(check(repository({}), registry("BASIC", [rule("SCAN_ON_PUSH", 7), { scanFrequency: "SCAN_ON_PUSH" }]))).toEqual([BASIC_MISS()]);
    expect(check(repository({}), registry("BASIC", []))).toEqual([BASIC_MISS()]);
  });

  it("enhanced scanning: SCAN_ON_PUSH and CONTINUOUS_SCAN rules cover what their filters match", () => {
    expect(check(repository({}), registry("ENHANCED", [rule("CONTINUOUS_SCAN", "*")]))).toEqual([]);
    expect(check(repository({}), registry("ENHANCED", [rule("CONTINUOUS_SCAN", "prod"), rule("SCAN_ON_PUSH", "team-*", "model*")]))).toEqual([]);
  });

  it("enhanced scanning: the repository's own scanOnPush does not apply, and a configuration without rules is not taken to cover anything", () => {
    expect(check(repository(scanning(true)), registry("ENHANCED", [rule("CONTINUOUS_SCAN", "prod")]))).toEqual([ENHANCED_MISS()]);
    expect(check(repository(scanning(true)), registry("ENHANCED", []))).toEqual([ENHANCED_MISS()]);
    expect(check(repository({}), registry("ENHANCED", [rule("MANUAL", "*")]))).toEqual([ENHANCED_MISS()]);
  });

  it("a scan type the API does not take leaves the repository unscanned", () => {
    expect(check(repository(scanning(true)), registry("enhanced", [rule("SCAN_ON_PUSH", "*")]))).toEqual([BASIC_MISS("enhanced")]);
  });

  it("a configuration in another named region does not apply; one without a region, or in the same region, does", () => {
    const enhancedNothing = (region?: string) => registry("ENHANCED", [], region ? { region } : {});
    expect(check(repository({ ...scanning(true), region: "eu-west-1" }), enhancedNothing("us-east-1"))).toEqual([]);
    expect(check(repository({ ...scanning(true), region: "eu-west-1" }), enhancedNothing("eu-west-1"))).toEqual([ENHANCED_MISS()]);
    expect(check(repository({ ...scanning(true), region: "eu-west-1" }), enhancedNothing())).toEqual([ENHANCED_MISS()]);
    expect(check(repository(scanning(true)), enhancedNothing("us-east-1"))).toEqual([ENHANCED_MISS()]);
  });

  it("with two applicable configurations, each must cover the repository (which one ECR keeps is the last one written)", () => {
    expect(check(repository({}), registry("ENHANCED", [rule("SCAN_ON_PUSH", "*")], {}, "a"), registry("ENHANCED", [rule("SCAN_ON_PUSH", "prod")], {}, "b"))).toEqual([ENHANCED_MISS("b")]);
  });

  it("judges each repository on its own and ignores other resources", () => {
    const covered = repository({ name: "team-a" }, "a");
    const uncovered = repository({ name: "other" }, "b");
    expect(check(covered, uncovered, registry("ENHANCED", [rule("SCAN_ON_PUSH", "team-*")]), { type: "aws:s3/bucket:Bucket", name: "bucket", props: {} })).toEqual([
      ["policy", "imageScanningConfiguration.scanOnPush: repository other is not scanned on push under registry scanning configuration scanning: no ENHANCED rule's filter matches it (under enhanced scanning the repository's own scanOnPush does not apply); add a rule whose filter matches the repository"],
    ]);
  });

  it("reports unknown values as advisory, and still refuses when a known configuration leaves the repository out", () => {
    expect(check(repository(scanning(UNKNOWN)))).toEqual([PENDING()]);
    expect(check(repository({ imageScanningConfiguration: UNKNOWN }))).toEqual([PENDING()]);
    expect(check(repository({}), registry(UNKNOWN, []))).toEqual([PENDING()]);
    expect(check(repository({}), registry("ENHANCED", UNKNOWN))).toEqual([PENDING()]);
    expect(check(repository({}), registry("ENHANCED", [UNKNOWN]))).toEqual([PENDING()]);
    expect(check(repository({}), registry("ENHANCED", [{ scanFrequency: UNKNOWN, repositoryFilters: [{ filter: "*", filterType: "WILDCARD" }] }]))).toEqual([PENDING()]);
    expect(check(repository({}), registry("ENHANCED", [{ scanFrequency: "SCAN_ON_PUSH", repositoryFilters: UNKNOWN }]))).toEqual([PENDING()]);
    expect(check(repository({}), registry("ENHANCED", [{ scanFrequency: "SCAN_ON_PUSH", repositoryFilters: [UNKNOWN] }]))).toEqual([PENDING()]);
    expect(check(repository({}), registry("ENHANCED", [{ scanFrequency: "SCAN_ON_PUSH", repositoryFilters: [{ filter: UNKNOWN, filterType: "WILDCARD" }] }]))).toEqual([PENDING()]);
    expect(check(repository({}), registry("ENHANCED", [{ scanFrequency: "SCAN_ON_PUSH", repositoryFilters: [{ filter: "*", filterType: UNKNOWN }] }]))).toEqual([PENDING()]);
    expect(check(repository({}), registry(UNKNOWN, []), registry("ENHANCED", [], {}, "other"))).toEqual([ENHANCED_MISS("other")]);
    // An unknown filter next to one that matches: covered either way.
    expect(check(repository({}), registry("ENHANCED", [rule("SCAN_ON_PUSH", UNKNOWN, "*")]))).toEqual([]);
  });

  it("a repository whose name is not known yet is covered by an all-wildcard filter, and pending against any other", () => {
    expect(check(repository({ name: UNKNOWN }), registry("ENHANCED", [rule("SCAN_ON_PUSH", "*")]))).toEqual([]);
    expect(check(repository({ name: UNKNOWN }), registry("ENHANCED", [rule("SCAN_ON_PUSH", "models")]))).toEqual([PENDING("(name not known yet)")]);
  });
});

describe("ecr-repository-disallow-mutable-tags", () => {
  const RULE = "ecr-repository-disallow-mutable-tags";
  const check = (props: Record<string, unknown>, config: Record<string, unknown> = {}, type = REPOSITORY) => findings(validateResource(RULE, type, props, config));
  const mutable = (value: string) => ["policy", `imageTagMutability: ${JSON.stringify(value)} lets a push replace the image behind an existing tag; set imageTagMutability: "IMMUTABLE"`];
  const excluded = (index: number, filter: unknown) => ["policy", `imageTagMutabilityExclusionFilters[${index}].filter: tags matching ${JSON.stringify(filter)} stay mutable, so the image behind them can be replaced; remove the exclusion or add the filter to allowedMutableTagFilters`];
  const withExclusions = (...filters: unknown[]) => ({ imageTagMutability: "IMMUTABLE_WITH_EXCLUSION", imageTagMutabilityExclusionFilters: filters.map((filter) => ({ filter, filterType: "WILDCARD" })) });

  it("refuses mutable tags: by default, spelled out, with exclusions that keep some immutable, or in a case the API does not take", () => {
    expect(check({})).toEqual([mutable("MUTABLE")]);
    expect(check({ imageTagMutability: null })).toEqual([mutable("MUTABLE")]);
    for (const value of ["MUTABLE", "MUTABLE_WITH_EXCLUSION", "immutable", "Immutable"]) expect(check({ imageTagMutability: value })).toEqual([mutable(value)]);
  });

  it("refuses exclusions from immutability unless allowedMutableTagFilters names each one exactly", () => {
    expect(check(withExclusions("latest", "*"))).toEqual([excluded(0, "latest"), excluded(1, "*")]);
    expect(check(withExclusions("latest", "dev-*"), { allowedMutableTagFilters: ["latest"] })).toEqual([excluded(1, "dev-*")]);
    expect(check(withExclusions("latest*"), { allowedMutableTagFilters: ["latest"] })).toEqual([excluded(0, "latest*")]);
  });

  it("accepts immutable tags, and exclusions the config allows", () => {
    expect(check({ imageTagMutability: "IMMUTABLE" })).toEqual([]);
    expect(check({ imageTagMutability: "IMMUTABLE_WITH_EXCLUSION" })).toEqual([]);
    expect(check(withExclusions("latest", "dev-*"), { allowedMutableTagFilters: ["dev-*", "latest"] })).toEqual([]);
  });

  it("reports unknown values as advisory and ignores other resource types", () => {
    expect(check({ imageTagMutability: UNKNOWN })).toEqual([["advisory", `imageTagMutability: the tag mutability ${LATER}`]]);
    expect(check({ imageTagMutability: "IMMUTABLE_WITH_EXCLUSION", imageTagMutabilityExclusionFilters: UNKNOWN })).toEqual([["advisory", `imageTagMutabilityExclusionFilters: the tags left mutable ${LATER}`]]);
    expect(check({ imageTagMutability: "IMMUTABLE_WITH_EXCLUSION", imageTagMutabilityExclusionFilters: [UNKNOWN] })).toEqual([["advisory", `imageTagMutabilityExclusionFilters[0].filter: a tag left mutable ${LATER}`]]);
    expect(check(withExclusions(UNKNOWN, "x"))).toEqual([["advisory", `imageTagMutabilityExclusionFilters[0].filter: a tag left mutable ${LATER}`], excluded(1, "x")]);
    expect(check({}, {}, "aws:ecrpublic/repository:Repository")).toEqual([]);
  });
});

describe("ecr-repository-missing-kms-encryption", () => {
  const RULE = "ecr-repository-missing-kms-encryption";
  const check = (encryptionConfigurations: unknown, type = REPOSITORY) => findings(validateResource(RULE, type, encryptionConfigurations === undefined ? {} : { encryptionConfigurations }));
  const NONE = ["policy", "encryptionConfigurations: images are encrypted with AES256 (S3-managed keys); set encryptionConfigurations: [{encryptionType: \"KMS\", kmsKey: <customer-managed key ARN>}]"];
  const notKms = (value: unknown) => ["policy", `encryptionConfigurations[0].encryptionType: ${JSON.stringify(value)} is not KMS or KMS_DSSE (the values are case-sensitive); images are not encrypted with a key you control`];
  const NO_KEY = ["policy", "encryptionConfigurations[0].kmsKey: no key is given, so ECR uses the AWS managed aws/ecr key, whose policy cannot be restricted; set kmsKey to a customer-managed key"];
  const awsManaged = (key: string) => ["policy", `encryptionConfigurations[0].kmsKey: ${key} is an AWS managed key, whose policy cannot be restricted; use a customer-managed key`];

  it("refuses a repository without encryption configuration (AES256 by default)", () => {
    expect(check(undefined)).toEqual([NONE]);
    expect(check([])).toEqual([NONE]);
  });

  it("refuses encryption types other than KMS and KMS_DSSE, including their lower-case spellings", () => {
    expect(check([{}])).toEqual([notKms("AES256")]);
    for (const value of ["AES256", "kms", "Kms_Dsse", 1]) expect(check([{ encryptionType: value, kmsKey: KEY }])).toEqual([notKms(value)]);
  });

  it("refuses KMS with the AWS managed key, by omission or by alias", () => {
    expect(check([{ encryptionType: "KMS" }])).toEqual([NO_KEY]);
    expect(check([{ encryptionType: "KMS", kmsKey: "" }])).toEqual([NO_KEY]);
    for (const key of ["alias/aws/ecr", "arn:aws:kms:eu-west-1:111122223333:alias/aws/ecr"]) expect(check([{ encryptionType: "KMS_DSSE", kmsKey: key }])).toEqual([awsManaged(key)]);
  });

  it("judges the first configuration only, as the provider sends only that one", () => {
    expect(check([{ encryptionType: "AES256" }, { encryptionType: "KMS", kmsKey: KEY }])).toEqual([notKms("AES256")]);
    expect(check([{ encryptionType: "KMS", kmsKey: KEY }, { encryptionType: "AES256" }])).toEqual([]);
  });

  it("accepts KMS and KMS_DSSE with a customer-managed key ARN or alias", () => {
    for (const configuration of [{ encryptionType: "KMS", kmsKey: KEY }, { encryptionType: "KMS_DSSE", kmsKey: KEY }, { encryptionType: "KMS", kmsKey: "alias/model-images" }]) expect(check([configuration])).toEqual([]);
  });

  it("reports unknown values as advisory and ignores other resource types", () => {
    expect(check(UNKNOWN)).toEqual([["advisory", `encryptionConfigurations: the encryption configuration ${LATER}`]]);
    expect(check([UNKNOWN])).toEqual([["advisory", `encryptionConfigurations[0]: the encryption configuration ${LATER}`]]);
    expect(check([{ encryptionType: UNKNOWN, kmsKey: KEY }])).toEqual([["advisory", `encryptionConfigurations[0].encryptionType: the encryption type ${LATER}`]]);
    expect(check([{ encryptionType: "KMS", kmsKey: UNKNOWN }])).toEqual([["advisory", `encryptionConfigurations[0].kmsKey: the KMS key ${LATER}`]]);
    expect(check(undefined, "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate")).toEqual([]);
  });
});
