import * as fs from "node:fs";
import Ajv, { type ErrorObject } from "ajv";
import type * as pb from "@pulumi/pulumi/proto/analyzer_pb";

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
/** In the order of the protocol's EnforcementLevel enum (ADVISORY = 0, MANDATORY, DISABLED, REMEDIATE). */
const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];

/** `pulumi preview --policy-pack-config` JSON: per policy a level, or an object of level and properties; `all` sets every level. */
export type PolicyPackConfig = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

export class PolicyConfigError extends Error {}

export interface ResolvedPolicyConfig {
  enforcementLevel: EnforcementLevel;
  properties: Record<string, unknown>;
}

interface PolicyDescription {
  name: string;
  enforcementLevel: EnforcementLevel;
  configSchema?: { properties: Record<string, unknown>; required: string[] };
}

export function describePolicies(info: pb.AnalyzerInfo): PolicyDescription[] {
  return info.getPoliciesList().map((policy) => {
    const schema = policy.getConfigschema();
    return {
      name: policy.getName(),
      enforcementLevel: LEVELS[policy.getEnforcementlevel()],
      configSchema: schema ? { properties: (schema.getProperties()?.toJavaScript() ?? {}), required: schema.getRequiredList() } : undefined,
    };
  });
}

/** Short enough to print in an error message. */
const LISTED_VALUES = 12;

/** Ajv's message, plus the value it refused and, for a short enum, what is allowed (so a typo is obvious). */
function describeError(error: ErrorObject): string {
  const where = `config${error.instancePath}`;
  if (error.keyword !== "enum") return `${where} ${error.message ?? "is invalid"}`;
  const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
  const choices = allowed.length <= LISTED_VALUES ? `; allowed: ${allowed.map(String).join(", ")}` : "";
  return `${where} ${error.message ?? "must be equal to one of the allowed values"} (got ${JSON.stringify(error.data)}${choices})`;
}

/**
 * Resolves the config of every policy as the engine does before Configure: the level from the config
 * (its `all` entry, then the policy's own entry, else the policy's default), schema defaults filled in,
 * and the properties validated against the policy's config schema.
 */
export function resolvePolicyConfig(policies: PolicyDescription[], config: PolicyPackConfig = {}): Map<string, ResolvedPolicyConfig> {
  const known = new Set(policies.map((policy) => policy.name));
  const unknown = Object.keys(config).filter((name) => name !== "all" && !known.has(name));
  if (unknown.length > 0) throw new PolicyConfigError(`policy config names unknown policies: ${unknown.join(", ")}`);
  const all = config.all;
  if (all !== undefined && !LEVELS.includes(all as EnforcementLevel)) throw new PolicyConfigError(`policy config "all" must be one of ${LEVELS.join(", ")}`);
  const ajv = new Ajv({ useDefaults: true, allErrors: true, strict: false, verbose: true });
  const resolved = new Map<string, ResolvedPolicyConfig>();
  for (const policy of policies) {
    const entry = config[policy.name];
    const { enforcementLevel, ...properties } = typeof entry === "string" ? { enforcementLevel: entry } : (entry ?? {});
    const level = (enforcementLevel ?? (all as EnforcementLevel | undefined) ?? policy.enforcementLevel);
    if (!LEVELS.includes(level)) throw new PolicyConfigError(`${policy.name}: enforcementLevel must be one of ${LEVELS.join(", ")}`);
    if (policy.configSchema) {
      const validate = ajv.compile({ type: "object", properties: policy.configSchema.properties, required: policy.configSchema.required });
      if (!validate(properties)) {
        throw new PolicyConfigError(`${policy.name}: ${(validate.errors ?? []).map(describeError).join(", ")}`);
      }
    } else if (Object.keys(properties).length > 0) {
      throw new PolicyConfigError(`${policy.name}: takes no config properties (got ${Object.keys(properties).join(", ")})`);
    }
    resolved.set(policy.name, { enforcementLevel: level, properties });
  }
  return resolved;
}

export const enforcementLevelNumber = (level: EnforcementLevel): pb.EnforcementLevel => LEVELS.indexOf(level);
export const enforcementLevelName = (level: pb.EnforcementLevel): EnforcementLevel => LEVELS[level];

/** Reads a `--policy-pack-config` JSON file; a missing or malformed file is a PolicyConfigError. */
export function readPolicyConfigFile(file: string | undefined): PolicyPackConfig | undefined {
  if (!file) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as PolicyPackConfig;
  } catch (error) {
    throw new PolicyConfigError(`${file}: not a readable JSON policy config (${(error as Error).message})`);
  }
}
