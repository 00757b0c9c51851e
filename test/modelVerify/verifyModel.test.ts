/**
 * The model-verify init step on real files in a temporary directory: each trick an attacker with
 * write access to the bucket (or a careless packager) could play is refused with a reason, and the
 * tricky-but-honest layouts pass.
 */
import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { verifyModel, type VerifyModelOptions } from "../../tools/model-verify/verifyModel";
import { keySignedBundle, newP256Key, payloadDigest, statementFor, unsignedBundle, writeModel } from "../support/modelSigning";

const FILES = {
  "config.json": '{"layers": 2}',
  "weights/model-00001-of-00002.safetensors": crypto.randomBytes(4096),
  "weights/model-00002-of-00002.safetensors": crypto.randomBytes(1024),
  "tokenizer/vocab.txt": "a\nb\n",
};
const signingKey = newP256Key();
const publicKey = signingKey.publicKey.export({ type: "spki", format: "pem" }).toString();

let scratch: string;
beforeAll(async () => { scratch = await fs.mkdtemp(path.join(os.tmpdir(), "model-verify-")); });
afterAll(async () => { await fs.rm(scratch, { recursive: true, force: true }); });

let counter = 0;
/** A fresh model directory holding files and a key-signed bundle over `listed` (default: the same files). */
async function model(files: Record<string, string | Buffer>, listed: Parameters<typeof statementFor>[0] = files, options: Parameters<typeof statementFor>[1] = {}) {
  const dir = path.join(scratch, `model-${counter += 1}`);
  const statement = statementFor(listed, options);
  await writeModel(dir, files, await keySignedBundle(statement, signingKey.privateKey));
  const verify = (overrides: Partial<VerifyModelOptions> = {}) => verifyModel({
    modelDir: dir, signatureFile: path.join(dir, "model.sig"), expectedSha256: payloadDigest(statement), authority: { publicKey }, ...overrides,
  });
  return { dir, statement, verify };
}

const problemsOf = async (result: Promise<{ problems: string[] }>) => (await result).problems;

describe("model-verify: a compliant model directory", () => {
  it("passes when every file matches the signed, pinned manifest", async () => {
    const { verify } = await model(FILES);
    expect(await verify()).toEqual({ problems: [], files: 4 });
  });

  it("passes with the pinned digest alone when no authority is configured", async () => {
    const { verify } = await model(FILES);
    expect(await problemsOf(verify({ authority: undefined }))).toEqual([]);
  });

  it("passes tricky but honest names: spaces, Unicode, dotfiles that are listed, a model.sig below the root", async () => {
    const { verify } = await model({ "a b/ç.bin": "x", ".hidden": "h", "sub/model.sig": "not the signature", "deep/er/and/deeper/w": "w" });
    expect(await problemsOf(verify())).toEqual([]);
  });
});

describe("model-verify: the files do not match", () => {
  it("refuses a changed byte", async () => {
    const { dir, verify } = await model(FILES);
    const file = path.join(dir, "weights/model-00002-of-00002.safetensors");
    const bytes = await fs.readFile(file);
    bytes[0] ^= 1;
    await fs.writeFile(file, bytes);
    expect(await problemsOf(verify())).toEqual([expect.stringMatching(/^"weights\/model-00002-of-00002.safetensors" does not match the manifest: SHA-256 [a-f0-9]{64}, recorded [a-f0-9]{64}$/)]);
  });

  it("refuses a missing file", async () => {
    const { dir, verify } = await model(FILES);
    await fs.rm(path.join(dir, "tokenizer/vocab.txt"));
    expect(await problemsOf(verify())).toEqual(['"tokenizer/vocab.txt" is in the manifest but not in the model directory']);
  });

  it("refuses an extra file, even one the signer's ignore_paths names", async () => {
    const { dir, verify } = await model(FILES);
    await fs.writeFile(path.join(dir, "weights/backdoor.pt"), "x");
    await fs.writeFile(path.join(dir, ".gitattributes"), "*.bin lfs");
    expect(await problemsOf(verify())).toEqual(['".gitattributes" is not in the manifest', '"weights/backdoor.pt" is not in the manifest']);
  });

  it("refuses an extra directory, even an empty one", async () => {
    const { dir, verify } = await model(FILES);
    await fs.mkdir(path.join(dir, "plugins"));
    expect(await problemsOf(verify())).toEqual(['directory "plugins" holds no file of the manifest']);
  });

  it("refuses a file whose name differs from the manifest's only in case, naming the twin", async () => {
    const { verify } = await model({ "model.bin": "w" }, { "Model.bin": "w" });
    expect(await problemsOf(verify())).toEqual([
      '"model.bin" is not in the manifest (it lists "Model.bin": the names differ in case or Unicode form)',
      '"Model.bin" is in the manifest but not in the model directory',
    ]);
  });

  it("refuses a directory where the manifest lists a file", async () => {
    const { dir, verify } = await model({ "config.json": "{}" }, { "config.json": "{}", weights: "w" });
    await fs.mkdir(path.join(dir, "weights"));
    expect(await problemsOf(verify())).toEqual(['"weights" is a directory; the manifest lists it as a file']);
  });
});

describe("model-verify: links and special files", () => {
  it("refuses a symlink leaving the model directory, by absolute or relative target", async () => {
    const { dir, verify } = await model({ "config.json": "{}" }, { "config.json": "{}", "weights.bin": "w", "extra.bin": "e" });
    await fs.symlink("/etc/passwd", path.join(dir, "weights.bin"));
    await fs.symlink("../../outside.bin", path.join(dir, "extra.bin"));
    expect(await problemsOf(verify())).toEqual([
      '"extra.bin" is a symlink to "../../outside.bin", outside the model directory: served models hold no symlinks',
      '"weights.bin" is a symlink to "/etc/passwd", outside the model directory: served models hold no symlinks',
      '"weights.bin" is in the manifest but not in the model directory',
      '"extra.bin" is in the manifest but not in the model directory',
    ]);
  });

  it("refuses a symlink that stays inside, and a symlinked subdirectory", async () => {
    const { dir, verify } = await model({ "a.bin": "a", "d/b.bin": "b" }, { "a.bin": "a", "d/b.bin": "b" });
    await fs.symlink("a.bin", path.join(dir, "alias.bin"));
    await fs.symlink("/tmp", path.join(dir, "d/cache"));
    expect(await problemsOf(verify())).toEqual([
      '"alias.bin" is a symlink to "a.bin", inside the model directory: served models hold no symlinks',
      '"d/cache" is a symlink to "/tmp", outside the model directory: served models hold no symlinks',
    ]);
  });

  it("refuses a hard link, whose other name could change the bytes after the check", async () => {
    const { dir, verify } = await model({ "weights.bin": "w" });
    const outside = path.join(scratch, `outside-${counter}`);
    await fs.writeFile(outside, "w");
    await fs.rm(path.join(dir, "weights.bin"));
    await fs.link(outside, path.join(dir, "weights.bin"));
    expect(await problemsOf(verify())).toEqual(['"weights.bin" has 2 hard links: another name could change its bytes after the check']);
  });

  it("refuses a FIFO without blocking on it", async () => {
    const { dir, verify } = await model({ "weights.bin": "w" }, { "weights.bin": "w", "pipe.bin": "p" });
    execFileSync("mkfifo", [path.join(dir, "pipe.bin")]);
    expect(await problemsOf(verify())).toEqual(['"pipe.bin" is a FIFO, not a regular file', '"pipe.bin" is in the manifest but not in the model directory']);
  });

  it("refuses a signature file that is a symlink, and a model directory that is one", async () => {
    const { dir, verify } = await model({ "weights.bin": "w" });
    const link = path.join(scratch, `link-${counter}`);
    await fs.symlink(dir, link);
    expect(await problemsOf(verify({ modelDir: link, signatureFile: path.join(dir, "model.sig") }))).toEqual([`${link} is not a directory (a symlink or a file)`]);
    await fs.rename(path.join(dir, "model.sig"), path.join(scratch, `sig-${counter}`));
    await fs.symlink(path.join(scratch, `sig-${counter}`), path.join(dir, "model.sig"));
    expect(await problemsOf(verify())).toEqual([`${path.join(dir, "model.sig")} is a symlink`]);
  });
});

describe("model-verify: manifests that cannot name files of the directory", () => {
  const digest = "0".repeat(64);
  it.each([
    ["an absolute path", "/etc/passwd", '"/etc/passwd" is an absolute path'],
    ["a .. segment", "weights/../../etc/passwd", '"weights/../../etc/passwd" climbs out with ..'],
    ["a . segment", "./weights.bin", '"./weights.bin" holds a . segment (a single-file model is a directory holding that file)'],
    ["an empty segment", "weights//a.bin", '"weights//a.bin" holds an empty path segment (//)'],
    ["a backslash", "weights\\a.bin", '"weights\\\\a.bin" holds a backslash (names are POSIX paths with /)'],
    ["a directory entry", "weights/", '"weights/" names a directory'],
    ["a control character", "a\u0000.bin", '"a\\u0000.bin" holds a control character'],
    ["the signature file", "model.sig", '"model.sig" is the signature file itself, which cannot sign its own digest'],
  ])("refuses %s", async (_case, name, message) => {
    const { verify } = await model({ "ok.bin": "o" }, [{ name: "ok.bin", digest: crypto.createHash("sha256").update("o").digest("hex") }, { name, digest }]);
    expect(await problemsOf(verify())).toEqual([message]);
  });

  it.each([
    ["names differing only in case", ["weights.bin", "Weights.bin"], '"Weights.bin" and "weights.bin" differ only in case or Unicode form: they are one file on case-insensitive or normalizing file systems'],
    ["NFC and NFD spellings of one name", ["caf\u00e9.bin", "cafe\u0301.bin"], '"cafe\u0301.bin" and "caf\u00e9.bin" differ only in case or Unicode form: they are one file on case-insensitive or normalizing file systems'],
    ["a name listed twice", ["weights.bin", "weights.bin"], '"weights.bin" is listed twice'],
    ["a name that is a file and a directory", ["weights", "weights/a.bin"], '"weights" is listed as a file and as the directory of "weights/a.bin"'],
  ])("refuses %s", async (_case, names, message) => {
    const { verify } = await model({}, names.map((name) => ({ name, digest })));
    expect(await problemsOf(verify())).toEqual([message]);
  });

  it.each([
    ["the pre-1.0 predicate", { predicateType: "https://model_signing/Digests/v0.1" }, /^predicateType "https:\/\/model_signing\/Digests\/v0.1" is not https:\/\/model_signing\/signature\/v1.0/],
    ["symlinks allowed at signing", { serialization: { method: "files", hash_type: "sha256", allow_symlinks: true } }, /^allow_symlinks is true/],
    ["shard serialization", { serialization: { method: "shards", hash_type: "sha256", allow_symlinks: false, shard_size: 1000 } }, /^serialization method "shards" is not supported/],
    ["another digest algorithm", { algorithm: "blake2b" }, /uses algorithm "blake2b"; only sha256 is supported$/],
    ["a subject digest that is not the resources'", { subjectDigest: "1".repeat(64) }, /^the subject digest is not the digest of the listed resources/],
  ])("refuses %s", async (_case, options, message) => {
    const { verify } = await model(FILES, FILES, options);
    expect(await problemsOf(verify())).toEqual([expect.stringMatching(message)]);
  });

  it("refuses a manifest listing no file", async () => {
    const { verify } = await model({}, []);
    expect(await problemsOf(verify())).toEqual(["the manifest lists no files"]);
  });
});

describe("model-verify: whose manifest it is", () => {
  it("refuses a manifest that is not the pinned one, though validly signed", async () => {
    const { verify } = await model(FILES);
    expect(await problemsOf(verify({ expectedSha256: "a".repeat(64) }))).toEqual([expect.stringMatching(/^the manifest's digest is [a-f0-9]{64}, not the recorded a{64}: this is not the approved model$/)]);
  });

  it("refuses files renamed into each other's place: the pin covers names, which the subject digest does not", async () => {
    const honest = statementFor({ "a.bin": "1", "b.bin": "2" });
    const swapped = statementFor([{ name: "a.bin", digest: crypto.createHash("sha256").update("2").digest("hex") }, { name: "b.bin", digest: crypto.createHash("sha256").update("1").digest("hex") }]);
    expect(JSON.parse(swapped.toString()).subject).not.toEqual(JSON.parse(honest.toString()).subject);
    const { verify } = await model({ "a.bin": "2", "b.bin": "1" }, [{ name: "b.bin", digest: crypto.createHash("sha256").update("1").digest("hex") }, { name: "a.bin", digest: crypto.createHash("sha256").update("2").digest("hex") }]);
    expect(await problemsOf(verify({ expectedSha256: payloadDigest(honest), authority: undefined }))).toEqual([expect.stringMatching(/this is not the approved model$/)]);
  });

  it("refuses a bundle signed by another key", async () => {
    const { verify } = await model(FILES);
    const other = newP256Key().publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(await problemsOf(verify({ authority: { publicKey: other } }))).toEqual(["the manifest signature does not verify: signature verification failed"]);
  });

  it("refuses an unsigned bundle when an authority is configured, and passes it on the pin alone without one", async () => {
    const statement = statementFor(FILES);
    const dir = path.join(scratch, `unsigned-${counter += 1}`);
    await writeModel(dir, FILES, unsignedBundle(statement));
    const options = { modelDir: dir, signatureFile: path.join(dir, "model.sig"), expectedSha256: payloadDigest(statement) };
    expect(await problemsOf(verifyModel({ ...options, authority: { publicKey } }))).toEqual([expect.stringMatching(/^the manifest signature does not verify: /)]);
    expect(await problemsOf(verifyModel(options))).toEqual([]);
  });

  it("refuses an authority key that is not P-256, which the verifier cannot check model_signing's signatures with", async () => {
    const { verify } = await model(FILES);
    const p384 = crypto.generateKeyPairSync("ec", { namedCurve: "P-384" }).publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(await problemsOf(verify({ authority: { publicKey: p384 } }))).toEqual([expect.stringMatching(/public key is ec secp384r1; manifests are verified with ECDSA P-256 keys/)]);
  });

  it("refuses a bundle whose payload was swapped after signing", async () => {
    const { dir, verify } = await model(FILES);
    const bundle = JSON.parse(await fs.readFile(path.join(dir, "model.sig"), "utf8"));
    const forged = statementFor({ ...FILES, "weights/model-00002-of-00002.safetensors": "poison" });
    bundle.dsseEnvelope.payload = forged.toString("base64");
    await fs.writeFile(path.join(dir, "model.sig"), JSON.stringify(bundle));
    await fs.writeFile(path.join(dir, "weights/model-00002-of-00002.safetensors"), "poison");
    expect(await problemsOf(verify({ expectedSha256: payloadDigest(forged) }))).toEqual(["the manifest signature does not verify: signature verification failed"]);
  });

  it("refuses a signature file that is not a bundle", async () => {
    const { dir, verify } = await model(FILES);
    await fs.writeFile(path.join(dir, "model.sig"), "not json");
    expect(await problemsOf(verify())).toEqual([`${path.join(dir, "model.sig")} is not JSON`]);
    await fs.writeFile(path.join(dir, "model.sig"), JSON.stringify({ dsseEnvelope: { payloadType: "text/plain", payload: "" } }));
    expect(await problemsOf(verify())).toEqual(['the bundle carries no DSSE envelope of type application/vnd.in-toto+json (payloadType "text/plain")']);
  });
});
