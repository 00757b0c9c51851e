import { randomBytes } from "node:crypto";
import { creationStatements, teamSchema, type DatabaseAccess } from "../../components/secrets/databaseStatements";
import { schemaOwnerRole } from "../../components/secrets/databaseRoles";
import { connect, describeWithPostgres, TestDatabase, type Session } from "../support/postgres";
import { VaultPostgresPlugin } from "../support/vaultPostgresPlugin";

const DATABASE = "access_test";
const IN_AN_HOUR = () => new Date(Date.now() + 3_600_000);

describeWithPostgres("team database users, on a real PostgreSQL", () => {
  let database: TestDatabase;
  let plugin: VaultPostgresPlugin;
  let vaultConnection: Session;

  /** A lease user made as Vault makes it, logged in with the password Vault hands out. */
  async function leaseUser(team: string, access: DatabaseAccess, expiration = IN_AN_HOUR()) {
    const password = randomBytes(15).toString("base64url");
    const username = await plugin.newUser(creationStatements(DATABASE, teamSchema(team), access), { roleName: `dev-${team}`, displayName: "kubernetes", password, expiration });
    return { username, password };
  }
  async function loggedIn(team: string, access: DatabaseAccess) {
    const { username, password } = await leaseUser(team, access);
    return (await database.login(username, password)).client;
  }

  beforeAll(async () => {
    database = await TestDatabase.create(DATABASE, ["vision", "nlp"]);
    for (const team of ["vision", "nlp"]) {
      // Tables come from the team's migrations, which run as the schema owner.
      await database.superuser.query(`SET ROLE "${schemaOwnerRole(DATABASE, teamSchema(team))}"`);
      await database.superuser.query(`CREATE TABLE ${teamSchema(team)}.runs (id serial PRIMARY KEY, name text); INSERT INTO ${teamSchema(team)}.runs (name) VALUES ('baseline')`);
      await database.superuser.query("RESET ROLE");
    }
    vaultConnection = await database.login(database.vaultUser, database.vaultPassword);
    plugin = new VaultPostgresPlugin(vaultConnection.client, "scram-sha-256");
  });
  afterAll(() => database?.dispose());

  it("training reads and writes its team's tables, creates tables and TEMP tables, and finds them by bare name", async () => {
    const training = await loggedIn("vision", "read-write");
    expect((await training.query("SHOW search_path")).rows).toEqual([{ search_path: "team_vision" }]);
    await training.query("INSERT INTO runs (name) VALUES ('epoch-1')");
    await training.query("UPDATE runs SET name = 'epoch-2' WHERE name = 'epoch-1'");
    await training.query("DELETE FROM runs WHERE name = 'epoch-2'");
    expect((await training.query("SELECT name FROM runs")).rows).toEqual([{ name: "baseline" }]);
    await training.query("CREATE TABLE metrics (step int)");
    expect((await training.query("SELECT schemaname FROM pg_tables WHERE tablename = 'metrics'")).rows).toEqual([{ schemaname: "team_vision" }]);
    await training.query("CREATE TEMP TABLE scratch (x int)");
  });

  it("serving only reads its team's tables: no writes, no tables, no TEMP tables", async () => {
    const serving = await loggedIn("vision", "read-only");
    expect((await serving.query("SELECT name FROM runs")).rows).toEqual([{ name: "baseline" }]);
    await expect(serving.query("INSERT INTO runs (name) VALUES ('x')")).rejects.toThrow("permission denied for table runs");
    await expect(serving.query("DELETE FROM runs")).rejects.toThrow("permission denied for table runs");
    await expect(serving.query("CREATE TABLE features (x int)")).rejects.toThrow("permission denied for schema team_vision");
    await expect(serving.query("CREATE TEMP TABLE scratch (x int)")).rejects.toThrow(`permission denied to create temporary tables in database "${DATABASE}"`);
  });

  it("neither reaches another team's schema", async () => {
    for (const access of ["read-write", "read-only"] as const) {
      const visionUser = await loggedIn("vision", access);
      await expect(visionUser.query("SELECT * FROM team_nlp.runs")).rejects.toThrow("permission denied for schema team_nlp");
      await expect(visionUser.query("CREATE TABLE team_nlp.stolen (x int)")).rejects.toThrow("permission denied for schema team_nlp");
    }
  });

  it("nobody creates in schema public, creates roles or databases", async () => {
    for (const access of ["read-write", "read-only"] as const) {
      const user = await loggedIn("nlp", access);
      await expect(user.query("CREATE TABLE public.planted (x int)")).rejects.toThrow("permission denied for schema public");
      await expect(user.query("CREATE ROLE intruder")).rejects.toThrow("permission denied to create role");
      await expect(user.query("CREATE DATABASE intruder")).rejects.toThrow("permission denied to create database");
    }
    const attributes = await database.superuser.query(
      `SELECT bool_or(rolcreaterole OR rolcreatedb OR rolsuper OR rolreplication OR rolbypassrls) AS any FROM pg_roles WHERE rolname LIKE 'v-%'`);
    expect(attributes.rows).toEqual([{ any: false }]);
  });

  it("the Vault management user manages users but reads no team data", async () => {
    await expect(vaultConnection.client.query("SELECT * FROM team_vision.runs")).rejects.toThrow("permission denied for schema team_vision");
    await expect(vaultConnection.client.query("CREATE TABLE public.planted (x int)")).rejects.toThrow("permission denied for schema public");
  });

  it("VALID UNTIL refuses new logins once the expiration has passed", async () => {
    // Go's layout keeps whole seconds: expire at the next second but one.
    const expiration = new Date((Math.floor(Date.now() / 1000) + 2) * 1000);
    const { username, password } = await leaseUser("vision", "read-write", expiration);
    await (await database.login(username, password)).client.query("SELECT 1");
    await new Promise((resolve) => setTimeout(resolve, expiration.getTime() - Date.now() + 200));
    await expect(database.login(username, password)).rejects.toThrow(`password authentication failed for user "${username}"`);
  });
});

describeWithPostgres("team database users, where PUBLIC may create in schema public (PostgreSQL 14 and older)", () => {
  const OLD_DEFAULTS = "access14_test";
  let database: TestDatabase;
  let probeCreatedInPublic = false;

  beforeAll(async () => {
    database = await TestDatabase.create(OLD_DEFAULTS, ["vision"], {
      // PostgreSQL 14's initdb granted USAGE and CREATE on schema public to PUBLIC; any login could create there.
      beforeSetup: async (superuser) => {
        await superuser.query(`GRANT ALL ON SCHEMA public TO PUBLIC; CREATE ROLE "${OLD_DEFAULTS}_probe" LOGIN PASSWORD 'probe'`);
        const probe = await connect(OLD_DEFAULTS, `${OLD_DEFAULTS}_probe`, "probe");
        await probe.client.query("CREATE TABLE public.probe (x int)");
        probeCreatedInPublic = true;
        await probe.client.end();
      },
    });
  });
  afterAll(() => database?.dispose());

  it("the setup closes schema public to lease users", async () => {
    expect(probeCreatedInPublic).toBe(true);
    const vault = await database.login(database.vaultUser, database.vaultPassword);
    const plugin = new VaultPostgresPlugin(vault.client, "scram-sha-256");
    const password = randomBytes(15).toString("base64url");
    const username = await plugin.newUser(creationStatements(OLD_DEFAULTS, "team_vision", "read-write"), { roleName: "dev-vision", displayName: "kubernetes", password, expiration: IN_AN_HOUR() });
    const training = (await database.login(username, password)).client;
    await expect(training.query("CREATE TABLE public.planted (x int)")).rejects.toThrow("permission denied for schema public");
  });
});

