import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { bridgedBoolean } from "../lib/bridgedValues";
import { reportFindings, unverified, violation, type Finding } from "../lib/findings";
import { keyReference } from "../lib/kmsKeys";
import { REGISTRY_DEFAULT, scansOnPush, type Scanned } from "../lib/registryScanning";
import type { StackResource } from "../lib/stack";
import { perSubjectStackRule } from "../lib/stackRule";
import { asArray, asRecord, asString, isUnknown, rawProps } from "../lib/values";

/**
 * FACT (hashicorp/terraform-provider-aws internal/service/ecr/repository.go, the provider behind
 * @pulumi/aws 7.48.0): image_tag_mutability defaults to MUTABLE and encryption_type to AES256, both
 * checked case-sensitively against the ECR API's values (MUTABLE, IMMUTABLE, IMMUTABLE_WITH_EXCLUSION,
 * MUTABLE_WITH_EXCLUSION; AES256, KMS, KMS_DSSE); encryption_configuration is a list of which only the
 * first element is sent (expandRepositoryEncryptionConfiguration); an omitted kms_key makes ECR use the
 * AWS managed aws/ecr key (ECR API Reference, EncryptionConfiguration). The rules read absent values as
 * these defaults, so they judge the registered and the checked inputs alike.
 */
const REPOSITORY = "aws:ecr/repository:Repository";
const REGISTRY_SCANNING = "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration";

const repositoryLabel = (props: Record<string, unknown>) => `repository ${asString(props.name) ?? "(name not known yet)"}`;

interface MutableTagsConfig {
  allowedMutableTagFilters?: string[];
}

function tagMutabilityFindings(props: Record<string, unknown>, allowed: string[]): Finding[] {
  const mutability = props.imageTagMutability ?? "MUTABLE";
  if (isUnknown(mutability)) return [unverified("imageTagMutability", "the tag mutability")];
  if (mutability === "IMMUTABLE") return [];
  if (mutability !== "IMMUTABLE_WITH_EXCLUSION") {
    return [violation("imageTagMutability", `${JSON.stringify(mutability)} lets a push replace the image behind an existing tag; set imageTagMutability: "IMMUTABLE"`)];
  }
  const filters = props.imageTagMutabilityExclusionFilters;
  if (isUnknown(filters)) return [unverified("imageTagMutabilityExclusionFilters", "the tags left mutable")];
  return asArray(filters).flatMap((entry, index) => {
    const path = `imageTagMutabilityExclusionFilters[${index}].filter`;
    const filter = isUnknown(entry) ? entry : asRecord(entry).filter;
    if (isUnknown(filter)) return [unverified(path, "a tag left mutable")];
    return allowed.some((permitted) => permitted === filter)
      ? []
      : [violation(path, `tags matching ${JSON.stringify(filter)} stay mutable, so the image behind them can be replaced; remove the exclusion or add the filter to allowedMutableTagFilters`)];
  });
}

const mutableTags: ResourceValidationPolicy = {
  name: "ecr-repository-disallow-mutable-tags",
  description: "ECR repositories must make image tags immutable (IMMUTABLE, or IMMUTABLE_WITH_EXCLUSION leaving only allowedMutableTagFilters mutable).",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps: "Set imageTagMutability: \"IMMUTABLE\" (push a new tag for every build; deploy by digest).",
  configSchema: {
    properties: {
      allowedMutableTagFilters: { type: "array", items: { type: "string" }, default: [], description: "Exclusion filters (exactly as written) that may stay mutable under IMMUTABLE_WITH_EXCLUSION, e.g. \"latest\"." },
    },
  },
  validateResource: (args, reportViolation) => {
    if (args.type !== REPOSITORY) return;
    reportFindings(reportViolation, tagMutabilityFindings(rawProps(args.props), args.getConfig<MutableTagsConfig>().allowedMutableTagFilters ?? []));
  },
};

const KMS_TYPES = ["KMS", "KMS_DSSE"];

function encryptionFindings(configurations: unknown): Finding[] {
  if (isUnknown(configurations)) return [unverified("encryptionConfigurations", "the encryption configuration")];
  const first = asArray(configurations)[0];
  if (first === undefined) return [violation("encryptionConfigurations", "images are encrypted with AES256 (S3-managed keys); set encryptionConfigurations: [{encryptionType: \"KMS\", kmsKey: <customer-managed key ARN>}]")];
  if (isUnknown(first)) return [unverified("encryptionConfigurations[0]", "the encryption configuration")];
  const { encryptionType = "AES256", kmsKey } = asRecord(first);
  if (isUnknown(encryptionType)) return [unverified("encryptionConfigurations[0].encryptionType", "the encryption type")];
  if (!KMS_TYPES.some((type) => type === encryptionType)) {
    return [violation("encryptionConfigurations[0].encryptionType", `${JSON.stringify(encryptionType)} is not KMS or KMS_DSSE (the values are case-sensitive); images are not encrypted with a key you control`)];
  }
  const key = keyReference(kmsKey);
  if (key === "unknown") return [unverified("encryptionConfigurations[0].kmsKey", "the KMS key")];
  if (key === "none") return [violation("encryptionConfigurations[0].kmsKey", "no key is given, so ECR uses the AWS managed aws/ecr key, whose policy cannot be restricted; set kmsKey to a customer-managed key")];
  if (key === "aws-managed") return [violation("encryptionConfigurations[0].kmsKey", `${String(kmsKey)} is an AWS managed key, whose policy cannot be restricted; use a customer-managed key`)];
  return [];
}

const kmsEncryption: ResourceValidationPolicy = {
  name: "ecr-repository-missing-kms-encryption",
  description: "ECR repositories must encrypt images with KMS (or KMS_DSSE) and a customer-managed key.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set encryptionConfigurations: [{encryptionType: \"KMS\", kmsKey: key.arn}] with an aws.kms.Key of the stack (the repository is replaced: encryption cannot change after create).",
  validateResource: (args, reportViolation) => {
    if (args.type !== REPOSITORY) return;
    reportFindings(reportViolation, encryptionFindings(rawProps(args.props).encryptionConfigurations));
  },
};

/** Registry configurations that can apply to the repository: a configuration in another named region cannot. */
function registryConfigurations(repository: StackResource, items: StackResource[]): StackResource[] {
  const region = asString(repository.props.region);
  return items.filter((item) => {
    if (item.resource.type !== REGISTRY_SCANNING) return false;
    const configRegion = asString(item.props.region);
    return region === undefined || configRegion === undefined || region === configRegion;
  });
}

const notCoveredBy = (scanType: unknown) => scanType === "ENHANCED"
  ? "no ENHANCED rule's filter matches it (under enhanced scanning the repository's own scanOnPush does not apply)"
  : `its scan type is ${JSON.stringify(scanType)} and neither its scanOnPush nor a SCAN_ON_PUSH rule's filter covers it`;

const scanOnPush = perSubjectStackRule(
  {
    name: "ecr-repository-missing-scan-on-push",
    description: "Images pushed to ECR repositories must be scanned for vulnerabilities: the repository scans on push under basic scanning, or a registry scanning rule whose filter matches it does.",
    remediationSteps: "Set imageScanningConfiguration.scanOnPush: true, or add an aws.ecr.RegistryScanningConfiguration (ENHANCED, a SCAN_ON_PUSH or CONTINUOUS_SCAN rule with filter \"*\").",
  },
  (items) => items.filter((item) => item.resource.type === REPOSITORY),
  (repository, items) => {
    const label = repositoryLabel(repository.props);
    const setting = repository.props.imageScanningConfiguration;
    const own = isUnknown(setting) ? setting : asRecord(setting).scanOnPush;
    const scanned: Scanned = isUnknown(own) ? undefined : bridgedBoolean(own) === true;
    const configurations = registryConfigurations(repository, items);
    const registries = configurations.length > 0 ? configurations.map((item) => ({ props: item.props, name: item.resource.name })) : [{ props: REGISTRY_DEFAULT, name: undefined }];
    const verdicts = registries.map((registry) => ({ ...registry, scanned: scansOnPush(registry.props, { name: repository.props.name, scanOnPush: scanned }) }));
    const refused = verdicts.find((verdict) => verdict.scanned === false);
    if (refused) return [violation("imageScanningConfiguration.scanOnPush", refused.name === undefined ? `${label} does not scan images on push and no registry scanning configuration in the stack covers it; pushed images are never checked for known vulnerabilities` : `${label} is not scanned on push under registry scanning configuration ${refused.name}: ${notCoveredBy(refused.props.scanType)}; add a rule whose filter matches the repository`)];
    return verdicts.some((verdict) => verdict.scanned === undefined) ? [unverified("imageScanningConfiguration.scanOnPush", `whether images pushed to ${label} are scanned`)] : [];
  },
);

export const ecrPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [scanOnPush, mutableTags, kmsEncryption];
