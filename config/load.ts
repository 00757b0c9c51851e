import { platformConfigSchema, SECRET_FIELDS, type PlatformConfig } from "./schema";
import { approvalProblems } from "./approvals";
import { accessLogCollectorProblems, meshImageProblems } from "./meshImages";
import { modelVerificationProblems } from "./modelVerification";
import { ConfigError, toConfigError } from "./errors";

/** The Pulumi project name: our config keys are `secure-ml-platform:<key>`. */
export const PROJECT = "secure-ml-platform";
/** Provider keys the program itself reads, mapped to their schema field. */
const PROVIDER_KEYS: Record<string, keyof PlatformConfig> = { "aws:region": "awsRegion" };

/**
 * Raw stack config as the Pulumi engine hands it to a program: namespaced keys, each value a string
 * (structured values as JSON), plus the set of keys whose values are secrets.
 */
export interface RawStackConfig {
  values: Record<string, string>;
  secretKeys: ReadonlySet<string>;
}

function parseValue(key: string, value: string): unknown {
  const trimmed = value.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return value;
  try {
    return JSON.parse(trimmed);
  } catch {
    throw new ConfigError([`${key}: is not valid structured config (JSON/YAML object or list expected)`]);
  }
}

/** `["quota", "gpu"]` -> `.quota.gpu`, `[0, "name"]` -> `[0].name`. */
function formatPath(path: PropertyKey[]): string {
  return path.map((segment) => (typeof segment === "number" ? `[${segment}]` : `.${String(segment)}`)).join("");
}

/** Validates the whole stack config at once; throws a ConfigError naming every bad key. */
export function parsePlatformConfig(raw: RawStackConfig): PlatformConfig {
  const candidate: Record<string, unknown> = {};
  const keyOfField = new Map<string, string>();
  for (const [key, value] of Object.entries(raw.values)) {
    const providerField = PROVIDER_KEYS[key];
    if (providerField) {
      candidate[providerField] = parseValue(key, value);
      keyOfField.set(providerField, key);
    } else if (key.startsWith(`${PROJECT}:`)) {
      const field = key.slice(PROJECT.length + 1);
      candidate[field] = parseValue(key, value);
      keyOfField.set(field, key);
    }
  }
  const configKeyOf = (field: string) =>
    keyOfField.get(field) ?? Object.keys(PROVIDER_KEYS).find((key) => PROVIDER_KEYS[key] === field) ?? `${PROJECT}:${field}`;
  const keyName = (path: PropertyKey[]) =>
    path.length === 0 ? PROJECT : configKeyOf(String(path[0])) + formatPath(path.slice(1));
  const isSecret = (path: PropertyKey[]) => path.length > 0 && raw.secretKeys.has(keyName([path[0]]));
  const result = platformConfigSchema.safeParse(candidate, { reportInput: true });
  if (!result.success) throw toConfigError(result.error, platformConfigSchema, keyName, isSecret);
  const problems = relationProblems(result.data, (field) => raw.secretKeys.has(keyName([field])), keyName);
  if (problems.length > 0) throw new ConfigError(problems);
  return result.data;
}

/** Rules between keys that one key's schema cannot express: secrets set as secrets, sections that need others. */
function relationProblems(config: PlatformConfig, isSecretKey: (field: string) => boolean, keyName: (path: PropertyKey[]) => string): string[] {
  const problems: string[] = [];
  for (const field of SECRET_FIELDS) {
    if (config[field] !== undefined && !isSecretKey(field)) {
      problems.push(`${keyName([field])}: is a credential stored in plain text; set it with pulumi config set --secret ${keyName([field])} <value>`);
    }
  }
  if (config.vault?.database && config.databasePassword === undefined) {
    problems.push(`${keyName(["databasePassword"])}: is required when ${keyName(["vault"])}.database is set; set it with pulumi config set --secret`);
  }
  if (config.databasePassword !== undefined && !config.vault?.database) {
    problems.push(`${keyName(["databasePassword"])}: is set but ${keyName(["vault"])}.database is not configured`);
  }
  if (config.vault?.topology === "external" && config.vault.kubernetesCaCert === undefined) {
    problems.push(`${keyName(["vault"])}.kubernetesCaCert: is required when ${keyName(["vault"])}.topology is external: Vault outside the cluster has no pod CA to verify the API server with`);
  }
  const stsHost = `sts.${config.awsRegion}.amazonaws.com`;
  if (config.awsWorkloadIdentity && !config.kubernetes.egress.some((target) => target.hosts.includes(stsHost))) {
    problems.push(`${keyName(["kubernetes", "egress"])}: needs a target with host ${stsHost} when ${keyName(["awsWorkloadIdentity"])} is set: pods exchange their token with the regional STS endpoint, and default-deny egress would block it`);
  }
  if (config.externalSecrets && !config.vault) {
    problems.push(`${keyName(["externalSecrets"])}: needs ${keyName(["vault"])}: the stores read from Vault`);
  }
  const teams = new Set(config.teams.map((team) => team.name));
  const seenModels = new Map<string, number>();
  config.models.forEach((model, index) => {
    if (!teams.has(model.team)) problems.push(`${keyName(["models", index, "team"])} = ${JSON.stringify(model.team)}: must be one of the configured teams (${[...teams].join(", ")})`);
    const first = seenModels.get(`${model.team}/${model.name}`);
    if (first !== undefined) problems.push(`${keyName(["models", index, "name"])} = ${JSON.stringify(model.name)}: duplicates models[${first}] of team ${model.team}`);
    else seenModels.set(`${model.team}/${model.name}`, index);
  });
  problems.push(...approvalProblems(config, keyName));
  problems.push(...modelVerificationProblems(config, keyName));
  problems.push(...meshImageProblems(config, keyName));
  problems.push(...accessLogCollectorProblems(config, keyName));
  if (config.models.length > 0 && !config.mesh) {
    problems.push(`${keyName(["models"])}: endpoints need ${keyName(["mesh"])}: without JWT authentication and authorization anyone with the URL gets predictions`);
  }
  if (config.supplyChain?.install && !config.kubernetes.apiServer) {
    problems.push(`${keyName(["kubernetes", "apiServer"])}: is required with ${keyName(["supplyChain"])}.install: the controller's namespace is default-deny and must reach it`);
  }
  if (config.mesh?.install && !config.kubernetes.apiServer) {
    problems.push(`${keyName(["kubernetes", "apiServer"])}: is required with ${keyName(["mesh"])}.install: istiod's namespace is default-deny and must reach it`);
  }
  if (config.externalSecrets) {
    for (const endpoint of ["apiServer", "vaultEndpoint"] as const) {
      if (!config.kubernetes[endpoint]) {
        problems.push(`${keyName(["kubernetes", endpoint])}: is required with ${keyName(["externalSecrets"])}: the operator's namespace is default-deny and must be allowed to reach it`);
      }
    }
  }
  return problems;
}
