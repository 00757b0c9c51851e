import type { PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { artifactBucketsOf, OBJECT_WRITE_ACTIONS, reachesOnlyOthers, writesUnder, type ArtifactBuckets } from "../lib/artifactBuckets";
import { exemptNamespacesSchema, isExemptNamespace, type ExemptNamespacesConfig } from "../lib/config";
import { describeSeconds } from "../lib/durations";
import { unverified, violation, type Finding } from "../lib/findings";
import { coversAction, grantStatementsOf } from "../lib/iamGrants";
import { describeContainer, isKind, podTemplatesOf } from "../lib/kubernetes";
import { namespaceOrDefault, rotatingSecretsOf, type RotatingSecret } from "../lib/rotatingSecrets";
import { frozenSecretReferences, type FrozenSecretReference } from "../lib/secretReferences";
import { permissionDocumentsOf, servingEvidence, servingServiceAccounts, type PermissionDocument } from "../lib/servingIdentities";
import type { StackResource } from "../lib/stack";
import { advisoryFinding, resourceFindingsRule, type ResourceFindings } from "../lib/stackFindings";
import { allows, literalPrefix, pathReachesBelow } from "../lib/vaultAcl";
import { databaseLeaseLifetime, describeLifetime, tokenLifetime, VAULT_SERVER_DEFAULT_SECONDS, type ServerLeaseDefaults } from "../lib/vaultLifetimes";
import { AUTH_ROLE_KINDS, authMountOf, authRoleKind, authRoles, backendOf, describeRole, grantsOf, mountPath, secretMountOf, vaultPoliciesOf, type StackVaultPolicy } from "../lib/vaultRoles";
import { asArray, asRecord, asString, asText, isUnknown } from "../lib/values";
import { VAULT } from "./vault";

/**
 * Rules about how credentials live and reach workloads: a Vault token must outlive the leases it
 * requests, an External Secrets store's role must be able to look up its own token, a serving
 * identity must not be able to change the models it serves, and a rotating Secret must reach a
 * container as a file that follows it, not as an env var frozen at start.
 */

interface ServerConfig {
  vaultDefaultLeaseTtlSeconds?: number;
  vaultMaxLeaseTtlSeconds?: number;
}

const serverSchema: PolicyConfigSchema = {
  properties: {
    vaultDefaultLeaseTtlSeconds: {
      type: "integer", minimum: 1, default: VAULT_SERVER_DEFAULT_SECONDS,
      description: "The Vault server's default_lease_ttl (768h unless its config file says otherwise): the TTL of tokens and leases neither their role nor their mount sets.",
    },
    vaultMaxLeaseTtlSeconds: {
      type: "integer", minimum: 1, default: VAULT_SERVER_DEFAULT_SECONDS,
      description: "The Vault server's max_lease_ttl (768h unless its config file says otherwise): the cap of mounts that set none.",
    },
  },
};

const serverDefaults = (config: ServerConfig): ServerLeaseDefaults => ({
  defaultSeconds: config.vaultDefaultLeaseTtlSeconds ?? VAULT_SERVER_DEFAULT_SECONDS,
  maxSeconds: config.vaultMaxLeaseTtlSeconds ?? VAULT_SERVER_DEFAULT_SECONDS,
});

/** A database role's credentials path (`<mount>/creds/<role>`); undefined while unknown until apply. */
interface DatabaseCredential {
  databaseRole: StackResource;
  path?: string;
}

const databaseCredentialsOf = (items: StackResource[]): DatabaseCredential[] =>
  items.filter((item) => item.resource.type === VAULT.databaseRole).map((databaseRole) => {
    const backend = mountPath(databaseRole.props.backend) ?? mountPath(secretMountOf(items, databaseRole)?.props.path);
    const name = asString(databaseRole.props.name);
    return { databaseRole, path: backend === undefined || name === undefined ? undefined : `${backend}/creds/${name}` };
  });

function tokenLeaseFindings(role: StackResource, items: StackResource[], all: DatabaseCredential[], policies: Map<string, StackVaultPolicy>, server: ServerLeaseDefaults): Finding[] {
  const grants = grantsOf(role, policies);
  if (grants.unknownList) return [unverified("tokenPolicies", "the role's policy list")];
  const findings = grants.unknownPolicies.map((name) => unverified("tokenPolicies", `the text of policy ${name}`));
  // A database role whose path is unknown until apply matters only to a role that reads credentials somewhere.
  const readsCredentials = grants.rules.flat().some((rule) => rule.path.includes("/creds/") && rule.capabilities.includes("read"));
  for (const unknownPath of all.filter((credential) => credential.path === undefined && readsCredentials)) {
    findings.push(unverified("tokenPolicies", `the path of database role ${unknownPath.databaseRole.resource.name}`));
  }
  // Every role against every database role grows with the square of the teams: most paths are ruled out by their text first.
  const prefixes = grants.rules.flat().map((rule) => literalPrefix(rule.path));
  const reachable = (path: string) => prefixes.some((prefix) => path.startsWith(prefix));
  const credentials = all.flatMap(({ databaseRole, path }) => (path !== undefined && reachable(path) && allows(grants.rules, path, "read") ? [{ databaseRole, path }] : []));
  if (credentials.length === 0) return findings;
  const token = tokenLifetime(role, authMountOf(items, role), server);
  if ("unknown" in token) return [...findings, unverified("tokenTtl", `${token.unknown} of ${describeRole(role)}`)];
  for (const { databaseRole, path } of credentials) {
    const lease = databaseLeaseLifetime(databaseRole, secretMountOf(items, databaseRole), server);
    if ("unknown" in lease) findings.push(unverified("tokenTtl", `the lease of ${path} (${lease.unknown})`));
    else if (token.seconds < lease.seconds) {
      findings.push(violation("tokenTtl", `tokens of ${describeRole(role)} live ${describeLifetime(token)}, but the credentials its policies let it read at ${path} lease for ${describeLifetime(lease)}: Vault revokes a lease when the token that created it expires, and External Secrets never renews that token, so pods lose the credentials ${describeSeconds(lease.seconds - token.seconds)} before their lease ends; give the role a tokenTtl (and tokenMaxTtl, and mount maximum) of at least ${describeSeconds(lease.seconds)}, or shorten the lease`));
    }
  }
  return findings;
}

const tokenOutlivesLease: StackValidationPolicy = resourceFindingsRule<ServerConfig>(
  {
    name: "vault-auth-role-ttl-below-lease",
    description: "A Vault auth role's tokens must live at least as long as the database credentials its policies let it read: Vault revokes a lease with the token that created it, and External Secrets never renews its token (AWS STS credentials, which cannot be revoked, are exempt).",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Set the auth role's tokenTtl (and tokenMaxTtl and the auth mount's tune.maxLeaseTtl) to at least the database role's lease (defaultTtl), or shorten the lease.",
    configSchema: serverSchema,
  },
  async (items, config) => {
    const policies = await vaultPoliciesOf(items);
    const server = serverDefaults(config);
    // The stack's database credentials once, not once per role: both grow with the teams.
    const credentials = databaseCredentialsOf(items);
    return authRoles(items).map((role) => ({ urn: role.resource.urn, findings: tokenLeaseFindings(role, items, credentials, policies, server) }));
  },
);

/** How an External Secrets store names its Vault login, per auth method (ESO's VaultAuth fields and their defaults). */
const STORE_LOGINS = [
  { method: "kubernetes", mountField: "mountPath", roleField: "role", roleProperty: "roleName" },
  { method: "jwt", mountField: "path", roleField: "role", roleProperty: "roleName" },
  { method: "appRole", mountField: "path", roleField: "roleId", roleProperty: "roleId" },
] as const;

const LOOKUP_SELF = "auth/token/lookup-self";
const REVOKE_SELF = "auth/token/revoke-self";

/** A ClusterSecretStore that logs in per referring namespace: ESO cannot validate it up front (validate.go). */
function isReferent(kind: string, login: Record<string, unknown>, method: string): boolean {
  if (kind !== "ClusterSecretStore") return false;
  const withoutNamespace = (ref: unknown) => ref !== undefined && asRecord(ref).namespace === undefined;
  if (method === "kubernetes") return withoutNamespace(login.serviceAccountRef) || withoutNamespace(login.secretRef);
  if (method === "jwt") return withoutNamespace(login.secretRef) || withoutNamespace(asRecord(login.kubernetesServiceAccountToken).serviceAccountRef);
  return withoutNamespace(login.secretRef);
}

function storeLoginFindings(store: StackResource, kind: string, items: StackResource[], policies: Map<string, StackVaultPolicy>): Finding[] {
  const vault = asRecord(asRecord(store.props.spec).provider).vault;
  if (vault === undefined) return [];
  const auth = asRecord(vault).auth;
  if (isUnknown(vault) || isUnknown(auth)) return [unverified("spec.provider.vault.auth", "the store's Vault login")];
  const entry = STORE_LOGINS.find((candidate) => asRecord(auth)[candidate.method] !== undefined);
  if (!entry) return []; // Token and other logins: eso-store-require-vault-kubernetes-auth reports them.
  const login = asRecord(asRecord(auth)[entry.method]);
  const path = `spec.provider.vault.auth.${entry.method}.${entry.roleField}`;
  const mount = login[entry.mountField] ?? AUTH_ROLE_KINDS.find((candidate) => candidate.esoMethod === entry.method)?.defaultBackend;
  const roleValue = login[entry.roleField];
  if (isUnknown(roleValue) || isUnknown(mount) || isUnknown(login)) return [unverified(path, "the Vault role the store logs in as")];
  if (roleValue === undefined) {
    const why = entry.method === "appRole" ? "reads its role id from a Secret (roleRef)" : "names no role (the jwt mount's default_role applies)";
    return [advisoryFinding(path, `the store ${why}, so this rule cannot tell which Vault role it logs in as or check its policies`)];
  }
  const role = authRoles(items).find((candidate) => authRoleKind(candidate)?.esoMethod === entry.method &&
    mountPath(backendOf(candidate)) === mountPath(mount) && asString(candidate.props[entry.roleProperty]) === roleValue);
  if (!role) return [advisoryFinding(path, `Vault role ${asText(roleValue)} at auth/${String(mountPath(mount))} is not part of this stack, so whether it may look up and revoke its own token cannot be checked`)];
  const grants = grantsOf(role, policies);
  if (grants.unknownList || grants.unknownPolicies.length > 0) return [unverified(path, `the policies of ${describeRole(role)}`)];
  const canLookUp = allows(grants.rules, LOOKUP_SELF, "read");
  const canRevoke = allows(grants.rules, REVOKE_SELF, "update");
  const without = `${describeRole(role)} drops the default policy (tokenNoDefaultPolicy) and none of its policies grants`;
  if (!canLookUp) {
    const missing = `read on ${LOOKUP_SELF}${canRevoke ? "" : ` (nor update on ${REVOKE_SELF})`}`;
    // A referent ClusterSecretStore is not validated up front; its client still looks the token up to revoke it.
    if (isReferent(kind, login, entry.method)) {
      return [advisoryFinding(path, `${without} ${missing}: External Secrets looks the store's token up before revoking it, so every token it logs in with stays alive until its TTL; grant read on ${LOOKUP_SELF} and update on ${REVOKE_SELF}`)];
    }
    return [violation(path, `${without} ${missing}: External Secrets validates the store by looking up its fresh token, so the store never becomes Ready and no ExternalSecret reading from it syncs; grant read on ${LOOKUP_SELF} and update on ${REVOKE_SELF} (or keep the default policy)`)];
  }
  return canRevoke ? [] : [advisoryFinding(path, `${without} update on ${REVOKE_SELF}: External Secrets cannot revoke the store's token when it is done with it, so each one stays alive until its TTL; grant update on ${REVOKE_SELF}`)];
}

const storeTokenSelfService: StackValidationPolicy = resourceFindingsRule(
  {
    name: "eso-store-vault-role-missing-token-lookup",
    description: "An External Secrets store's Vault role must let its token look itself up (read auth/token/lookup-self), which ESO does to validate the store, and should let it revoke itself (update auth/token/revoke-self); tokenNoDefaultPolicy drops the default policy that grants both.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Grant read on auth/token/lookup-self and update on auth/token/revoke-self in the store role's policy, or keep the default policy (tokenNoDefaultPolicy false).",
  },
  async (items) => {
    const policies = await vaultPoliciesOf(items);
    return items.flatMap((store) => {
      const kind = ["SecretStore", "ClusterSecretStore"].find((candidate) => isKind(store.resource.type, "external-secrets.io", candidate));
      return kind ? [{ urn: store.resource.urn, findings: storeLoginFindings(store, kind, items, policies) }] : [];
    });
  },
);

function artifactWriteFindings(role: StackResource, items: StackResource[], buckets: ArtifactBuckets): ResourceFindings[] {
  const documents = permissionDocumentsOf(role, items);
  const statements = documents.flatMap((document) => (document.document ? grantStatementsOf(document.document).map((statement) => ({ document, statement })) : []));
  const denials = statements.filter(({ statement }) => statement.effect === "Deny" && !statement.hasCondition).map(({ statement }) => statement);
  const writing = statements.filter(({ statement }) => statement.effect === "Allow" && OBJECT_WRITE_ACTIONS.some((action) => coversAction(statement, action)));
  const unknownDocuments = documents.filter((document) => document.unknown);
  if (writing.length === 0 && unknownDocuments.length === 0) return [];
  const evidence = servingEvidence(role, items);
  if (!evidence.why) {
    return evidence.unknown ? [{ urn: role.resource.urn, findings: [unverified("assumeRolePolicy", `${evidence.unknown}, which decides whether serving pods run as this role,`)] }] : [];
  }
  const identity = `serving identity ${role.resource.name} (${evidence.why})`;
  const at = (document: PermissionDocument, findings: Finding[]): ResourceFindings => ({ urn: document.holder.resource.urn, findings });
  return [
    ...unknownDocuments.map((document) => at(document, [unverified(document.path, `the policy document of ${identity}`)])),
    ...writing.map(({ document, statement }) => {
      const path = document.managed ? document.path : `${document.path}.Statement[${statement.index}]`;
      const grants = document.managed ? `attaches the AWS-managed ${document.managed}, which allows` : "allows";
      const findings: Finding[] = buckets.prefixes.flatMap((prefix) => {
        const actions = writesUnder(statement, prefix, denials);
        return actions.length === 0 ? [] : [violation(path, `${grants} ${identity} ${actions.join(", ")} on objects of the model-artifacts bucket ${prefix.slice("arn:aws:s3:::".length, -1)}: a compromised model server could replace or delete the models it serves; grant serving s3:GetObject (and s3:ListBucket) only`)];
      });
      // A bucket of unknown name or role, or none known to hold the artifacts: say what this stack cannot rule out.
      if (findings.length === 0 && (buckets.undecided || buckets.prefixes.length === 0) && !reachesOnlyOthers(statement, buckets)) {
        findings.push(advisoryFinding(path, `${grants} ${identity} to write S3 objects (${statement.resources.join(", ") || "NotResource"}) and no model-artifacts bucket of this stack can be told apart from them; if they hold models, grant serving s3:GetObject only`));
      }
      return at(document, findings);
    }),
  ];
}

/** Capabilities that change or remove a secret. */
const WRITE_CAPABILITIES = ["create", "update", "patch", "delete"];
const KV_ENGINES = ["kv", "kv-v2", "generic"];

/** Kubernetes auth roles serving pods log in with (bound to a serving service account, or to any). */
function servingVaultRoles(items: StackResource[]): StackResource[] {
  const servingNames = new Set(["serving", ...servingServiceAccounts(items).map((account) => asString(asRecord(account.props.metadata).name) ?? "")]);
  return items.filter((item) => item.resource.type === VAULT.authRole && asArray(item.props.boundServiceAccountNames).some((name) => name === "*" || servingNames.has(String(name))));
}

function kvWriteFindings(items: StackResource[], policies: Map<string, StackVaultPolicy>): ResourceFindings[] {
  const kvMounts = items.filter((item) => item.resource.type === "vault:index/mount:Mount" && KV_ENGINES.includes(String(item.props.type))).map((item) => mountPath(item.props.path)).filter((path): path is string => path !== undefined);
  const byPolicy = new Map<StackVaultPolicy, Set<string>>();
  for (const role of servingVaultRoles(items)) {
    for (const name of asArray(role.props.tokenPolicies).map(asString)) {
      const policy = name === undefined ? undefined : policies.get(name);
      if (policy) byPolicy.set(policy, (byPolicy.get(policy) ?? new Set()).add(describeRole(role)));
    }
  }
  return [...byPolicy].map(([policy, roles]) => ({
    urn: policy.resource.resource.urn,
    findings: policy.unknown ? [unverified("policy", `the policy text of the serving identity of ${[...roles].join(", ")}`)] : (policy.rules ?? []).flatMap((rule) => {
      const writes = rule.capabilities.includes("deny") ? [] : rule.capabilities.filter((capability) => WRITE_CAPABILITIES.includes(capability));
      const mounts = kvMounts.filter((mount) => pathReachesBelow(rule.path, mount));
      return writes.length > 0 && mounts.length > 0
        ? [violation(`policy: path "${rule.path}"`, `grants ${writes.join(", ")} in the KV mount ${mounts.join(", ")} to the serving identity of ${[...roles].join(", ")}: serving pods could change the secrets other workloads read; grant read only`)]
        : [];
    }),
  }));
}

const servingArtifactWrites: StackValidationPolicy = resourceFindingsRule(
  {
    name: "serving-identity-disallow-artifact-writes",
    description: "Serving identities must not be able to change what they serve: no IAM role a serving service account assumes may write objects of a bucket tagged mlops.io/bucket-role=model-artifacts, and no Vault role bound to one may write to a KV mount.",
    enforcementLevel: "mandatory",
    severity: "high",
    remediationSteps: "Give the serving role s3:GetObject (and s3:ListBucket) on the artifacts only, and its Vault policy read only; keep writes for the training identity.",
  },
  async (items) => {
    const buckets = artifactBucketsOf(items);
    const roles = items.filter((item) => item.resource.type === "aws:iam/role:Role");
    return [...roles.flatMap((role) => artifactWriteFindings(role, items, buckets)), ...kvWriteFindings(items, await vaultPoliciesOf(items))];
  },
);

interface RotatingEnvConfig extends ExemptNamespacesConfig {
  externalRotatingSecrets?: string[];
}

const HOW: Record<FrozenSecretReference["how"], string> = {
  env: "as an env var",
  envFrom: "as env vars (envFrom)",
  subPath: "as a file mounted with subPath",
};

/** Whether a rotating Secret may be `name` in `namespace` (either side unknown until apply counts as maybe). */
const mayBe = (secret: RotatingSecret, name: string | undefined, namespace: string | undefined) =>
  (secret.name === undefined || name === undefined || secret.name === name) && (secret.namespace === undefined || namespace === undefined || secret.namespace === namespace);

function frozenReadFindings(reference: FrozenSecretReference, namespace: string | undefined, rotating: RotatingSecret[], external: string[]): Finding[] {
  const who = describeContainer(reference.container);
  if (reference.secretName === undefined) return [unverified(reference.path, `the Secret ${who} reads ${HOW[reference.how]}`)];
  const frozen = `${who} reads Secret ${reference.secretName} ${HOW[reference.how]}`;
  const fix = "the kubelet never updates a running container's environment (nor a subPath file), so the process keeps the old credentials after they are replaced and revoked; mount the Secret as a volume (without subPath) and read the file";
  if (external.includes(reference.secretName)) return [violation(reference.path, `${frozen}, and it is listed in externalRotatingSecrets: ${fix}`)];
  const match = rotating.find((secret) => secret.name === reference.secretName && namespace !== undefined && secret.namespace === namespace);
  if (match?.rotation) return [violation(reference.path, `${frozen}, which ExternalSecret ${match.externalSecret.resource.name} rewrites (${match.rotation}): ${fix}`)];
  if (match) return [unverified(reference.path, `${match.unknown} of ExternalSecret ${match.externalSecret.resource.name}, which decides whether Secret ${reference.secretName} rotates,`)];
  const undecided = rotating.find((secret) => mayBe(secret, reference.secretName, namespace));
  return undecided ? [unverified(reference.path, `the target Secret of ExternalSecret ${undecided.externalSecret.resource.name}, which may be ${reference.secretName},`)] : [];
}

const rotatingSecretEnv: StackValidationPolicy = resourceFindingsRule<RotatingEnvConfig>(
  {
    name: "pod-disallow-rotating-secret-env",
    description: "Containers must read a Secret that rotates (an ExternalSecret's target, with a generator or a refresh interval) from a mounted volume, not through env, envFrom or a subPath mount, which keep the value the container started with.",
    enforcementLevel: "mandatory",
    severity: "medium",
    remediationSteps: "Mount the Secret as a volume (no subPath) and have the process read the file (AWS_SHARED_CREDENTIALS_FILE, a DSN file...) each time it connects; list Secrets that rotate but are maintained in another stack in externalRotatingSecrets.",
    configSchema: {
      properties: {
        ...exemptNamespacesSchema.properties,
        externalRotatingSecrets: {
          type: "array", items: { type: "string" }, default: [],
          description: "Names of Secrets that rotate but whose ExternalSecret is not part of this stack (e.g. the platform's credential Secrets, in a team stack).",
        },
      },
    },
  },
  (items, config) => {
    const rotating = rotatingSecretsOf(items);
    const external = config.externalRotatingSecrets ?? [];
    return items.flatMap((item) => {
      const pods = podTemplatesOf(item.resource.type, item.props);
      const namespace = namespaceOrDefault(item);
      if (pods.length === 0 || (namespace !== undefined && isExemptNamespace(namespace, config))) return [];
      // Nothing here rotates: unknown references cannot read a rotating Secret.
      if (external.length === 0 && !rotating.some((secret) => mayBe(secret, undefined, namespace))) return [];
      const findings = pods.flatMap((pod) => [
        ...pod.unknownPaths.map((path) => unverified(path, "this part of the pod template")),
        ...frozenSecretReferences(pod).flatMap((reference) => frozenReadFindings(reference, namespace, rotating, external)),
      ]);
      return findings.length > 0 ? [{ urn: item.resource.urn, findings }] : [];
    });
  },
);

export const credentialPolicies: StackValidationPolicy[] = [tokenOutlivesLease, storeTokenSelfService, servingArtifactWrites, rotatingSecretEnv];
