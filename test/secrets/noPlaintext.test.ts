/**
 * Secrets stay secret from stack config to the engine: planning the dev stack with its secure:
 * values (the offline plan stands in a known placeholder for each), the value reaches the engine
 * only inside secret wrappers, never as plain text in any resource input or stack output.
 */
import * as path from "node:path";
import { runProgram, type ProgramRun } from "../../tools/plan/runProgram";
import { readProjectStack } from "../../tools/plan/stackFile";
import { REPO_ROOT } from "../support/planCli";

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const stack = readProjectStack(REPO_ROOT, "dev");
const secretValues = [...stack.config.secretKeys].map((key) => stack.config.values[key]);
let run: ProgramRun;

/** Paths where a secret value appears outside any secret wrapper. */
function plaintextPaths(value: unknown, secrets: string[], at = ""): string[] {
  if (typeof value === "string") return secrets.some((secret) => value.includes(secret)) ? [at] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => plaintextPaths(item, secrets, `${at}[${index}]`));
  if (value === null || typeof value !== "object") return [];
  if (SECRET_SIG in value) return [];
  return Object.entries(value).flatMap(([key, inner]) => plaintextPaths(inner, secrets, `${at}.${key}`));
}

beforeAll(async () => {
  run = await runProgram(path.join(REPO_ROOT), stack, "update");
}, 60_000);

describe("secret config values", () => {
  it("the dev stack has secure: values, each read back as a known placeholder", () => {
    expect(stack.config.secretKeys).toEqual(new Set(["secure-ml-platform:databasePassword"]));
    expect(secretValues).toEqual([expect.stringMatching(/^offline-secret-[0-9a-f]{12}$/)]);
  });

  it("reach the engine only inside secret wrappers", () => {
    const wrapped = run.resources.filter((resource) => JSON.stringify(resource.inputs).includes(secretValues[0]));
    expect(wrapped.map((resource) => resource.name)).toEqual(["ml-dev-vault-database-connection"]);
    for (const resource of run.resources) expect([resource.name, plaintextPaths(resource.inputs, secretValues)]).toEqual([resource.name, []]);
    for (const resource of run.resources) expect([resource.name, plaintextPaths(resource.outputs, secretValues)]).toEqual([resource.name, []]);
  });

  it("never appear in the stack outputs", () => {
    expect(JSON.stringify(run.outputs)).not.toContain(secretValues[0]);
  });
});
