import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";

/*
 * SARIF logs are held to the published SARIF 2.1.0 JSON schema and to the SARIF Multitool's rules, both
 * from Microsoft's @microsoft/sarif-multitool-linux (an optional dependency: it ships a Linux binary).
 * FACTs (multitool 5.7.0): the package carries the schema as sarif-2.1.0.json (JSON Schema 2020-12);
 * `Sarif.Multitool validate` writes its findings as a SARIF log, but a log that breaks the schema yields
 * no findings at all rather than an error, so the schema is checked here first, with Ajv.
 */
const MULTITOOL_DIR = path.resolve(__dirname, "../../node_modules/@microsoft/sarif-multitool-linux");
const SCHEMA = path.join(MULTITOOL_DIR, "sarif-2.1.0.json");

/** Why SARIF validation cannot run here (not Linux, or installed with --omit=optional); in CI that is a failure. */
export function multitoolMissing(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (fs.existsSync(SCHEMA)) return undefined;
  const reason = `${MULTITOOL_DIR} is not installed (an optional dependency, Linux only)`;
  if (env.CI === "true") throw new Error(`${reason}: CI must install it`);
  return reason;
}

let validateSchema: ReturnType<Ajv2020["compile"]> | undefined;

/** Every problem the published schema finds in the log, as "path: message". */
export function sarifSchemaErrors(log: unknown): string[] {
  if (!validateSchema) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    validateSchema = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, "utf8")) as object);
  }
  return validateSchema(log) ? [] : (validateSchema.errors ?? []).map((error) => `${error.instancePath || "/"}: ${error.message ?? error.keyword}`);
}

export interface MultitoolFinding { ruleId: string; level: string; message: string }

/** The multitool's findings (SARIF best-practice and GitHub ingestion rules) over the given log files. */
export function multitoolFindings(files: string[]): MultitoolFinding[] {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sarif-validate-")), "validation.sarif");
  const run = spawnSync(path.join(MULTITOOL_DIR, "Sarif.Multitool"), ["validate", ...files, "--output", out, "--rule-kind", "Sarif;Gh", "--quiet"], { encoding: "utf8", timeout: 60_000 });
  if (run.status !== 0 || !fs.existsSync(out)) throw new Error(`Sarif.Multitool validate failed (${run.status ?? run.signal}): ${run.stderr || run.stdout}`);
  const log = JSON.parse(fs.readFileSync(out, "utf8")) as { runs: { results?: { ruleId: string; level?: string; message: { id?: string; text?: string; arguments?: string[] } }[] }[] };
  return (log.runs[0].results ?? []).map((result) => ({
    ruleId: result.ruleId,
    // A result without a level is a warning (SARIF 2.1.0 §3.27.10).
    level: result.level ?? "warning",
    message: result.message.text ?? `${result.message.id ?? ""} ${(result.message.arguments ?? []).join(" | ")}`,
  }));
}

/**
 * Asserts a log meets the schema and draws no multitool finding except those `tolerated` names (by
 * rule id and a message fragment, each with its reason at the call site).
 */
export function expectValidSarif(file: string, tolerated: { ruleId: string; fragment: string }[] = []): void {
  const skip = multitoolMissing();
  if (skip) return void process.stderr.write(`SARIF validation skipped: ${skip}\n`);
  expect(sarifSchemaErrors(JSON.parse(fs.readFileSync(file, "utf8")))).toEqual([]);
  const findings = multitoolFindings([file]).filter((finding) => !tolerated.some((allowed) => finding.ruleId === allowed.ruleId && finding.message.includes(allowed.fragment)));
  expect(findings).toEqual([]);
}

/** Tolerated: the product has no public web page yet for driver.informationUri (the multitool spells its message id so). */
export const NO_HOME_PAGE = { ruleId: "SARIF2005", fragment: "Warning_ProvideToolnformationUri" };

/** Tolerated: stack-level findings and a plan's findings are on a resource, named by its URN (logical location), not on a line. */
export const NO_LINE = { ruleId: "SARIF2017", fragment: "Warning_MissingRegion" };
