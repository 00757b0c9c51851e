import { randomBytes } from "node:crypto";
import { creationStatements, revocationStatements, teamSchema, type DatabaseAccess } from "../../components/secrets/databaseStatements";
import { accessGroupRole, schemaOwnerRole } from "../../components/secrets/databaseRoles";
import { describeWithPostgres, TestDatabase, type Session } from "../support/postgres";
import { VaultPostgresPlugin } from "../support/vaultPostgresPlugin";

const DATABASE = "revocation_test";
const IN_AN_HOUR = () => new Date(Date.now() + 3_600_000);
/** SQLSTATE 57P01 admin_shutdown: what a session reads when pg_terminate_backend ends it. */
const TERMINATED = "terminating connection due to administrator command";

describeWithPostgres("ending a lease, on a real PostgreSQL", () => {
  let database: TestDatabase;
  let plugin: VaultPostgresPlugin;
  let vaultConnection: Session;

  async function leaseUser(access: DatabaseAccess, team = "vision") {
    const password = randomBytes(15).toString("base64url");
    const username = await plugin.newUser(creationStatements(DATABASE, teamSchema(team), access), { roleName: `dev-${team}`, displayName: "kubernetes", password, expiration: IN_AN_HOUR() });
    return { username, session: await database.login(username, password) };
  }
  const roleExists = async (name: string) => (await database.superuser.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [name])).rowCount === 1;
  const revoke = (username: string) => plugin.deleteUser(revocationStatements(), username);

  beforeAll(async () => {
    database = await TestDatabase.create(DATABASE, ["vision", "nlp"]);
    vaultConnection = await database.login(database.vaultUser, database.vaultPassword);
    plugin = new VaultPostgresPlugin(vaultConnection.client, "scram-sha-256");
  });
  afterAll(() => database?.dispose());

  describe("why plain DROP ROLE is not enough (PostgreSQL's own behaviour)", () => {
    it("DROP ROLE fails while the user owns a TEMP table in an open session", async () => {
      const { username, session } = await leaseUser("read-write");
      await session.client.query("CREATE TEMP TABLE scratch (x int)");
      await expect(vaultConnection.client.query(`DROP ROLE "${username}"`)).rejects.toThrow(`role "${username}" cannot be dropped because some objects depend on it`);
    });

    it("a session outlives DROP ROLE", async () => {
      const { username, session } = await leaseUser("read-only");
      await vaultConnection.client.query(`DROP ROLE "${username}"`);
      expect((await session.client.query("SELECT 1 AS alive")).rows).toEqual([{ alive: 1 }]);
    });
  });

  it("ends the open sessions of a training user owning a TEMP table and a table in the team schema, which stays with the team", async () => {
    const { username, session } = await leaseUser("read-write");
    await session.client.query("CREATE TEMP TABLE scratch (x int)");
    await session.client.query("CREATE TABLE features (id int); INSERT INTO features VALUES (1), (2)");
    await revoke(username);
    expect(await roleExists(username)).toBe(false);
    await expect(session.client.query("SELECT 1")).rejects.toThrow();
    expect(session.ended?.message).toBe(TERMINATED);
    const features = await database.superuser.query("SELECT tableowner FROM pg_tables WHERE schemaname = 'team_vision' AND tablename = 'features'");
    expect(features.rows).toEqual([{ tableowner: accessGroupRole(DATABASE, "team_vision", "read-write") }]);
    const nextTraining = (await leaseUser("read-write")).session.client;
    expect((await nextTraining.query("SELECT count(*)::int AS n FROM features")).rows).toEqual([{ n: 2 }]);
    await nextTraining.query("INSERT INTO features VALUES (3)");
  });

  it("ends a session in the middle of a transaction", async () => {
    const { username, session } = await leaseUser("read-write");
    await session.client.query("BEGIN; CREATE TABLE half_done (x int); LOCK TABLE half_done");
    await revoke(username);
    expect(session.ended?.message).toBe(TERMINATED);
    expect(await roleExists(username)).toBe(false);
  });

  it("ends a serving user's sessions", async () => {
    const { username, session } = await leaseUser("read-only");
    await revoke(username);
    await expect(session.client.query("SELECT 1")).rejects.toThrow();
    expect(session.ended?.message).toBe(TERMINATED);
    expect(await roleExists(username)).toBe(false);
  });

  it("succeeds when the user is already gone, as when Vault retries a revocation", async () => {
    const { username } = await leaseUser("read-only", "nlp");
    await revoke(username);
    await expect(revoke(username)).resolves.toBeUndefined();
  });

  it("refuses, through end_lease, any role that is not a lease user, so the Vault user cannot end or strip others", async () => {
    const owner = schemaOwnerRole(DATABASE, "team_nlp");
    const { session: bystander } = await leaseUser("read-write", "nlp");
    const notLeaseUsers = [owner, database.vaultUser, accessGroupRole(DATABASE, "team_nlp", "read-write")];
    for (const role of notLeaseUsers) {
      await expect(revoke(role)).rejects.toThrow(`role ${role} is not a Vault lease user of database ${DATABASE}`);
      expect(await roleExists(role)).toBe(true);
    }
    expect((await bystander.client.query("SELECT 1 AS alive")).rows).toEqual([{ alive: 1 }]);
  });
});
