import { refersTo } from "./references";
import { ofTypes, selection, type StackResource } from "./stack";
import { DEFAULT_POLICY_TOKEN_RULES } from "./vaultAcl";
import { parseVaultPolicy, type VaultPathRule } from "./vaultPolicy";
import { asArray, asString, isUnknown } from "./values";

/** The auth roles a workload or an External Secrets store logs in with, and their mounts' defaults. */
export const AUTH_ROLE_KINDS = [
  { type: "vault:kubernetes/authBackendRole:AuthBackendRole", defaultBackend: "kubernetes", esoMethod: "kubernetes" },
  { type: "vault:jwt/authBackendRole:AuthBackendRole", defaultBackend: "jwt", esoMethod: "jwt" },
  { type: "vault:appRole/authBackendRole:AuthBackendRole", defaultBackend: "approle", esoMethod: "appRole" },
] as const;

type AuthRoleKind = (typeof AUTH_ROLE_KINDS)[number];

const AUTH_BACKEND = "vault:index/authBackend:AuthBackend";
const JWT_AUTH_BACKEND = "vault:jwt/authBackend:AuthBackend";
const authMounts = ofTypes(AUTH_BACKEND, JWT_AUTH_BACKEND);
const secretMounts = ofTypes("vault:index/mount:Mount", "vault:database/secretsMount:SecretsMount");

export const authRoleKind = (item: StackResource): AuthRoleKind | undefined => AUTH_ROLE_KINDS.find((kind) => kind.type === item.resource.type);
export const authRoles = selection((item) => authRoleKind(item) !== undefined);

/** Mount paths as Vault compares them: without leading or trailing slashes. */
export const mountPath = (value: unknown): string | undefined => asString(value)?.replace(/^\/+|\/+$/g, "");

/** The role's auth mount path (`backend`, or the method's default). */
export function backendOf(role: StackResource): unknown {
  const value = role.props.backend;
  return value === undefined || value === "" ? authRoleKind(role)?.defaultBackend : value;
}

/** The auth mount (vault.AuthBackend, vault.jwt.AuthBackend) a role belongs to, when it is in the stack. */
export function authMountOf(items: StackResource[], role: StackResource): StackResource | undefined {
  const backend = backendOf(role);
  // A mount's path defaults to its method's name (`kubernetes`); vault.jwt.AuthBackend's to `jwt`.
  const pathOf = (mount: StackResource) => mount.props.path ?? (mount.resource.type === JWT_AUTH_BACKEND ? "jwt" : mount.props.type);
  return authMounts(items).find((item) =>
    refersTo(role, "backend", mountPath(backend), item, [mountPath(pathOf(item))]));
}

/** The secrets engine mount (vault.Mount, vault.database.SecretsMount) at `backend`, when it is in the stack. */
export function secretMountOf(items: StackResource[], child: StackResource): StackResource | undefined {
  return secretMounts(items).find((item) => refersTo(child, "backend", mountPath(child.props.backend), item, [mountPath(item.props.path)]));
}

/** A vault.Policy of the stack, parsed once per validation. */
export interface StackVaultPolicy {
  resource: StackResource;
  /** Undefined while the text is unknown (preview) or when it does not parse (vault-policy-disallow-wildcards reports that). */
  rules?: readonly VaultPathRule[];
  unknown: boolean;
}

export async function vaultPoliciesOf(items: StackResource[]): Promise<Map<string, StackVaultPolicy>> {
  const policies = new Map<string, StackVaultPolicy>();
  for (const item of items.filter((candidate) => candidate.resource.type === "vault:index/policy:Policy")) {
    const name = asString(item.props.name);
    if (name === undefined) continue;
    const text = item.props.policy;
    const rules = isUnknown(text) ? undefined : await parseVaultPolicy(asString(text) ?? "").catch(() => undefined);
    policies.set(name, { resource: item, rules, unknown: isUnknown(text) });
  }
  return policies;
}

/** What a role's tokens may do, as far as this stack tells. */
export interface RoleGrants {
  /** The token's policies, as path rules (the built-in `default` included unless the role drops it). */
  rules: (readonly VaultPathRule[])[];
  /** Names of the role's policies whose text is unknown until apply. */
  unknownPolicies: string[];
  /** The policy list itself (or whether `default` is dropped) is unknown until apply. */
  unknownList: boolean;
}

export function grantsOf(role: StackResource, policies: Map<string, StackVaultPolicy>): RoleGrants {
  const names = role.props.tokenPolicies;
  const noDefault = role.props.tokenNoDefaultPolicy;
  const unknownList = isUnknown(names) || asArray(names).some(isUnknown) || isUnknown(noDefault);
  const listed = asArray(names).map(asString).filter((name): name is string => name !== undefined);
  // Vault adds `default` unless the role drops it; a role may still list it by name.
  const withDefault = noDefault === true && !listed.includes("default") ? [] : [DEFAULT_POLICY_TOKEN_RULES];
  const found = listed.map((name) => policies.get(name)).filter((policy): policy is StackVaultPolicy => policy !== undefined);
  return {
    rules: [...withDefault, ...found.flatMap((policy) => (policy.rules ? [policy.rules] : []))],
    unknownPolicies: found.filter((policy) => policy.unknown).map((policy) => asString(policy.resource.props.name) ?? ""),
    unknownList,
  };
}

/** `Vault role dev-vision-serving (auth/kubernetes)`, for messages (the mount left out while unknown). */
export function describeRole(role: StackResource): string {
  const mount = mountPath(backendOf(role));
  return `Vault role ${asString(role.props.roleName) ?? role.resource.name}${mount === undefined ? "" : ` (auth/${mount})`}`;
}
