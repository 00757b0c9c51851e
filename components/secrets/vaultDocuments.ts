/** The Vault policy texts (HCL) each team identity is given. Pure functions, reviewed and tested on their own. */

/** A Vault policy granting read on exactly the given paths: no globs, no sudo, nothing else. */
export function teamVaultPolicy(team: string, readablePaths: string[]): string {
  const blocks = readablePaths.map((path) => `path "${path}" {\n  capabilities = ["read"]\n}`);
  return [`# Team ${team}: its own dynamic credentials and secrets, read-only.`, ...blocks].join("\n\n") + "\n";
}
