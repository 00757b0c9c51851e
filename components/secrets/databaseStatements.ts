/**
 * The SQL Vault's postgresql-database-plugin runs for each team identity: creating its user when a lease
 * starts and removing it when the lease ends. Pure functions; the database must first look like
 * databaseSetupSql (databaseSetup.ts) describes.
 *
 * The plugin splits every statement on `;` and replaces {{name}}, {{password}} and {{expiration}} as
 * plain text, so no statement may hold a `;` of its own: what needs logic lives in vault_lease.end_lease.
 */
import { accessGroupRole, LEASE_SCHEMA, leaseRevokerRole, quoted, type DatabaseAccess } from "./databaseRoles";

export { teamSchema, type DatabaseAccess } from "./databaseRoles";

const LEASE_USER = `"{{name}}"`;

/** A login valid until the lease ends, whose only privileges are its access group's in the team's schema. */
export function creationStatements(database: string, schema: string, access: DatabaseAccess): string[] {
  return [
    // No grant of its own: dropping the user later leaves nothing behind in the catalogs.
    `CREATE ROLE ${LEASE_USER} WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}' IN ROLE ${quoted(accessGroupRole(database, schema, access))};`,
    // end_lease acts with the user's privileges to end its sessions and hand over what it created.
    `GRANT ${LEASE_USER} TO ${quoted(leaseRevokerRole(database))};`,
    `ALTER ROLE ${LEASE_USER} IN DATABASE ${quoted(database)} SET search_path TO ${quoted(schema)};`,
  ];
}

/**
 * Ends the user's sessions, gives what it created to its access group, then drops it. Succeeds when the
 * user is already gone, so a revocation Vault retries does not fail.
 */
export function revocationStatements(): string[] {
  return [
    `SELECT ${quoted(LEASE_SCHEMA)}."end_lease"('{{name}}');`,
    `DROP ROLE IF EXISTS ${LEASE_USER};`,
  ];
}
