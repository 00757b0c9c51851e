/**
 * Names of the PostgreSQL schemas and roles behind Vault's dynamic database users, shared by the setup SQL
 * (databaseSetup.ts) and the statements Vault runs (databaseStatements.ts). Roles are cluster-wide, so their
 * names start with the database's: two databases on one server never share a team's roles.
 */

/** What a team identity may do in its team's schema: training writes, serving only reads. */
export type DatabaseAccess = "read-write" | "read-only";

export const DATABASE_ACCESS_LEVELS: readonly DatabaseAccess[] = ["read-write", "read-only"];

/** PostgreSQL schema that holds a team's tables, e.g. `team_vision`. */
export const teamSchema = (team: string) => `team_${team.replace(/-/g, "_")}`;

/** Owns a team's schema and the tables its migrations create; nobody logs in as it. */
export const schemaOwnerRole = (database: string, schema: string) => `${database}_${schema}_owner`;

/** The group a lease user joins: every privilege of the user comes from it. */
export const accessGroupRole = (database: string, schema: string, access: DatabaseAccess) => `${database}_${schema}_${access.replace("-", "_")}`;

/** Owns the function that ends leases. */
export const leaseRevokerRole = (database: string) => `${database}_lease_revoker`;

/** Schema of that function, `vault_lease.end_lease(username)`. */
export const LEASE_SCHEMA = "vault_lease";

/** The longest identifier PostgreSQL keeps (NAMEDATALEN - 1); it silently truncates longer ones. */
const MAX_IDENTIFIER_BYTES = 63;

/** A double-quoted identifier. Refuses names that would need escaping or that PostgreSQL would truncate. */
export function quoted(identifier: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(identifier)) {
    throw new Error(`PostgreSQL identifier "${identifier}" may only contain letters, digits, "_" and "-"`);
  }
  if (identifier.length > MAX_IDENTIFIER_BYTES) {
    throw new Error(`PostgreSQL identifier "${identifier}" is longer than ${MAX_IDENTIFIER_BYTES} characters and would be truncated: shorten the database or team name`);
  }
  return `"${identifier}"`;
}
