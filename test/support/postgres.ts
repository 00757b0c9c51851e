/**
 * The throwaway PostgreSQL cluster .ci/run starts (tools/ci/postgres.sh), found through TEST_POSTGRES_URL
 * (a superuser URL on 127.0.0.1). Each test file builds its own database from the setup SQL, with its own
 * roles (named after the database, as the setup names them), and drops both when it ends. Database names
 * must not start with `pg_`: PostgreSQL reserves that prefix for role names.
 */
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { databaseSetupSql } from "../../components/secrets/databaseSetup";

const URL_VARIABLE = "TEST_POSTGRES_URL";

/** describe() needing PostgreSQL: without it, skipped with the reason, except in CI where that fails. */
export function describeWithPostgres(title: string, body: () => void): void {
  if (process.env[URL_VARIABLE]) return describe(title, body);
  const reason = `${URL_VARIABLE} is not set, so there is no PostgreSQL to run against: tools/ci/postgres.sh starts one (as .ci/run does)`;
  if (process.env.CI === "true") {
    return describe(title, () => it("has a PostgreSQL server", () => { throw new Error(reason); }));
  }
  console.warn(`Skipping "${title}": ${reason}`);
  describe.skip(title, body);
}

function serverUrl(database: string): URL {
  const url = new URL(process.env[URL_VARIABLE] ?? "");
  url.pathname = `/${database}`;
  return url;
}

/** A connection that records, rather than throws, the error PostgreSQL sends when it ends the session. */
export interface Session {
  client: Client;
  /** Set once the server has ended the session (e.g. `terminating connection due to administrator command`). */
  ended?: Error;
}

export async function connect(database: string, user: string, password: string): Promise<Session> {
  const url = serverUrl(database);
  const client = new Client({ host: url.hostname, port: Number(url.port), database, user, password });
  const session: Session = { client };
  // The server's FATAL message comes first, then the client's "Connection terminated unexpectedly": keep the first.
  client.on("error", (error) => { session.ended ??= error; });
  await client.connect();
  return session;
}

const randomPassword = () => randomBytes(16).toString("hex");

export interface DatabaseOptions {
  /** Runs as the superuser in the new database before the setup SQL, e.g. to recreate older defaults. */
  beforeSetup?: (superuser: Client) => Promise<void>;
}

export class TestDatabase {
  readonly vaultUser: string;
  private readonly sessions: Session[] = [];

  private constructor(readonly name: string, readonly superuser: Client, readonly vaultPassword: string) {
    this.vaultUser = `${name}_vault_admin`;
  }

  /** A new database `name` built from exactly databaseSetupSql, with the Vault user's password set. */
  static async create(name: string, teams: string[], options: DatabaseOptions = {}): Promise<TestDatabase> {
    await dropDatabase(name);
    const server = await superuserClient("postgres");
    try {
      await server.query(`CREATE DATABASE "${name}"`);
    } finally {
      await server.end();
    }
    const database = new TestDatabase(name, await superuserClient(name), randomPassword());
    try {
      await options.beforeSetup?.(database.superuser);
      await database.superuser.query(databaseSetupSql(name, database.vaultUser, teams));
      await database.superuser.query(`ALTER ROLE "${database.vaultUser}" PASSWORD '${database.vaultPassword}'`);
    } catch (error) {
      await database.dispose();
      throw error;
    }
    return database;
  }

  /** Logs in over TCP with a password, as an application would. */
  async login(user: string, password: string): Promise<Session> {
    const session = await connect(this.name, user, password);
    this.sessions.push(session);
    return session;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.sessions.map((session) => session.client.end().catch(() => undefined)));
    await this.superuser.end();
    await dropDatabase(this.name);
  }
}

async function superuserClient(database: string): Promise<Client> {
  const url = serverUrl(database);
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  return client;
}

/** Drops the database, the lease users in its groups, then its own roles (all named `<database>_…`). */
async function dropDatabase(name: string): Promise<void> {
  const server = await superuserClient("postgres");
  try {
    await server.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    const ownRoles = `SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1 || '_')`;
    const leaseUsers = await server.query<{ rolname: string }>(
      `SELECT DISTINCT u.rolname FROM pg_auth_members m JOIN pg_roles u ON u.oid = m.member JOIN pg_roles g ON g.oid = m.roleid
        WHERE starts_with(g.rolname, $1 || '_') AND NOT starts_with(u.rolname, $1 || '_')`, [name]);
    for (const { rolname } of [...leaseUsers.rows, ...(await server.query<{ rolname: string }>(ownRoles, [name])).rows]) {
      await server.query(`DROP ROLE IF EXISTS "${rolname}"`);
    }
  } finally {
    await server.end();
  }
}
