import { promises as fs } from "node:fs";
import { parseArgs } from "node:util";
import { ManifestError, manifestPayload } from "./modelManifest";
import type { ManifestAuthority } from "./signatureCheck";
import { verifyModel } from "./verifyModel";

/**
 * model-verify: the init step of a served model.
 *   verify --model-dir DIR --sha256 HEX [--signature FILE] [--public-key=PEM | --keyless-issuer URL --keyless-subject-regexp RE [--trusted-root FILE]]
 *     (a PEM starts with dashes, so it goes in the --public-key=PEM form)
 *     exit 0: the directory is exactly the signed, pinned manifest; 1: refused (each reason on stderr); 2: bad usage.
 *   digest FILE: prints the SHA-256 an endpoint pins for a model.sig (its DSSE payload's).
 */
const EXIT = { refused: 1, usage: 2 } as const;
/** The Sigstore public-good trusted root the image ships (see Dockerfile). */
const DEFAULT_TRUSTED_ROOT = "/etc/model-verify/trusted_root.json";

class UsageError extends Error {}

async function authorityOf(values: Record<string, string | undefined>): Promise<ManifestAuthority | undefined> {
  const keyless = values["keyless-issuer"] !== undefined || values["keyless-subject-regexp"] !== undefined;
  if (values["public-key"] !== undefined && keyless) throw new UsageError("give --public-key or the keyless identity, not both");
  if (values["public-key"] !== undefined) return { publicKey: values["public-key"] };
  if (!keyless) return undefined;
  const issuer = values["keyless-issuer"];
  const subjectRegExp = values["keyless-subject-regexp"];
  if (!issuer || !subjectRegExp) throw new UsageError("keyless verification needs both --keyless-issuer and --keyless-subject-regexp");
  const trustedRoot: unknown = JSON.parse(await fs.readFile(values["trusted-root"] ?? DEFAULT_TRUSTED_ROOT, "utf8"));
  return { keyless: { issuer, subjectRegExp, trustedRoot } };
}

async function verifyCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      "model-dir": { type: "string" }, sha256: { type: "string" }, signature: { type: "string" }, "public-key": { type: "string" },
      "keyless-issuer": { type: "string" }, "keyless-subject-regexp": { type: "string" }, "trusted-root": { type: "string" },
    },
  });
  const modelDir = values["model-dir"];
  const sha256 = values.sha256;
  if (!modelDir || !sha256 || !/^[a-f0-9]{64}$/.test(sha256)) throw new UsageError("verify needs --model-dir and --sha256 <64 lower-case hex>");
  const result = await verifyModel({ modelDir, signatureFile: values.signature ?? `${modelDir.replace(/\/+$/, "")}/model.sig`, expectedSha256: sha256, authority: await authorityOf(values) });
  if (result.problems.length > 0) {
    console.error(`refusing to serve ${modelDir}:\n${result.problems.map((problem) => `  - ${problem}`).join("\n")}`);
    return EXIT.refused;
  }
  console.log(`verified ${modelDir}: ${result.files} files match the manifest ${sha256}`);
  return 0;
}

async function digestCommand(args: string[]): Promise<number> {
  if (args.length !== 1) throw new UsageError("digest takes one model.sig file");
  console.log(manifestPayload(JSON.parse(await fs.readFile(args[0], "utf8"))).sha256);
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === "verify") return await verifyCommand(rest);
    if (command === "digest") return await digestCommand(rest);
    throw new UsageError(`unknown command ${JSON.stringify(command)}: use verify or digest`);
  } catch (error) {
    if (error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`model-verify: ${(error as Error).message}`);
      return EXIT.usage;
    }
    if (error instanceof ManifestError) {
      console.error(`model-verify: ${error.message}`);
      return EXIT.refused;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: Error) => {
  console.error(`model-verify: ${error.message}`);
  process.exitCode = EXIT.refused;
});
