/**
 * What the database must look like before Vault creates users in it: the SQL a superuser runs once, in that
 * database, in one transaction: `psql -1 -v ON_ERROR_STOP=1 -d mlflow -f setup.sql`. Written for
 * PostgreSQL 15, the version it is tested on (PostgreSQL 16 narrowed CREATEROLE; see the README).
 */
import { accessGroupRole, DATABASE_ACCESS_LEVELS, LEASE_SCHEMA, leaseRevokerRole, quoted, schemaOwnerRole, teamSchema } from "./databaseRoles";

/**
 * Ends a lease user. Vault runs revocation statements split on `;`, so this logic cannot be a DO block there.
 * SECURITY DEFINER so that vault_admin needs no more than EXECUTE; its search_path is pinned so no object
 * anyone else created can stand in for the catalog ones it uses.
 */
function endLeaseFunction(database: string): string {
  const revoker = quoted(leaseRevokerRole(database));
  const fn = `${quoted(LEASE_SCHEMA)}."end_lease"(text)`;
  return `-- Ending a lease: vault_lease.end_lease(username), called by the revocation statements. Its owner is a
-- member of every lease user (the creation statements grant it), so it may end their sessions and take over
-- what they own; it refuses any role that is not a lease user, so vault_admin cannot turn it on anyone else.
CREATE ROLE ${revoker} NOLOGIN;
CREATE SCHEMA ${quoted(LEASE_SCHEMA)} AUTHORIZATION ${revoker};
CREATE FUNCTION ${quoted(LEASE_SCHEMA)}."end_lease"(username text) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $end_lease$
DECLARE
  lease_user pg_roles%ROWTYPE;
  access_group name;
  lingering bigint;
BEGIN
  SELECT * INTO lease_user FROM pg_roles WHERE rolname = username;
  IF NOT FOUND THEN
    RETURN; -- ended before: a second revocation succeeds
  END IF;
  -- A lease user is a login with an expiry and no special attribute, in exactly one group this function serves.
  SELECT g.rolname INTO access_group
    FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
   WHERE m.member = lease_user.oid
     AND g.oid IN (SELECT s.roleid FROM pg_auth_members s JOIN pg_roles r ON r.oid = s.member WHERE r.rolname = current_user);
  IF access_group IS NULL
     OR (SELECT count(*) FROM pg_auth_members WHERE member = lease_user.oid) <> 1
     OR NOT lease_user.rolcanlogin OR lease_user.rolvaliduntil IS NULL
     OR lease_user.rolsuper OR lease_user.rolcreaterole OR lease_user.rolcreatedb
     OR lease_user.rolreplication OR lease_user.rolbypassrls THEN
    RAISE EXCEPTION 'role % is not a Vault lease user of database %', username, current_database();
  END IF;
  -- Sessions outlive DROP ROLE and VALID UNTIL: end them, waiting up to 5 s each; their TEMP tables go with them.
  SELECT count(*) FILTER (WHERE NOT pg_terminate_backend(pid, 5000)) INTO lingering
    FROM pg_stat_activity WHERE usesysid = lease_user.oid;
  IF lingering > 0 THEN
    RAISE EXCEPTION '% session(s) of % did not end within 5 s', lingering, username;
  END IF;
  -- What it created stays with the team, owned by its group: every member already had those rights.
  EXECUTE format('REASSIGN OWNED BY %I TO %I', username, access_group);
  -- Privileges others granted to it directly: DROP ROLE would fail on them.
  EXECUTE format('DROP OWNED BY %I', username);
END
$end_lease$;
ALTER FUNCTION ${fn} OWNER TO ${revoker};
REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC;`;
}

/** The part of the setup that gives one team its schema and access groups; run it alone to add a team. */
export function teamSetupSql(database: string, team: string): string {
  const db = quoted(database);
  const schema = teamSchema(team);
  const owner = quoted(schemaOwnerRole(database, schema));
  const readWrite = quoted(accessGroupRole(database, schema, "read-write"));
  const readOnly = quoted(accessGroupRole(database, schema, "read-only"));
  const defaults = `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA ${quoted(schema)} GRANT`;
  return `-- Team ${team}: schema ${schema}, owned by a role nobody logs in as (migrations SET ROLE to it), so no lease
-- user can drop it or change who may use it.
CREATE ROLE ${owner} NOLOGIN;
CREATE SCHEMA ${quoted(schema)} AUTHORIZATION ${owner};
-- Training (read-write): connect, TEMP tables, create tables and change the team's rows.
CREATE ROLE ${readWrite} NOLOGIN;
GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO ${readWrite};
GRANT USAGE, CREATE ON SCHEMA ${quoted(schema)} TO ${readWrite};
${defaults} SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${readWrite};
${defaults} USAGE, SELECT ON SEQUENCES TO ${readWrite};
-- Serving (read-only): connect and read, nothing else.
CREATE ROLE ${readOnly} NOLOGIN;
GRANT CONNECT ON DATABASE ${db} TO ${readOnly};
GRANT USAGE ON SCHEMA ${quoted(schema)} TO ${readOnly};
${defaults} SELECT ON TABLES TO ${readOnly};
-- The groups whose users end_lease may end.
GRANT ${DATABASE_ACCESS_LEVELS.map((access) => quoted(accessGroupRole(database, schema, access))).join(", ")} TO ${quoted(leaseRevokerRole(database))};`;
}

/**
 * The whole setup for a database and its teams. `vaultUser` is the user Vault connects as (it sets its
 * password apart, then Vault rotates it).
 */
export function databaseSetupSql(database: string, vaultUser: string, teams: string[]): string {
  const db = quoted(database);
  const vault = quoted(vaultUser);
  return [
    `-- PUBLIC keeps none of its defaults here: no connecting, no TEMP tables,
REVOKE ALL ON DATABASE ${db} FROM PUBLIC;
-- and no use of schema public (PostgreSQL 14 and older also let PUBLIC create in it).
REVOKE ALL ON SCHEMA public FROM PUBLIC;`,
    `-- Vault's management user creates and drops lease users (CREATEROLE) and calls end_lease; nothing else.
-- No data access: it is a member of no group.
CREATE ROLE ${vault} WITH LOGIN CREATEROLE;
GRANT CONNECT ON DATABASE ${db} TO ${vault};`,
    endLeaseFunction(database),
    `GRANT USAGE ON SCHEMA ${quoted(LEASE_SCHEMA)} TO ${vault};
GRANT EXECUTE ON FUNCTION ${quoted(LEASE_SCHEMA)}."end_lease"(text) TO ${vault};`,
    ...teams.map((team) => teamSetupSql(database, team)),
  ].join("\n\n") + "\n";
}
