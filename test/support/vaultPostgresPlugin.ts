/**
 * Runs a Vault database role's statements the way Vault's postgresql-database-plugin does, over the
 * connection Vault would hold (the management user's). Each behaviour below is read from the source:
 *
 * FACT (hashicorp/vault plugins/database/postgresql/postgresql.go, commit e33342ec3df25377ae567c1dc51474fa8f25ca35,
 * the dbplugin v5 plugin):
 * - NewUser refuses empty creation statements (dbutil.ErrEmptyCreationStatement), opens ONE transaction
 *   (db.BeginTx), runs every query in it and commits; any error returns before the commit and the deferred
 *   tx.Rollback() undoes everything.
 * - Each statement is split with strutil.ParseArbitraryStringSlice(stmt, ";"), each piece strings.TrimSpace'd and
 *   skipped when empty; except that NewUser and customDeleteUser run a statement whole when it holds the word
 *   `END` (containsMultilineStatement, regexp `\bEND\b` outside quotes). Not modelled: our statements never hold it.
 * - Substitution is plain text (sdk/helper/dbtxn/dbtxn.go parseQuery: strings.ReplaceAll of `{{key}}`):
 *   NewUser offers name, username, password, expiration; DeleteUser name, username; the password change
 *   (UpdateUser, which rotate-root uses) name, username, password. Queries run with tx.ExecContext, no arguments.
 * - `{{expiration}}` is req.Expiration.Format("2006-01-02 15:04:05-0700"): whole seconds and a numeric offset.
 * - With password_authentication = "scram-sha-256" (Initialize; default "password", passwordauthentication.go),
 *   `{{password}}` becomes scram.Hash(password) in NewUser and in the password change, so only a verifier
 *   reaches PostgreSQL; otherwise the password itself is written into the statement.
 * - DeleteUser with no revocation statements runs defaultDeleteUser: if the role exists, REVOKEs on the schemas
 *   listed for it in information_schema.role_column_grants, on schema public and CONNECT on the current database,
 *   each outside any transaction, errors kept for later; then DROP ROLE IF EXISTS. It ends no session.
 * - The password change runs the root rotation statements, by default `ALTER ROLE "{{username}}" WITH PASSWORD
 *   '{{password}}';` (defaultChangePasswordStatement), in one transaction.
 * FACT (hashicorp/go-secure-stdlib strutil/strutil.go, commit 0dad331b5f21a2c867d30994b15e88fdfe5c8506):
 * ParseArbitraryStringSlice first tries base64 and a JSON array, then strings.Split on the separator.
 * FACT (hashicorp/vault builtin/logical/database/path_rotate_credentials.go, commit 014783e73266e1398b93084000fb563ef1b2485d):
 * rotate-root calls UpdateUser for the connection's username with config.RootCredentialsRotateStatements.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import type { Client } from "pg";

export type PasswordAuthentication = "password" | "scram-sha-256";

const DEFAULT_CHANGE_PASSWORD_STATEMENT = `ALTER ROLE "{{username}}" WITH PASSWORD '{{password}}';`;

/**
 * FACT (hashicorp/vault plugins/database/postgresql/scram/scram.go, commit efe94fd2b90283d5f68872b4191f58f50542d59c):
 * Hash draws a 16-byte random salt, derives PBKDF2-HMAC-SHA-256 over 4096 iterations to 32 bytes, and returns
 * `SCRAM-SHA-256$4096:<salt>$<StoredKey>:<ServerKey>` (standard base64), StoredKey = SHA-256(HMAC(key, "Client Key")),
 * ServerKey = HMAC(key, "Server Key"). It applies no SASLprep; Vault's generated passwords are ASCII, where it is a no-op.
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16)): string {
  const saltedPassword = pbkdf2Sync(password, salt, 4096, 32, "sha256");
  const storedKey = createHash("sha256").update(createHmac("sha256", saltedPassword).update("Client Key").digest()).digest();
  const serverKey = createHmac("sha256", saltedPassword).update("Server Key").digest();
  return `SCRAM-SHA-256$4096:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

/** Go's layout "2006-01-02 15:04:05-0700" of the instant, in UTC (Vault's servers run in UTC). */
export function goExpiration(instant: Date): string {
  const two = (value: number) => String(value).padStart(2, "0");
  return `${instant.getUTCFullYear()}-${two(instant.getUTCMonth() + 1)}-${two(instant.getUTCDate())} ` +
    `${two(instant.getUTCHours())}:${two(instant.getUTCMinutes())}:${two(instant.getUTCSeconds())}+0000`;
}

/** The plugin's default username template: `v-<display 8>-<role 8>-<20 random>-<unix time>`, at most 63 characters. */
export function vaultUsername(displayName: string, roleName: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const random = [...randomBytes(20)].map((byte) => alphabet[byte % alphabet.length]).join("");
  return `v-${displayName.slice(0, 8)}-${roleName.slice(0, 8)}-${random}-${Math.floor(Date.now() / 1000)}`.slice(0, 63);
}

function queries(statement: string, wholeWhenEnd: boolean): string[] {
  const trimmed = statement.trim();
  if (/^\[/.test(trimmed) || (/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) && trimmed.length % 4 === 0)) {
    throw new Error(`not modelled: the plugin would read this statement as JSON or base64: ${statement}`);
  }
  if (wholeWhenEnd && /\bEND\b/.test(statement.replace(/"[^"]*"|'[^']*'/g, ""))) {
    throw new Error(`not modelled: the plugin would run this statement unsplit, as it holds END: ${statement}`);
  }
  return statement.split(";").map((query) => query.trim()).filter((query) => query.length > 0);
}

const substitute = (query: string, values: Record<string, string>) =>
  Object.entries(values).reduce((text, [key, value]) => text.replaceAll(`{{${key}}}`, value), query);

export interface NewUser {
  roleName: string;
  displayName: string;
  /** The password Vault generated and hands to the application. */
  password: string;
  expiration: Date;
}

export class VaultPostgresPlugin {
  /** Every query sent, after substitution: what PostgreSQL (and its logs) see. */
  readonly sent: string[] = [];

  constructor(private readonly connection: Client, private readonly passwordAuthentication: PasswordAuthentication) {}

  private passwordValue(password: string): string {
    return this.passwordAuthentication === "scram-sha-256" ? scramVerifier(password) : password;
  }

  private async inTransaction(statements: string[], values: Record<string, string>, wholeWhenEnd: boolean): Promise<void> {
    await this.connection.query("BEGIN");
    try {
      for (const statement of statements) {
        for (const query of queries(statement, wholeWhenEnd)) {
          const text = substitute(query, values);
          this.sent.push(text);
          await this.connection.query(text);
        }
      }
      await this.connection.query("COMMIT");
    } catch (error) {
      await this.connection.query("ROLLBACK");
      throw error;
    }
  }

  /** NewUser: returns the username the lease carries. */
  async newUser(statements: string[], user: NewUser): Promise<string> {
    if (statements.length === 0) throw new Error("empty creation statements");
    const username = vaultUsername(user.displayName, user.roleName);
    await this.inTransaction(statements, {
      name: username, username, password: this.passwordValue(user.password), expiration: goExpiration(user.expiration),
    }, true);
    return username;
  }

  /** DeleteUser: the revocation statements, or the plugin's default when there are none. */
  async deleteUser(statements: string[], username: string): Promise<void> {
    if (statements.length === 0) return this.defaultDeleteUser(username);
    await this.inTransaction(statements, { name: username, username }, true);
  }

  /** UpdateUser's password change, as rotate-root runs it for the management user. */
  async changePassword(username: string, newPassword: string, statements: string[] = []): Promise<void> {
    const commands = statements.length > 0 ? statements : [DEFAULT_CHANGE_PASSWORD_STATEMENT];
    await this.inTransaction(commands, { name: username, username, password: this.passwordValue(newPassword) }, false);
  }

  private async defaultDeleteUser(username: string): Promise<void> {
    const exists = await this.connection.query("SELECT exists (SELECT rolname FROM pg_roles WHERE rolname=$1)", [username]);
    if (!exists.rows[0].exists) return;
    const user = this.connection.escapeIdentifier(username);
    const schemas = await this.connection.query<{ table_schema: string }>(
      "SELECT DISTINCT table_schema FROM information_schema.role_column_grants WHERE grantee=$1", [username]);
    const database = (await this.connection.query<{ name: string }>("SELECT current_database() AS name")).rows[0].name;
    const revocations = [
      ...schemas.rows.flatMap(({ table_schema }) => [
        `REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA ${this.connection.escapeIdentifier(table_schema)} FROM ${user}`,
        `REVOKE USAGE ON SCHEMA ${this.connection.escapeIdentifier(table_schema)} FROM ${user}`,
      ]),
      `REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA public FROM ${user}`,
      `REVOKE ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA public FROM ${user}`,
      `REVOKE USAGE ON SCHEMA public FROM ${user}`,
      `REVOKE CONNECT ON DATABASE ${this.connection.escapeIdentifier(database)} FROM ${user}`,
    ];
    let lastError: Error | undefined;
    for (const revocation of revocations) {
      this.sent.push(revocation);
      await this.connection.query(revocation).catch((error: Error) => { lastError = error; });
    }
    if (lastError) throw lastError;
    this.sent.push(`DROP ROLE IF EXISTS ${user}`);
    await this.connection.query(`DROP ROLE IF EXISTS ${user}`);
  }
}
