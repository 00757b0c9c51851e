import type { PolicyConfigSchema, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { describeSeconds, durationSeconds } from "../lib/durations";
import { reportFindings, unverified, violation, type Finding } from "../lib/findings";
import { hasGlob, parseVaultPolicy } from "../lib/vaultPolicy";
import { asArray, asString, isUnknown, rawProps } from "../lib/values";

export const VAULT = {
  authRole: "vault:kubernetes/authBackendRole:AuthBackendRole",
  databaseRole: "vault:database/secretBackendRole:SecretBackendRole",
  awsRole: "vault:aws/secretBackendRole:SecretBackendRole",
  policy: "vault:index/policy:Policy",
  audit: "vault:index/audit:Audit",
} as const;

/**
 * Checks a TTL field against a maximum: it must be set (0 or unset means Vault's system default,
 * 32 days unless tuned) and at most `maximum` seconds.
 */
function ttlFindings(props: Record<string, unknown>, field: string, maximum: number, what: string): Finding[] {
  const value = props[field];
  if (isUnknown(value)) return [unverified(field, what)];
  const seconds = durationSeconds(value);
  if (value !== undefined && seconds === undefined) return [violation(field, `${JSON.stringify(value)} is not a duration`)];
  if (seconds === undefined || seconds === 0) return [violation(field, `${what} is not set, so Vault's system default applies (32 days unless tuned); set it to at most ${describeSeconds(maximum)}`)];
  return seconds > maximum ? [violation(field, `${what} is ${describeSeconds(seconds)}, above the ${describeSeconds(maximum)} allowed; shorten it`)] : [];
}

const ttlSchema = (defaults: Record<string, number>): PolicyConfigSchema => ({
  properties: Object.fromEntries(Object.entries(defaults).map(([key, value]) => [key, { type: "integer" as const, minimum: 60, default: value, description: "Longest allowed, in seconds." }])),
});

const wildcardBindings: ResourceValidationPolicy = {
  name: "vault-auth-role-disallow-wildcard-bindings",
  description: "Vault Kubernetes auth roles must bind explicit service accounts and namespaces (no \"*\", no label selectors).",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "List the team's service accounts in boundServiceAccountNames and its namespace in boundServiceAccountNamespaces.",
  validateResource: (args, reportViolation) => {
    if (args.type !== VAULT.authRole) return;
    const props = rawProps(args.props);
    const findings = (["boundServiceAccountNames", "boundServiceAccountNamespaces"] as const).flatMap((field) => {
      const values = props[field];
      if (isUnknown(values) || asArray(values).some(isUnknown)) return [unverified(field, field)];
      const list = asArray(values);
      if (list.length === 0 && !(field === "boundServiceAccountNamespaces" && props.boundServiceAccountNamespaceSelector)) {
        return [violation(field, "is empty; list the exact names")];
      }
      const wildcards = list.filter((value) => typeof value === "string" && value.includes("*"));
      return wildcards.length > 0 ? [violation(field, `${wildcards.map((value) => JSON.stringify(value)).join(", ")} lets any ${field.endsWith("Namespaces") ? "namespace" : "service account"} log in; list the exact names`)] : [];
    });
    if (props.boundServiceAccountNamespaceSelector !== undefined && props.boundServiceAccountNamespaceSelector !== "") {
      findings.push(violation("boundServiceAccountNamespaceSelector", "a label selector admits every namespace that carries the labels, including ones created later; list the namespaces instead"));
    }
    reportFindings(reportViolation, findings);
  },
};

const missingAudience: ResourceValidationPolicy = {
  name: "vault-auth-role-missing-audience",
  description: "Vault Kubernetes auth roles should require a token audience, so tokens issued for other services cannot be replayed to Vault.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps: "Set audience (e.g. vault) and request projected tokens for that audience.",
  validateResource: (args, reportViolation) => {
    if (args.type !== VAULT.authRole) return;
    const audience = rawProps(args.props).audience;
    if (isUnknown(audience)) reportFindings(reportViolation, [unverified("audience", "the audience")]);
    else if (audience === undefined || audience === "") reportFindings(reportViolation, [violation("audience", "no audience is required; any token of the service account is accepted")]);
  },
};

interface AuthTtlConfig {
  maxTokenTtlSeconds?: number;
  maxTokenMaxTtlSeconds?: number;
}

const authRoleTtl: ResourceValidationPolicy = {
  name: "vault-auth-role-ttl-too-long",
  description: "Vault tokens issued to workloads must be short-lived and not periodic.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set tokenTtl and tokenMaxTtl within the configured bounds and leave tokenPeriod unset.",
  configSchema: ttlSchema({ maxTokenTtlSeconds: 3600, maxTokenMaxTtlSeconds: 86400 }),
  validateResource: (args, reportViolation) => {
    if (args.type !== VAULT.authRole) return;
    const props = rawProps(args.props);
    const config = args.getConfig<AuthTtlConfig>();
    const findings = [
      ...ttlFindings(props, "tokenTtl", config.maxTokenTtlSeconds ?? 3600, "the token TTL"),
      ...ttlFindings(props, "tokenMaxTtl", config.maxTokenMaxTtlSeconds ?? 86400, "the token max TTL"),
    ];
    const period = durationSeconds(props.tokenPeriod);
    if (isUnknown(props.tokenPeriod)) findings.push(unverified("tokenPeriod", "the token period"));
    else if (period !== undefined && period > 0) findings.push(violation("tokenPeriod", "periodic tokens can be renewed forever; remove tokenPeriod"));
    reportFindings(reportViolation, findings);
  },
};

interface LeaseConfig {
  maxTtlSeconds?: number;
  maxMaxTtlSeconds?: number;
}

const databaseRoleTtl: ResourceValidationPolicy = {
  name: "vault-database-role-ttl-too-long",
  description: "Dynamic database credentials must have a short default and maximum lease.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set defaultTtl and maxTtl within the configured bounds.",
  configSchema: ttlSchema({ maxTtlSeconds: 3600, maxMaxTtlSeconds: 86400 }),
  validateResource: (args, reportViolation) => {
    if (args.type !== VAULT.databaseRole) return;
    const props = rawProps(args.props);
    const config = args.getConfig<LeaseConfig>();
    reportFindings(reportViolation, [
      ...ttlFindings(props, "defaultTtl", config.maxTtlSeconds ?? 3600, "the credential lease"),
      ...ttlFindings(props, "maxTtl", config.maxMaxTtlSeconds ?? 86400, "the credential max lease"),
    ]);
  },
};

const STS_CREDENTIAL_TYPES = new Set(["assumed_role", "federation_token", "session_token"]);

const awsRole: ResourceValidationPolicy = {
  name: "vault-aws-role-disallow-long-lived",
  description: "Vault AWS roles must issue STS credentials (assumed_role, federation_token), not IAM users, with short TTLs.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Use credentialType assumed_role with roleArns, and set defaultStsTtl and maxStsTtl within the configured bounds.",
  configSchema: ttlSchema({ maxTtlSeconds: 3600, maxMaxTtlSeconds: 43200 }),
  validateResource: (args, reportViolation) => {
    if (args.type !== VAULT.awsRole) return;
    const props = rawProps(args.props);
    const config = args.getConfig<LeaseConfig>();
    const type = props.credentialType;
    if (isUnknown(type)) return reportFindings(reportViolation, [unverified("credentialType", "the credential type")]);
    if (!STS_CREDENTIAL_TYPES.has(String(type))) {
      return reportFindings(reportViolation, [violation("credentialType", `${JSON.stringify(type)} creates IAM users with access keys; use assumed_role`)]);
    }
    reportFindings(reportViolation, [
      ...ttlFindings(props, "defaultStsTtl", config.maxTtlSeconds ?? 3600, "the STS credential TTL"),
      ...ttlFindings(props, "maxStsTtl", config.maxMaxTtlSeconds ?? 43200, "the STS credential max TTL"),
    ]);
  },
};

interface VaultPolicyConfig {
  allowedPaths?: string[];
}

const policyWildcards: ResourceValidationPolicy = {
  name: "vault-policy-disallow-wildcards",
  description: "Vault policies must name exact paths (no * or + globs) and grant no sudo, except on paths allowed in config.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Replace globbed paths with the exact paths the team needs; remove sudo.",
  configSchema: { properties: { allowedPaths: { type: "array", items: { type: "string" }, default: [], description: "Paths exempt from this rule (e.g. for platform operators)." } } },
  validateResource: async (args, reportViolation) => {
    if (args.type !== VAULT.policy) return;
    const text = rawProps(args.props).policy;
    if (isUnknown(text)) return reportFindings(reportViolation, [unverified("policy", "the policy text")]);
    let rules;
    try {
      rules = await parseVaultPolicy(asString(text) ?? "");
    } catch (error) {
      return reportFindings(reportViolation, [violation("policy", `is not a valid Vault policy (${(error as Error).message.split("\n")[0]})`)]);
    }
    const allowed = new Set(args.getConfig<VaultPolicyConfig>().allowedPaths ?? []);
    reportFindings(reportViolation, rules.filter((rule) => !allowed.has(rule.path)).flatMap((rule) => [
      ...(hasGlob(rule.path) ? [violation(`policy: path "${rule.path}"`, "matches more than one path; name the exact path")] : []),
      ...(rule.capabilities.includes("sudo") ? [violation(`policy: path "${rule.path}"`, "grants sudo (root-protected endpoints); remove it")] : []),
    ]));
  },
};

const auditDevice: StackValidationPolicy = {
  name: "vault-audit-device-missing",
  description: "A stack that configures Vault must enable an audit device, so every credential issued is traceable.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Add a vault.Audit (file or socket device).",
  validateStack: (args, reportViolation) => {
    const vaultResources = args.resources.filter((resource) => resource.type.startsWith("vault:"));
    if (vaultResources.length > 0 && !vaultResources.some((resource) => resource.type === VAULT.audit)) {
      reportViolation(`the stack configures ${vaultResources.length} Vault resource(s) but no audit device; add a vault.Audit`);
    }
  },
};

export const vaultPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  wildcardBindings, missingAudience, authRoleTtl, databaseRoleTtl, awsRole, policyWildcards, auditDevice,
];
