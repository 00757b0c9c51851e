/**
 * Test fixtures in the OpenSSF model-signing v1.0 format (what `model_signing sign` writes), made
 * here because the Python tool cannot run on this machine: a statement per the format, signed into a
 * Sigstore bundle by @sigstore/sign, either with a key (as `model_signing sign key` does: a public-key
 * hint, no Rekor entry) or keyless, with a throwaway Fulcio CA, CT log and Rekor from @sigstore/mock
 * behind nock (no network), and the trusted root naming them.
 */
import * as crypto from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { bundleToJSON } from "@sigstore/bundle";
import { fulcioHandler, initializeCA, initializeCTLog, initializeTLog, rekorHandler } from "@sigstore/mock";
import { DSSEBundleBuilder, FulcioSigner, RekorWitness, type Signer } from "@sigstore/sign";
import nock from "nock";

export const PAYLOAD_TYPE = "application/vnd.in-toto+json";
/** The mock types its byte fields as plain views. */
const base64 = (bytes: ArrayBufferView) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
const sha256 = (data: Buffer | string) => crypto.createHash("sha256").update(data).digest("hex");

export interface StatementOptions {
  predicateType?: string;
  serialization?: Record<string, unknown>;
  /** Replaces the subject digest (to make an inconsistent manifest). */
  subjectDigest?: string;
  algorithm?: string;
}

/** A model-signing v1.0 statement for these (name, content) files, or for explicit resources. */
export function statementFor(files: Record<string, string | Buffer> | { name: string; digest: string }[], options: StatementOptions = {}): Buffer {
  const resources = (Array.isArray(files) ? files : Object.entries(files).map(([name, content]) => ({ name, digest: sha256(content) })))
    .map(({ name, digest }) => ({ name, algorithm: options.algorithm ?? "sha256", digest }));
  const root = crypto.createHash("sha256");
  for (const resource of resources) root.update(Buffer.from(resource.digest, "hex"));
  return Buffer.from(JSON.stringify({
    _type: "https://in-toto.io/Statement/v1",
    subject: [{ name: "model", digest: { sha256: options.subjectDigest ?? root.digest("hex") } }],
    predicateType: options.predicateType ?? "https://model_signing/signature/v1.0",
    predicate: {
      serialization: options.serialization ?? { method: "files", hash_type: "sha256", allow_symlinks: false, ignore_paths: ["model.sig", ".git", ".gitattributes", ".github", ".gitignore"] },
      resources,
    },
  }, null, 2));
}

/** The digest an endpoint pins for a bundle: the SHA-256 of its DSSE payload. */
export const payloadDigest = (statement: Buffer) => sha256(statement);

export const newP256Key = () => crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });

/** A bundle as `model_signing sign key` writes it: DSSE signed with the key, its public key's hint, no Rekor entry. */
export async function keySignedBundle(statement: Buffer, privateKey: crypto.KeyObject): Promise<unknown> {
  const publicKey = crypto.createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString();
  const signer: Signer = {
    sign: (data) => Promise.resolve({ signature: crypto.sign("sha256", data, privateKey), key: { $case: "publicKey", publicKey, hint: sha256(publicKey) } }),
  };
  return bundleToJSON(await new DSSEBundleBuilder({ signer, witnesses: [] }).create({ data: statement, type: PAYLOAD_TYPE }));
}

/** A bundle without any signature: what an attacker with only write access to the bucket can make. */
export function unsignedBundle(statement: Buffer): unknown {
  return {
    mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
    verificationMaterial: { publicKey: { hint: "" }, tlogEntries: [] },
    dsseEnvelope: { payload: statement.toString("base64"), payloadType: PAYLOAD_TYPE, signatures: [] },
  };
}

const FULCIO = "https://fulcio.model-signing.test";
const REKOR = "https://rekor.model-signing.test";
const CT_LOG = "https://ctlog.model-signing.test";

/** A private Sigstore instance: signs keyless bundles for any OIDC identity, and the trusted root that vouches for it. */
export interface TestSigstore {
  trustedRoot: unknown;
  sign(statement: Buffer, identity: { issuer: string; subject: string }): Promise<unknown>;
}

export async function testSigstore(): Promise<TestSigstore> {
  const caKeys = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  const rekorKeys = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
  const ctLog = await initializeCTLog(caKeys);
  const ca = await initializeCA(caKeys, ctLog);
  const tlog = await initializeTLog(REKOR, rekorKeys);
  const spki = rekorKeys.publicKey.export({ type: "spki", format: "der" });
  const since = { start: "2020-01-01T00:00:00Z" };
  const trustedRoot = {
    mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    tlogs: [{ baseUrl: REKOR, hashAlgorithm: "SHA2_256", publicKey: { rawBytes: spki.toString("base64"), keyDetails: "PKIX_ECDSA_P256_SHA_256", validFor: since }, logId: { keyId: crypto.createHash("sha256").update(spki).digest("base64") } }],
    certificateAuthorities: [{ subject: { organization: "model-signing.test", commonName: "test CA" }, uri: FULCIO, certChain: { certificates: [{ rawBytes: base64(ca.rootCertificate) }] }, validFor: since }],
    ctlogs: [{ baseUrl: CT_LOG, hashAlgorithm: "SHA2_256", publicKey: { rawBytes: base64(ctLog.publicKey), keyDetails: "PKIX_ECDSA_P256_SHA_256", validFor: since }, logId: { keyId: base64(ctLog.logID) } }],
    timestampAuthorities: [],
  };
  const intercept = (base: string, handler: ReturnType<typeof fulcioHandler>) =>
    nock(base).post(handler.path).reply(async (_uri, body) => {
      const answer = await handler.fn(typeof body === "string" ? body : JSON.stringify(body));
      return [answer.statusCode, answer.response, { "Content-Type": answer.contentType ?? "text/plain" }];
    });
  const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return {
    trustedRoot,
    async sign(statement, identity) {
      nock.disableNetConnect();
      intercept(FULCIO, fulcioHandler(ca));
      intercept(REKOR, rekorHandler(tlog));
      // The mock Fulcio reads the token's claims without checking a signature.
      const token = `${b64url({ alg: "none" })}.${b64url({ iss: identity.issuer, sub: identity.subject, aud: "sigstore" })}.`;
      const signer = new FulcioSigner({ fulcioBaseURL: FULCIO, identityProvider: { getToken: () => Promise.resolve(token) } });
      // Rekor's intoto entry: the mock's dsse entry omits the signatures @sigstore/verify counts.
      const witness = new RekorWitness({ rekorBaseURL: REKOR, entryType: "intoto" });
      try {
        return bundleToJSON(await new DSSEBundleBuilder({ signer, witnesses: [witness] }).create({ data: statement, type: PAYLOAD_TYPE }));
      } finally {
        nock.cleanAll();
        nock.enableNetConnect();
      }
    },
  };
}

/** Writes files (nested names create directories) under dir, and the bundle as dir/model.sig. */
export async function writeModel(dir: string, files: Record<string, string | Buffer>, bundle?: unknown): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await fs.writeFile(path.join(dir, name), content);
  }
  await fs.mkdir(dir, { recursive: true });
  if (bundle !== undefined) await fs.writeFile(path.join(dir, "model.sig"), JSON.stringify(bundle));
}
