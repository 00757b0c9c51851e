import { constants, promises as fs } from "node:fs";
import { ManifestError, manifestPayload, parseManifest } from "./modelManifest";
import { modelDirectoryProblems } from "./modelDirectory";
import { checkManifestSignature, SignatureError, type ManifestAuthority } from "./signatureCheck";

export interface VerifyModelOptions {
  /** The downloaded model directory. */
  modelDir: string;
  /** The model-signing bundle (model.sig). */
  signatureFile: string;
  /** SHA-256 of the bundle's DSSE payload, as the endpoint records it (mlops.io/model-sha256). */
  expectedSha256: string;
  /** Who must have signed it; omitted, the pinned digest alone vouches for the manifest. */
  authority?: ManifestAuthority;
}

export interface VerifyModelResult {
  /** Empty when the model may be served. */
  problems: string[];
  /** Files verified (0 when the manifest itself was refused). */
  files: number;
}

/** Reads the bundle without following a symlink: it is the one file of the directory not listed in it. */
async function readBundle(file: string): Promise<unknown> {
  const handle = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW).catch((error: NodeJS.ErrnoException) => {
    throw new ManifestError(error.code === "ELOOP" ? `${file} is a symlink` : `${file} cannot be read (${error.code ?? error.message})`);
  });
  try {
    return JSON.parse(await handle.readFile("utf8"));
  } catch (error) {
    throw error instanceof SyntaxError ? new ManifestError(`${file} is not JSON`) : error;
  } finally {
    await handle.close();
  }
}

/**
 * Whether the model directory is exactly what was recorded: the bundle's payload is the pinned one,
 * its signature (when an authority is given) is the authority's, and every file matches the manifest.
 * Every refusal is a problem in the result; only unexpected I/O errors throw.
 */
export async function verifyModel(options: VerifyModelOptions): Promise<VerifyModelResult> {
  try {
    const bundle = await readBundle(options.signatureFile);
    const payload = manifestPayload(bundle);
    if (payload.sha256 !== options.expectedSha256) {
      return { problems: [`the manifest's digest is ${payload.sha256}, not the recorded ${options.expectedSha256}: this is not the approved model`], files: 0 };
    }
    if (options.authority) checkManifestSignature(bundle, options.authority);
    const manifest = parseManifest(payload.bytes);
    const signatureName = options.signatureFile.startsWith(`${options.modelDir.replace(/\/+$/, "")}/`)
      ? options.signatureFile.slice(options.modelDir.replace(/\/+$/, "").length + 1)
      : "";
    const problems = await modelDirectoryProblems(options.modelDir, manifest.entries, signatureName);
    return { problems, files: manifest.entries.length };
  } catch (error) {
    if (error instanceof ManifestError || error instanceof SignatureError) return { problems: [error.message], files: 0 };
    throw error;
  }
}
