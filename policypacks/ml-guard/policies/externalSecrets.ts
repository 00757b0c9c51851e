import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { describeSeconds, durationSeconds } from "../lib/durations";
import { reportFindings, unverified, violation, type Finding } from "../lib/findings";
import { givenSelectorIsEmpty, labelSelectorIsEmpty, parseKubernetesType } from "../lib/kubernetes";
import { namespaceName, objectName, ofTypes, selection, withRawProps, type StackResource } from "../lib/stack";
import { groupedBy } from "../lib/stackIndexes";
import { asArray, asRecord, asString, containsUnknown, isRecord, isUnknown, rawProps } from "../lib/values";
import { VAULT } from "./vault";

const ESO_GROUP = "external-secrets.io";
const GENERATOR_GROUP = "generators.external-secrets.io";
/** ESO's own default when an ExternalSecret sets no refreshInterval. */
const ESO_DEFAULT_REFRESH_SECONDS = 3600;

const esoKind = (type: string): string | undefined => {
  const parsed = parseKubernetesType(type);
  return parsed && (parsed.group === ESO_GROUP || parsed.group === GENERATOR_GROUP) ? parsed.kind : undefined;
};

/** Findings for a Vault provider block: https, and Kubernetes auth through a short-lived service account token. */
function vaultProviderFindings(provider: unknown, path: string): Finding[] {
  if (isUnknown(provider)) return [unverified(path, "the provider")];
  const providers = Object.keys(asRecord(provider));
  if (!providers.includes("vault")) return [violation(path, `reads from ${providers.join(", ") || "no provider"}; team secrets come from Vault only`)];
  return vaultFindings(asRecord(provider).vault, `${path}.vault`);
}

/** Findings for the Vault provider settings at `path` (a store's provider.vault, a generator's provider). */
function vaultFindings(settings: unknown, path: string): Finding[] {
  if (isUnknown(settings)) return [unverified(path, "the Vault provider")];
  const vault = asRecord(settings);
  const findings: Finding[] = [];
  const server = vault.server;
  if (isUnknown(server)) findings.push(unverified(`${path}.server`, "the Vault address"));
  else if (!(asString(server) ?? "").toLowerCase().startsWith("https://")) findings.push(violation(`${path}.server`, `${JSON.stringify(server)} is not https; credentials would cross the network in clear text`));
  const auth = asRecord(vault.auth);
  const methods = Object.keys(auth);
  if (methods.includes("tokenSecretRef")) {
    findings.push(violation(`${path}.auth.tokenSecretRef`, "authenticates with a static Vault token kept in a Secret; use Kubernetes auth with the team's service account"));
  } else if (!methods.includes("kubernetes")) {
    findings.push(violation(`${path}.auth`, `authenticates with ${methods.join(", ") || "nothing"}; use Kubernetes auth with the team's service account`));
  } else {
    const kubernetes = asRecord(auth.kubernetes);
    if (kubernetes.secretRef !== undefined) findings.push(violation(`${path}.auth.kubernetes.secretRef`, "logs in with a long-lived service account token from a Secret; use serviceAccountRef (short-lived TokenRequest tokens)"));
  }
  return findings;
}

const storeVaultKubernetesAuth: ResourceValidationPolicy = {
  name: "eso-store-require-vault-kubernetes-auth",
  description: "SecretStores, ClusterSecretStores and Vault generators must use Vault over https with Kubernetes auth (no static tokens).",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set spec.provider.vault with an https server and auth.kubernetes {mountPath, role, serviceAccountRef}.",
  validateResource: (args, reportViolation) => {
    const kind = esoKind(args.type);
    const spec = asRecord(rawProps(args.props).spec);
    if (kind === "SecretStore" || kind === "ClusterSecretStore") reportFindings(reportViolation, vaultProviderFindings(spec.provider, "spec.provider"));
    else if (kind === "VaultDynamicSecret") reportFindings(reportViolation, vaultFindings(spec.provider, "spec.provider"));
  },
};

const clusterStoreConditions: ResourceValidationPolicy = {
  name: "eso-clustersecretstore-missing-conditions",
  description: "A ClusterSecretStore must be limited to named namespaces and must not log in as one fixed service account for all of them.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps: "Prefer a namespaced SecretStore per team. Otherwise set spec.conditions (namespaces or namespaceSelector) and use referent auth (serviceAccountRef without namespace).",
  validateResource: (args, reportViolation) => {
    if (esoKind(args.type) !== "ClusterSecretStore") return;
    const spec = asRecord(rawProps(args.props).spec);
    const findings: Finding[] = [];
    const conditions = spec.conditions;
    if (isUnknown(conditions)) findings.push(unverified("spec.conditions", "the namespace conditions"));
    else {
      const entries = asArray(conditions).map(asRecord);
      // Conditions are alternatives: a namespace that matches any one of them may use the store, and an
      // empty label selector ({} or {matchLabels: {}}) matches every namespace, whatever the other entries say.
      const openEntry = entries.findIndex((entry) => givenSelectorIsEmpty(entry.namespaceSelector) === true);
      const limiting = entries.filter((entry) => asArray(entry.namespaces).length > 0 || asArray(entry.namespaceRegexes).length > 0 || !labelSelectorIsEmpty(entry.namespaceSelector));
      if (openEntry >= 0) findings.push(violation(`spec.conditions[${openEntry}].namespaceSelector`, "an empty selector matches every namespace, and conditions are alternatives: any team's ExternalSecret can read what this store's identity can read; select namespaces by label or name"));
      else if (containsUnknown(conditions)) findings.push(unverified("spec.conditions", "part of the namespace conditions"));
      else if (limiting.length === 0) findings.push(violation("spec.conditions", "the store serves every namespace: any team's ExternalSecret can read what this store's identity can read; limit it with conditions"));
    }
    const serviceAccount = asRecord(asRecord(asRecord(asRecord(asRecord(spec.provider).vault).auth).kubernetes).serviceAccountRef);
    if (typeof serviceAccount.namespace === "string") {
      findings.push(violation("spec.provider.vault.auth.kubernetes.serviceAccountRef.namespace", `every namespace reads as ${serviceAccount.namespace}/${String(serviceAccount.name)}: one shared Vault identity; remove the namespace so each namespace logs in as its own account`));
    }
    reportFindings(reportViolation, findings);
  },
};

interface RefreshConfig {
  maxRefreshIntervalSeconds?: number;
}

const refreshInterval: ResourceValidationPolicy = {
  name: "eso-refresh-interval-too-long",
  description: "ExternalSecrets must refresh (refreshInterval not 0) at least every maxRefreshIntervalSeconds.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps: "Set spec.refreshInterval (e.g. 45m) within the configured maximum and below the credential's lease.",
  configSchema: { properties: { maxRefreshIntervalSeconds: { type: "integer", minimum: 60, default: 3600, description: "Longest allowed refresh interval." } } },
  validateResource: (args, reportViolation) => {
    if (esoKind(args.type) !== "ExternalSecret") return;
    const value = asRecord(rawProps(args.props).spec).refreshInterval;
    const maximum = args.getConfig<RefreshConfig>().maxRefreshIntervalSeconds ?? 3600;
    // CreatedOnce and OnChange ignore refreshInterval: the Secret is written once and never follows the lease.
    const policy = asRecord(rawProps(args.props).spec).refreshPolicy;
    if (isUnknown(policy)) return reportFindings(reportViolation, [unverified("spec.refreshPolicy", "the refresh policy")]);
    if (policy !== undefined && policy !== "Periodic") {
      return reportFindings(reportViolation, [violation("spec.refreshPolicy", `${JSON.stringify(policy)} never refreshes on a schedule: the Secret keeps credentials after their lease expires; use Periodic`)]);
    }
    if (isUnknown(value)) return reportFindings(reportViolation, [unverified("spec.refreshInterval", "the refresh interval")]);
    const seconds = value === undefined ? ESO_DEFAULT_REFRESH_SECONDS : durationSeconds(value);
    const findings: Finding[] = seconds === undefined
      ? [violation("spec.refreshInterval", `${JSON.stringify(value)} is not a duration`)]
      : seconds === 0
        ? [violation("spec.refreshInterval", "0 never refreshes: the Secret keeps credentials after their lease expires; set an interval below the lease")]
        : seconds > maximum
          ? [violation("spec.refreshInterval", `refreshes every ${describeSeconds(seconds)}, longer than ${describeSeconds(maximum)}`)]
          : [];
    reportFindings(reportViolation, findings);
  },
};

/** The store and generator references of an ExternalSecret, with their paths. */
function sourcesOf(spec: Record<string, unknown>): { path: string; store?: Record<string, unknown>; generator?: Record<string, unknown> }[] {
  const sources: { path: string; store?: Record<string, unknown>; generator?: Record<string, unknown> }[] = [];
  if (isRecord(spec.secretStoreRef)) sources.push({ path: "spec.secretStoreRef", store: spec.secretStoreRef });
  for (const list of ["data", "dataFrom"] as const) {
    asArray(spec[list]).forEach((entry, index) => {
      const sourceRef = asRecord(asRecord(entry).sourceRef);
      if (isRecord(sourceRef.storeRef)) sources.push({ path: `spec.${list}[${index}].sourceRef.storeRef`, store: sourceRef.storeRef });
      if (isRecord(sourceRef.generatorRef)) sources.push({ path: `spec.${list}[${index}].sourceRef.generatorRef`, generator: sourceRef.generatorRef });
    });
  }
  return sources;
}

/** The External Secrets objects of the stack: each ExternalSecret looks its store up among them. */
const esoObjects = selection((item) => esoKind(item.resource.type) !== undefined);

const esoByKindAndName = groupedBy(esoObjects, (item) => JSON.stringify([esoKind(item.resource.type), objectName(item)]));

function findInStack(items: StackResource[], kind: string, name: string | undefined, namespace: string | undefined): StackResource | undefined {
  return esoByKindAndName(items).get(JSON.stringify([kind, name]))?.find((item) => kind === "ClusterSecretStore" || namespaceName(item) === namespace);
}

/** Vault database and AWS secret roles by mount and name, as a credentials path names them. */
const vaultRolesByMountAndName = groupedBy(ofTypes(VAULT.databaseRole, VAULT.awsRole), (item) =>
  (typeof item.props.backend === "string" && typeof item.props.name === "string" ? JSON.stringify([item.props.backend, item.props.name]) : undefined));

const vaultSource: StackValidationPolicy = {
  name: "eso-externalsecret-require-vault-source",
  description: "ExternalSecrets must read from Vault-backed stores or Vault generators.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Point secretStoreRef at the team's Vault SecretStore, and generatorRef at a VaultDynamicSecret.",
  validateStack: (args, reportViolation) => {
    const items = withRawProps(args.resources);
    for (const item of items.filter((candidate) => esoKind(candidate.resource.type) === "ExternalSecret")) {
      const spec = asRecord(item.props.spec);
      const namespace = namespaceName(item);
      const findings = sourcesOf(spec).flatMap(({ path, store, generator }): Finding[] => {
        if (generator) {
          const kind = asString(generator.kind);
          if (kind !== "VaultDynamicSecret") return [violation(path, `generator ${kind ?? "(no kind)"} is not Vault; generate credentials with a VaultDynamicSecret`)];
          return [];
        }
        const kind = asString(store?.kind) ?? "SecretStore";
        const found = findInStack(items, kind, asString(store?.name), namespace);
        if (!found) return [unverified(path, `${kind} ${String(store?.name)}, which is not part of this stack,`)];
        return Object.keys(asRecord(asRecord(found.props.spec).provider)).includes("vault") ? [] : [violation(path, `${kind} ${String(store?.name)} is not Vault-backed`)];
      });
      reportFindings(reportViolation, findings, item.resource.urn);
    }
  },
};

/** The lease of a Vault path `<mount>/creds/<role>` or `<mount>/sts/<role>`, from the database or AWS role in the stack. */
function leaseSeconds(items: StackResource[], vaultPath: string): number | undefined {
  const match = /^(.+)\/(creds|sts)\/([^/]+)$/.exec(vaultPath);
  if (!match) return undefined;
  const [, mount, kind, role] = match;
  // The AWS engine serves STS credentials at both creds/ and sts/; the database engine at creds/ only.
  const types: string[] = kind === "creds" ? [VAULT.databaseRole, VAULT.awsRole] : [VAULT.awsRole];
  const found = vaultRolesByMountAndName(items).get(JSON.stringify([mount, role]))?.find((item) => types.includes(item.resource.type));
  const lease = found ? durationSeconds(found.resource.type === VAULT.databaseRole ? found.props.defaultTtl : found.props.defaultStsTtl) : undefined;
  // 0 (or unset) means the mount's default TTL, which the role TTL rules report.
  return lease === 0 ? undefined : lease;
}

const refreshBelowLease: StackValidationPolicy = {
  name: "eso-refresh-interval-exceeds-lease",
  description: "An ExternalSecret fed by a Vault dynamic secret must refresh before the credential's lease expires.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Set refreshInterval below the Vault role's default TTL (three quarters of it leaves room for retries).",
  validateStack: (args, reportViolation) => {
    const items = withRawProps(args.resources);
    for (const item of items.filter((candidate) => esoKind(candidate.resource.type) === "ExternalSecret")) {
      const spec = asRecord(item.props.spec);
      const refresh = spec.refreshInterval === undefined ? ESO_DEFAULT_REFRESH_SECONDS : durationSeconds(spec.refreshInterval);
      if (refresh === undefined || refresh === 0) continue; // eso-refresh-interval-too-long reports these.
      const findings = sourcesOf(spec).flatMap(({ path, generator }): Finding[] => {
        if (!generator || generator.kind !== "VaultDynamicSecret") return [];
        const found = findInStack(items, "VaultDynamicSecret", asString(generator.name), namespaceName(item));
        const vaultPath = asString(asRecord(found?.props.spec).path);
        const lease = vaultPath ? leaseSeconds(items, vaultPath) : undefined;
        if (lease === undefined) return [];
        return refresh >= lease
          ? [violation(path, `refreshes every ${describeSeconds(refresh)} but the credentials of ${vaultPath} last ${describeSeconds(lease)}: pods would hold expired credentials; refresh below the lease`)]
          : [];
      });
      reportFindings(reportViolation, findings, item.resource.urn);
    }
  },
};

export const externalSecretsPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  storeVaultKubernetesAuth, clusterStoreConditions, refreshInterval, vaultSource, refreshBelowLease,
];
