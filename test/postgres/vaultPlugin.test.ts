import { randomBytes } from "node:crypto";
import { creationStatements, revocationStatements } from "../../components/secrets/databaseStatements";
import { describeWithPostgres, TestDatabase, type Session } from "../support/postgres";
import { goExpiration, scramVerifier, VaultPostgresPlugin, type PasswordAuthentication } from "../support/vaultPostgresPlugin";

const DATABASE = "plugin_test";
const TRAINING = creationStatements(DATABASE, "team_vision", "read-write");
const IN_AN_HOUR = () => new Date(Date.now() + 3_600_000);
const newPassword = () => randomBytes(15).toString("base64url");

describeWithPostgres("the statements as Vault's postgresql-database-plugin runs them, on a real PostgreSQL", () => {
  let database: TestDatabase;
  let vaultConnection: Session;
  const plugin = (passwordAuthentication: PasswordAuthentication) => new VaultPostgresPlugin(vaultConnection.client, passwordAuthentication);
  const storedPassword = async (role: string) =>
    (await database.superuser.query<{ rolpassword: string | null }>("SELECT rolpassword FROM pg_authid WHERE rolname = $1", [role])).rows[0]?.rolpassword;

  beforeAll(async () => {
    database = await TestDatabase.create(DATABASE, ["vision"]);
    vaultConnection = await database.login(database.vaultUser, database.vaultPassword);
  });
  afterAll(() => database?.dispose());

  it("creates a user in one transaction: when a later statement fails, no role is left", async () => {
    const failing = plugin("scram-sha-256");
    await expect(failing.newUser([...TRAINING, `GRANT "{{name}}" TO "no_such_role";`], { roleName: "dev-vision", displayName: "kubernetes", password: newPassword(), expiration: IN_AN_HOUR() }))
      .rejects.toThrow(`role "no_such_role" does not exist`);
    const created = failing.sent.find((query) => query.startsWith("CREATE ROLE"));
    const username = /^CREATE ROLE "([^"]+)"/.exec(created ?? "")?.[1];
    expect(username).toMatch(/^v-kubernet-dev-visi-[A-Za-z0-9]{20}-\d+$/);
    expect((await database.superuser.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [username])).rowCount).toBe(0);
  });

  it("gives PostgreSQL the expiration in Go's layout, which it reads as the same instant", async () => {
    const expiration = new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_000);
    expect(goExpiration(expiration)).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+0000$/);
    const username = await plugin("scram-sha-256").newUser(TRAINING, { roleName: "dev-vision", displayName: "kubernetes", password: newPassword(), expiration });
    const validUntil = await database.superuser.query<{ rolvaliduntil: Date }>("SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1", [username]);
    expect(validUntil.rows[0].rolvaliduntil.getTime()).toBe(expiration.getTime());
  });

  it("with password_authentication=password (the default) the clear password reaches PostgreSQL in CREATE ROLE", async () => {
    const password = newPassword();
    const plain = plugin("password");
    await plain.newUser(TRAINING, { roleName: "dev-vision", displayName: "kubernetes", password, expiration: IN_AN_HOUR() });
    expect(plain.sent.find((query) => query.startsWith("CREATE ROLE"))).toContain(`PASSWORD '${password}'`);
  });

  it("with password_authentication=scram-sha-256 only a verifier reaches PostgreSQL, stored as sent, and the plain password logs in", async () => {
    const password = newPassword();
    const scram = plugin("scram-sha-256");
    const username = await scram.newUser(TRAINING, { roleName: "dev-vision", displayName: "kubernetes", password, expiration: IN_AN_HOUR() });
    expect(scram.sent.join("\n")).not.toContain(password);
    const verifier = /PASSWORD '([^']+)'/.exec(scram.sent.find((query) => query.startsWith("CREATE ROLE")) ?? "")?.[1];
    expect(verifier).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/);
    expect(await storedPassword(username)).toBe(verifier);
    const session = await database.login(username, password);
    expect((await session.client.query("SELECT current_user AS user")).rows).toEqual([{ user: username }]);
    await expect(database.login(username, `${password}x`)).rejects.toThrow(`password authentication failed for user "${username}"`);
  });

  it("computes the verifier PostgreSQL computes for the same salt", async () => {
    // PostgreSQL hashes a clear password itself (password_encryption = scram-sha-256); keep its salt, compare.
    const password = newPassword();
    await database.superuser.query(`CREATE ROLE "${DATABASE}_hash_check" PASSWORD '${password}'`);
    const stored = await storedPassword(`${DATABASE}_hash_check`) ?? "";
    const salt = Buffer.from(/^SCRAM-SHA-256\$4096:([^$]+)\$/.exec(stored)?.[1] ?? "", "base64");
    expect(scramVerifier(password, salt)).toBe(stored);
  });

  it("rotates the management user's password with the plugin's default root rotation statement", async () => {
    const rotated = newPassword();
    await plugin("scram-sha-256").changePassword(database.vaultUser, rotated);
    const session = await database.login(database.vaultUser, rotated);
    expect((await session.client.query("SELECT current_user AS user")).rows).toEqual([{ user: database.vaultUser }]);
    await expect(database.login(database.vaultUser, database.vaultPassword)).rejects.toThrow("password authentication failed");
  });

  it("with no revocation statements, the plugin's default fails here and ends no session: the user keeps its access", async () => {
    const password = newPassword();
    const vault = plugin("scram-sha-256");
    const username = await vault.newUser(TRAINING, { roleName: "dev-vision", displayName: "kubernetes", password, expiration: IN_AN_HOUR() });
    const session = await database.login(username, password);
    // Its REVOKEs on schema public need USAGE there, which the setup leaves to nobody; it never reaches DROP ROLE.
    await expect(vault.deleteUser([], username)).rejects.toThrow("permission denied for schema public");
    expect((await database.superuser.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [username])).rowCount).toBe(1);
    await session.client.query("CREATE TABLE still_writing (x int); INSERT INTO still_writing VALUES (1)");
    await vault.deleteUser(revocationStatements(), username);
    expect(session.ended?.message).toBe("terminating connection due to administrator command");
  });
});
