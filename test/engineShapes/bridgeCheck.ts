import { createHash } from "node:crypto";
import { goJsonMarshal } from "./goJson";
import { hasTagsAll, resourceInputs, type InputType } from "./sdkSchema";
import { containsUnknown, isRecord, stripSecrets, UNKNOWN_VALUE } from "./wireValues";

/**
 * What a Terraform-bridged provider's Check (aws, vault) hands the engine for a resource.
 *
 * FACT (pulumi/pulumi-terraform-bridge pkg/tfbridge/provider.go Check, HEAD 59de6c66):
 * 1. the new inputs are unmarshalled with SkipNulls: a property set to null is dropped.
 * 2. the resource's PreCheckCallback runs; pulumi-aws sets it for resources with tags and tagsAll:
 *    tagsAll = the provider's defaultTags merged with the resource's tags (ignoreTags removed), {}
 *    when empty, unknown when either is unknown (pulumi/pulumi-aws provider/tags.go applyTags, 1128bcae).
 * 3. inputs go through makeTerraformInputs and back through MakeTerraformOutputs (pkg/tfbridge/schema.go):
 *    - a field with Transform TransformJSONDocument (pkg/tfbridge/transforms.go) takes an object as
 *      Go's json.Marshal of it (a string is kept); any unknown inside makes the whole value unknown.
 *      pulumi-aws sets it on iam Role.assumeRolePolicy, Policy/RolePolicy/UserPolicy/GroupPolicy.policy,
 *      s3 BucketPolicy.policy and Bucket.policy (provider/resources.go, 00ba5ea5) - the fields the SDK
 *      types `string | PolicyDocument`. kms Key.policy is a plain string (no Transform, SDK type string).
 *    - a string given for a TF int becomes the number (strconv.ParseInt); a string given for a TF bool
 *      comes back as the bool strconv.ParseBool reads ("1", "t", "T", "true", "TRUE", "True" and the
 *      false forms), else it stays a string; a bool or number given for a TF string becomes its text
 *      (makeTerraformInput, CoerceTerraformString).
 *    - every object gets `__defaults`: the properties filled from defaults (the engine strips only the
 *      top-level one before Analyze: pulumi/pulumi sdk/go/common/resource/plugin/rpc.go "Only skip top
 *      level internal keys"; analyzer_plugin.go Analyze marshals with SkipInternalKeys). Maps (TF
 *      TypeMap, e.g. tags) get none (makeMapTerraformInputs).
 *    - a missing autonamed property is filled: pulumi-aws autonames every input `name` as
 *      `<resource name>-<7 hex>` (provider/autonaming.go setAutonaming, AutoName(255, "-")), s3 Bucket
 *      `bucket` lowercased (resources.go AutoNameTransform("bucket", 63)), kms Alias `alias/<name>-<7 hex>`.
 *      The name is the one the resource is then created with, so where the offline plan's mocks
 *      computed one, that value is used (dependents of the resource read it from its outputs).
 *    - Terraform schema defaults are filled except falsy ones (pulumi-terraform-bridge#2618): no
 *      ml-guard rule reads a field whose TF default differs from how the rule treats it absent, so
 *      they are not modelled (kms keyUsage/customerMasterKeySpec default to the symmetric values
 *      isSymmetric assumes; enableKeyRotation, enableLogFileValidation and the public-access flags
 *      default to false, suppressed).
 */
export interface BridgeCheckContext {
  /** The aws provider's defaultTags.tags (none in this repository's stacks). */
  defaultTags?: Record<string, string>;
  /** What the offline plan's mocks answered for the resource: a name they computed is the one it is created with. */
  outputs?: Record<string, unknown>;
}

type Json = Record<string, unknown>;

/** Go's strconv.ParseBool. */
function parseGoBool(text: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(text)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(text)) return false;
  return undefined;
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== null).map(([key, inner]) => [key, withoutNulls(inner)]));
}

/** A value converted to TF config and back to Pulumi for its declared type. */
function roundTrip(value: unknown, type: InputType | undefined): unknown {
  if (value === UNKNOWN_VALUE || value === undefined) return value;
  switch (type?.kind) {
    case "jsonDocument":
      if (containsUnknown(value)) return UNKNOWN_VALUE;
      return typeof value === "string" ? value : goJsonMarshal(value);
    case "boolean":
      return typeof value === "string" ? parseGoBool(value) ?? value : value;
    case "number":
      return typeof value === "string" && /^[-+]?[0-9]+$/.test(value) ? Number(value) : value;
    case "string":
      return typeof value === "boolean" || typeof value === "number" ? String(value) : value;
    case "array":
      return Array.isArray(value) ? value.map((item) => roundTrip(item, type.items)) : value;
    case "object":
      return isRecord(value) ? block(value, type.properties()) : value;
    default:
      // Maps and properties the SDK does not type are passed as given (TF TypeMap gets no __defaults).
      return value;
  }
}

/** An object (TF block): each property round-tripped, plus `__defaults`. */
function block(value: Json, properties: Map<string, InputType>): Json {
  const result: Json = Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, roundTrip(inner, properties.get(key))]));
  return { ...result, __defaults: [] };
}

const hash7 = (urn: string) => createHash("sha256").update(urn).digest("hex").slice(0, 7);

function autonames(typeToken: string, urn: string, name: string, inputs: Json, properties: Map<string, InputType>, outputs: Json): Json {
  const filled: Json = {};
  const computed = (key: string, fallback: string) => (typeof outputs[key] === "string" ? outputs[key] : fallback);
  if (typeToken === "aws:s3/bucket:Bucket" || typeToken === "aws:s3/bucketV2:BucketV2") {
    if (inputs.bucket === undefined && inputs.bucketPrefix === undefined) filled.bucket = computed("bucket", `${name}-${hash7(urn)}`.toLowerCase());
  } else if (typeToken === "aws:kms/alias:Alias") {
    if (inputs.name === undefined && inputs.namePrefix === undefined) filled.name = computed("name", `alias/${name}-${hash7(urn)}`);
  } else if (typeToken.startsWith("aws:") && properties.get("name")?.kind === "string" && inputs.name === undefined && inputs.namePrefix === undefined) {
    filled.name = computed("name", `${name}-${hash7(urn)}`);
  }
  return filled;
}

/** The checked inputs of an aws or vault resource (see the FACTs above); other types come back unchanged. */
export function bridgeCheck(typeToken: string, urn: string, name: string, registered: Json, context: BridgeCheckContext = {}): Json {
  const properties = resourceInputs(typeToken);
  if (!properties) return registered;
  // Check sees plain values (secrets are re-marked from the schema afterwards; the pack unwraps them anyway).
  let news = withoutNulls(stripSecrets(registered)) as Json;
  if (typeToken.startsWith("aws:") && hasTagsAll(typeToken)) {
    const tags = news.tags ?? {};
    news = { ...news, tagsAll: containsUnknown(tags) ? UNKNOWN_VALUE : { ...(context.defaultTags ?? {}), ...(isRecord(tags) ? tags : {}) } };
  }
  const checked: Json = Object.fromEntries(Object.entries(news).map(([key, inner]) => [key, key === "tagsAll" ? inner : roundTrip(inner, properties.get(key))]));
  return { ...checked, ...autonames(typeToken, urn, name, news, properties, context.outputs ?? {}) };
}

/**
 * Provider state after create: the checked inputs with each JSON document as Terraform stores it
 * (StateFunc structure.NormalizeJsonString: decoded and marshalled again, keys sorted), over what
 * the mocks computed.
 * FACT: hashicorp/terraform-provider-aws internal/service/iam/role.go assume_role_policy StateFunc
 * NormalizeJsonString (likewise the other policy documents).
 */
export function bridgeState(typeToken: string, checked: Json, computedOutputs: Json): Json {
  const properties = resourceInputs(typeToken) ?? new Map<string, InputType>();
  const state: Json = { ...computedOutputs, ...checked };
  for (const [key, type] of properties) {
    const value = state[key];
    if (type.kind === "jsonDocument" && typeof value === "string" && value !== UNKNOWN_VALUE) {
      try {
        state[key] = goJsonMarshal(JSON.parse(value));
      } catch {
        // Terraform refuses invalid JSON at plan time; the string stays as given.
      }
    }
  }
  return state;
}
