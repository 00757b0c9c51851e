/** The Vault policy texts (HCL) each team identity is given. Pure functions, reviewed and tested on their own. */

/**
 * What the External Secrets store client does with its own token (ESO helm-chart-2.9.0,
 * providers/v1/vault/validate.go and client.go): it looks the token up to validate the store, and
 * revokes it when it closes. `tokenNoDefaultPolicy` removes the `default` policy that grants both.
 */
const STORE_CLIENT_TOKEN_PATHS = [
  { path: "auth/token/lookup-self", capabilities: ["read"] },
  { path: "auth/token/revoke-self", capabilities: ["update"] },
];

export interface IdentityPolicy {
  /** Who the policy is for, as a comment in the policy text (e.g. `team vision, training`). */
  subject: string;
  /** Paths the identity reads: its dynamic credentials or its static secrets. No globs. */
  readablePaths: string[];
  /** The identity logs in as an External Secrets store, which validates and revokes its own token. */
  storeClient: boolean;
}

/** A least-privilege Vault policy: read on exactly the given paths (no globs, no sudo), plus the token self-service a store client needs. */
export function identityVaultPolicy(policy: IdentityPolicy): string {
  const grants = [
    ...policy.readablePaths.map((path) => ({ path, capabilities: ["read"] })),
    ...(policy.storeClient ? STORE_CLIENT_TOKEN_PATHS : []),
  ];
  const blocks = grants.map((grant) => `path "${grant.path}" {\n  capabilities = [${grant.capabilities.map((capability) => `"${capability}"`).join(", ")}]\n}`);
  return [`# ${policy.subject}: its own credentials, read-only.`, ...blocks].join("\n\n") + "\n";
}
