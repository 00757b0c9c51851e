import * as crypto from "node:crypto";
import { manifestNameProblems } from "./manifestNames";

/**
 * The digest manifest of a served model: the OpenSSF model-signing format, v1.0 (the `model_signing`
 * tool of sigstore/model-transparency). A Sigstore bundle whose DSSE envelope carries an in-toto
 * Statement; its predicate lists every file of the model directory with its SHA-256.
 *
 * FACT (sigstore/model-transparency v1.1.1, src/model_signing/_signing/signing.py): payloadType
 * `application/vnd.in-toto+json`; `_type` `https://in-toto.io/Statement/v1`; predicateType
 * `https://model_signing/signature/v1.0`; one subject whose sha256 is the SHA-256 over the resources'
 * digest bytes in the order listed; predicate.serialization `{method, hash_type, allow_symlinks,
 * ignore_paths?}`; predicate.resources `[{name, algorithm, digest}]` with names relative POSIX paths
 * (src/model_signing/manifest.py). The pre-1.0 predicate `https://model_signing/Digests/v0.1` is
 * refused: upstream itself notes that it cannot tell a file missing from the manifest.
 */
export const PAYLOAD_TYPE = "application/vnd.in-toto+json";
export const STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
export const PREDICATE_TYPE = "https://model_signing/signature/v1.0";
/** Where the bundle sits in the model directory (model_signing's default name); it is the one file not listed. */
export const SIGNATURE_FILE = "model.sig";

const HEX_SHA256 = /^[a-f0-9]{64}$/;

/** One file the manifest records. */
export interface ManifestEntry {
  name: string;
  sha256: string;
}

/** What the statement records, once its shape and internal consistency are checked. */
export interface ModelManifest {
  modelName: string;
  entries: ManifestEntry[];
}

/** The signed bytes of a bundle: the DSSE payload, and the SHA-256 that pins it. */
export interface ManifestPayload {
  bytes: Buffer;
  sha256: string;
}

/** A manifest that cannot be used; the message says why. */
export class ManifestError extends Error {}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/**
 * The DSSE payload of a bundle (no signature check: signatureCheck does that). Its SHA-256 is the
 * value an endpoint pins (artifactSha256): it covers every file name and digest, which the subject
 * digest alone does not (that one hashes only the digests, so renamed files would keep it).
 */
export function manifestPayload(bundleJson: unknown): ManifestPayload {
  const envelope = record(record(bundleJson).dsseEnvelope);
  if (envelope.payloadType !== PAYLOAD_TYPE) {
    throw new ManifestError(`the bundle carries no DSSE envelope of type ${PAYLOAD_TYPE} (payloadType ${JSON.stringify(envelope.payloadType)})`);
  }
  if (typeof envelope.payload !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(envelope.payload)) {
    throw new ManifestError("the DSSE payload is not base64 text");
  }
  const bytes = Buffer.from(envelope.payload, "base64");
  return { bytes, sha256: crypto.createHash("sha256").update(bytes).digest("hex") };
}

function serializationProblems(serialization: Record<string, unknown>): string[] {
  return [
    serialization.method !== "files" && `serialization method ${JSON.stringify(serialization.method)} is not supported (only "files": one digest per file)`,
    serialization.hash_type !== "sha256" && `hash_type ${JSON.stringify(serialization.hash_type)} is not supported (only sha256)`,
    // A served model directory holds no symlinks (see modelTree), so a manifest made by following them cannot match.
    serialization.allow_symlinks !== false && `allow_symlinks is ${JSON.stringify(serialization.allow_symlinks)}; sign with symlinks refused (the default) — served models hold none`,
  ].filter((problem): problem is string => typeof problem === "string");
}

function entryOf(resource: unknown, index: number): ManifestEntry {
  const { name, algorithm, digest } = record(resource);
  if (typeof name !== "string") throw new ManifestError(`resources[${index}] has no name`);
  if (algorithm !== "sha256") throw new ManifestError(`resources[${index}] (${JSON.stringify(name)}) uses algorithm ${JSON.stringify(algorithm)}; only sha256 is supported`);
  if (typeof digest !== "string" || !HEX_SHA256.test(digest)) throw new ManifestError(`resources[${index}] (${JSON.stringify(name)}) has no SHA-256 digest (64 lower-case hex)`);
  return { name, sha256: digest };
}

/** The manifest a payload states, refused unless it is a well-formed, self-consistent model-signing v1.0 statement. */
export function parseManifest(payload: Buffer): ModelManifest {
  let statement: Record<string, unknown>;
  try {
    statement = record(JSON.parse(payload.toString("utf8")));
  } catch {
    throw new ManifestError("the DSSE payload is not JSON");
  }
  if (statement._type !== STATEMENT_TYPE) throw new ManifestError(`the payload is not an in-toto ${STATEMENT_TYPE} (_type ${JSON.stringify(statement._type)})`);
  if (statement.predicateType !== PREDICATE_TYPE) {
    throw new ManifestError(`predicateType ${JSON.stringify(statement.predicateType)} is not ${PREDICATE_TYPE}: sign with model_signing 1.0 or later`);
  }
  const subjects = Array.isArray(statement.subject) ? statement.subject : [];
  const subject = record(subjects[0]);
  const subjectDigest = record(subject.digest).sha256;
  if (subjects.length !== 1 || typeof subjectDigest !== "string" || !HEX_SHA256.test(subjectDigest)) {
    throw new ManifestError("the statement must have exactly one subject with a sha256 digest");
  }
  const predicate = record(statement.predicate);
  const problems = serializationProblems(record(predicate.serialization));
  if (problems.length > 0) throw new ManifestError(problems.join("; "));
  if (!Array.isArray(predicate.resources) || predicate.resources.length === 0) throw new ManifestError("the manifest lists no files");
  const entries = predicate.resources.map(entryOf);
  const nameProblems = manifestNameProblems(entries.map((entry) => entry.name), SIGNATURE_FILE);
  if (nameProblems.length > 0) throw new ManifestError(nameProblems.join("; "));
  const root = crypto.createHash("sha256");
  for (const entry of entries) root.update(Buffer.from(entry.sha256, "hex"));
  if (root.digest("hex") !== subjectDigest) throw new ManifestError("the subject digest is not the digest of the listed resources: the manifest is inconsistent");
  return { modelName: typeof subject.name === "string" ? subject.name : "", entries };
}
