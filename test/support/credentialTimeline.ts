/**
 * A model of how a team pod's database credential lives and dies, read from what a stack renders
 * (Vault roles, policies, mounts, ESO generators and ExternalSecrets), walked minute by minute.
 *
 * FACTS the model relies on:
 * - Vault revokes every lease when the token that created it expires or is revoked, and a
 *   non-renewed lease ends at its TTL (developer.hashicorp.com/vault/docs/concepts/lease,
 *   "Lease, renew, and revoke"; vault/expiration.go RevokeByToken, hashicorp/vault 1.20).
 * - A lease's TTL is the role's default_ttl, else the mount's default lease TTL; never above the
 *   role's max_ttl or the mount's max lease TTL (Vault docs, "Tune the lease TTL").
 * - A token's TTL is the role's token_ttl, capped by token_max_ttl and the auth mount's tuned
 *   max_lease_ttl (Vault docs, Tokens, "Token time-to-live").
 * - The ESO VaultDynamicSecret generator logs in afresh at every generation and renews neither the
 *   token nor the lease; it never revokes them either (external-secrets helm-chart-2.9.0,
 *   generators/v1/vault/vault.go: NewGeneratorClient, no Close, Cleanup is a no-op).
 * - An ExternalSecret with a generator is regenerated every refreshInterval after its last sync
 *   (external-secrets docs, ExternalSecret refreshInterval); we allow CONTROLLER_DELAY on top.
 * - The kubelet updates a mounted Secret within its sync period plus the cache propagation delay
 *   (kubernetes.io/docs/concepts/configuration/secret, "Mounted Secrets are updated automatically";
 *   kubelet syncFrequency defaults to 1m): we allow FILE_PROPAGATION.
 */
import { durationSeconds } from "../../policypacks/ml-guard/lib/durations";
import type { RegisteredResource } from "../../tools/plan/runProgram";

export const DAY_SECONDS = 24 * 3600;
/** Longest delay of the ESO controller behind a due refresh that the arithmetic must absorb. */
export const CONTROLLER_DELAY = 60;
/** Longest time between a Secret update and the new content in the pod's mounted file. */
export const FILE_PROPAGATION = 120;
/** Vault's system default lease TTL (768h) when neither role nor mount sets one. */
const VAULT_SYSTEM_TTL = 768 * 3600;

/** One credential a team pod reads: how it is issued and refreshed. */
export interface CredentialPlan {
  /** `<namespace>/<secret>`, the file's source. */
  secret: string;
  refreshSeconds: number;
  /** Effective TTL of the login token that requests the lease. */
  tokenTtlSeconds: number;
  /** Effective TTL of the lease (the generator never renews it). */
  leaseTtlSeconds: number;
}

type Inputs = Record<string, unknown>;
const of = (resources: RegisteredResource[], type: string) => resources.filter((resource) => resource.type === type).map((resource) => resource.inputs);
const num = (value: unknown): number | undefined => durationSeconds(value);
const minDefined = (...values: (number | undefined)[]) => Math.min(...values.filter((value): value is number => value !== undefined && value > 0));

/** Every generated credential of a stack, with the TTLs Vault would actually give it. */
export function credentialPlans(resources: RegisteredResource[]): CredentialPlan[] {
  const authMounts = of(resources, "vault:index/authBackend:AuthBackend");
  const authRoles = of(resources, "vault:kubernetes/authBackendRole:AuthBackendRole");
  const policies = of(resources, "vault:index/policy:Policy");
  const mounts = of(resources, "vault:index/mount:Mount");
  const databaseRoles = of(resources, "vault:database/secretBackendRole:SecretBackendRole");
  const generators = of(resources, "kubernetes:generators.external-secrets.io/v1alpha1:VaultDynamicSecret");
  const externalSecrets = of(resources, "kubernetes:external-secrets.io/v1:ExternalSecret");

  return externalSecrets.flatMap((externalSecret): CredentialPlan[] => {
    const metadata = externalSecret.metadata as { name: string; namespace: string };
    const spec = externalSecret.spec as { refreshInterval: string; target: { name: string }; dataFrom?: { sourceRef?: { generatorRef?: { name: string } } }[] };
    const generatorName = spec.dataFrom?.[0]?.sourceRef?.generatorRef?.name;
    if (generatorName === undefined) return [];
    const generator = generators.find((candidate) => (candidate.metadata as Inputs).name === generatorName && (candidate.metadata as Inputs).namespace === metadata.namespace);
    if (!generator) throw new Error(`ExternalSecret ${metadata.namespace}/${metadata.name} names a generator the stack does not create: ${generatorName}`);
    const generatorSpec = generator.spec as { path: string; provider: { auth: { kubernetes: { role: string; mountPath: string } } } };
    const login = generatorSpec.provider.auth.kubernetes;

    const role = authRoles.find((candidate) => candidate.roleName === login.role);
    if (!role) throw new Error(`generator ${generatorName} logs in with a Vault role the stack does not create: ${login.role}`);
    const authMount = authMounts.find((candidate) => candidate.path === login.mountPath);
    const tune = (authMount?.tune ?? {}) as Inputs;
    const tokenTtl = minDefined(num(role.tokenTtl) ?? num(tune.defaultLeaseTtl), num(role.tokenMaxTtl), num(tune.maxLeaseTtl), VAULT_SYSTEM_TTL);

    const readable = policies.filter((policy) => (role.tokenPolicies as string[]).includes(policy.name as string))
      .flatMap((policy) => [...String(policy.policy).matchAll(/path "([^"]+)"/g)].map((match) => match[1]));
    if (!readable.includes(generatorSpec.path)) throw new Error(`Vault role ${login.role} may not read ${generatorSpec.path}: the generator would be refused`);
    const [mountPath, , roleName] = generatorSpec.path.split("/");
    const databaseRole = databaseRoles.find((candidate) => candidate.backend === mountPath && candidate.name === roleName);
    if (!databaseRole) throw new Error(`no database role serves ${generatorSpec.path}`);
    const mount = mounts.find((candidate) => candidate.path === mountPath) ?? {};
    const leaseTtl = minDefined(num(databaseRole.defaultTtl) ?? num(mount.defaultLeaseTtlSeconds) ?? VAULT_SYSTEM_TTL, num(databaseRole.maxTtl), num(mount.maxLeaseTtlSeconds));

    return [{ secret: `${metadata.namespace}/${spec.target.name}`, refreshSeconds: num(spec.refreshInterval) ?? 0, tokenTtlSeconds: tokenTtl, leaseTtlSeconds: leaseTtl }];
  });
}

/** A moment the pod's file holds a credential Vault has already revoked (or none at all). */
export interface Gap {
  secret: string;
  minute: number;
  reason: string;
}

/**
 * Walks a day, minute by minute, with the controller late by `controllerDelay` at every refresh,
 * and reports each minute the file holds no valid credential.
 */
export function walkDay(plan: CredentialPlan, controllerDelay = CONTROLLER_DELAY): Gap[] {
  if (plan.refreshSeconds <= 0) return [{ secret: plan.secret, minute: 0, reason: "never refreshed: the credential dies with its first lease" }];
  // Issued at each sync; valid until the lease ends or its token expires, whichever comes first.
  const issued: { at: number; validUntil: number }[] = [];
  for (let at = 0; at <= DAY_SECONDS + plan.refreshSeconds; at += plan.refreshSeconds + controllerDelay) {
    issued.push({ at, validUntil: at + Math.min(plan.leaseTtlSeconds, plan.tokenTtlSeconds) });
  }
  const gaps: Gap[] = [];
  for (let now = FILE_PROPAGATION; now <= DAY_SECONDS; now += 60) {
    // The file holds the newest credential whose update has reached the pod.
    const current = [...issued].reverse().find((credential) => credential.at + FILE_PROPAGATION <= now);
    if (!current || now >= current.validUntil) {
      const why = current && plan.tokenTtlSeconds < plan.leaseTtlSeconds
        ? `revoked with its login token ${plan.tokenTtlSeconds} s after issue, before the lease (${plan.leaseTtlSeconds} s) and the next refresh (${plan.refreshSeconds} s)`
        : `expired ${current ? now - current.validUntil : 0} s ago; the next refresh comes too late`;
      gaps.push({ secret: plan.secret, minute: now / 60, reason: why });
    }
  }
  return gaps;
}

/**
 * AWS access through IRSA, for the same walk. FACTS:
 * - The EKS Pod Identity Webhook projects a service account token with audience sts.amazonaws.com
 *   and expirationSeconds 86400 by default (aws/amazon-eks-pod-identity-webhook README,
 *   `--token-expiration`), and the kubelet replaces a projected token once it is older than 80% of
 *   its lifetime or 24 h (kubernetes.io/docs/concepts/storage/projected-volumes).
 * - The SDKs call AssumeRoleWithWebIdentity with the token file and no DurationSeconds, so STS
 *   gives 3600 s (docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html),
 *   never more than the role's MaxSessionDuration; they refresh ahead of expiry, at most 15 minutes
 *   ahead (botocore's advisory window; the JS v3 and Go v2 SDKs use 5 minutes).
 * - STS credentials cannot be revoked before they expire, so no token expiry cuts them short.
 */
export const PROJECTED_TOKEN_SECONDS = 86400;
const STS_DEFAULT_DURATION = 3600;
const SDK_REFRESH_AHEAD = 900;

export interface WebIdentityPlan {
  role: string;
  sessionSeconds: number;
}

/** Every role pods assume with their projected token, with the session the SDK gets. */
export function webIdentityPlans(resources: RegisteredResource[]): WebIdentityPlan[] {
  return resources.filter((resource) => resource.type === "aws:iam/role:Role").flatMap((resource) => {
    const trust = JSON.parse(String(resource.inputs.assumeRolePolicy)) as { Statement: { Action: string | string[] }[] };
    const webIdentity = trust.Statement.some((statement) => [statement.Action].flat().includes("sts:AssumeRoleWithWebIdentity"));
    const maxSession = num(resource.inputs.maxSessionDuration) ?? 3600;
    return webIdentity ? [{ role: resource.name, sessionSeconds: Math.min(STS_DEFAULT_DURATION, maxSession) }] : [];
  });
}

/** Walks a day of SDK refreshes: each needs a live token file, and each session must outlast the refresh window. */
export function walkWebIdentityDay(plan: WebIdentityPlan, token = { lifetimeSeconds: PROJECTED_TOKEN_SECONDS, kubeletRefreshFraction: 0.8 }): Gap[] {
  const gaps: Gap[] = [];
  const rotation = token.kubeletRefreshFraction * token.lifetimeSeconds;
  const tokenValidAt = (now: number) => now - Math.floor(now / rotation) * rotation < token.lifetimeSeconds;
  let sessionEnds = 0;
  for (let now = 0; now <= DAY_SECONDS; now += 60) {
    if (now >= sessionEnds - SDK_REFRESH_AHEAD) {
      if (!tokenValidAt(now)) gaps.push({ secret: plan.role, minute: now / 60, reason: "the projected token had expired when the SDK refreshed" });
      else sessionEnds = now + plan.sessionSeconds;
    }
    if (now >= sessionEnds) gaps.push({ secret: plan.role, minute: now / 60, reason: `the ${plan.sessionSeconds} s session ended before the SDK's refresh window` });
  }
  return gaps;
}
