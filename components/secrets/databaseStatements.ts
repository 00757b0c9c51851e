/**
 * The SQL Vault's postgresql-database-plugin runs for each team: creating and revoking its database
 * users. Pure functions, reviewed and tested on their own.
 */

/** PostgreSQL schema that holds a team's tables, e.g. `team_vision`. */
export const teamSchema = (team: string) => `team_${team.replace(/-/g, "_")}`;

const quoted = (identifier: string) => `"${identifier}"`;

/** A login role valid until the lease ends, with data access to the team's schema only. */
export function creationStatements(database: string, schema: string): string[] {
  return [
    `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
    `GRANT CONNECT ON DATABASE ${quoted(database)} TO "{{name}}";`,
    `GRANT USAGE ON SCHEMA ${quoted(schema)} TO "{{name}}";`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${quoted(schema)} TO "{{name}}";`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${quoted(schema)} TO "{{name}}";`,
  ];
}

/** Revokes everything the creation statements granted, then drops the role. */
export function revocationStatements(database: string, schema: string): string[] {
  return [
    `REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA ${quoted(schema)} FROM "{{name}}";`,
    `REVOKE ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA ${quoted(schema)} FROM "{{name}}";`,
    `REVOKE USAGE ON SCHEMA ${quoted(schema)} FROM "{{name}}";`,
    `REVOKE CONNECT ON DATABASE ${quoted(database)} FROM "{{name}}";`,
    `DROP ROLE IF EXISTS "{{name}}";`,
  ];
}
