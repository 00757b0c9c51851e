/**
 * Keyless manifests (a Fulcio certificate naming the signer's CI identity, logged in Rekor), verified
 * offline against a supplied trusted root with the identity config images use, and the CLI's exit
 * codes as the init container reports them to the kubelet.
 */
import { spawnSync } from "node:child_process";
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { verifyModel } from "../../tools/model-verify/verifyModel";
import { keySignedBundle, newP256Key, payloadDigest, statementFor, testSigstore, writeModel, type TestSigstore } from "../support/modelSigning";

const ISSUER = "https://token.actions.githubusercontent.com";
const RELEASE = "https://github.com/example-ml/vision/.github/workflows/release.yml@refs/tags/v1.4.0";
/** As in the stacks' supplyChain.authority.keyless.subjectRegExp. */
const SUBJECT = "^https://github\\.com/example-ml/[a-z0-9-]+/\\.github/workflows/release\\.yml@refs/tags/v.*$";
const FILES = { "model.onnx": "weights", "labels.txt": "cat\ndog\n" };

let scratch: string;
let sigstore: TestSigstore;
let other: TestSigstore;
beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), "model-verify-keyless-"));
  [sigstore, other] = await Promise.all([testSigstore(), testSigstore()]);
});
afterAll(async () => { await fs.rm(scratch, { recursive: true, force: true }); });

async function keylessModel(name: string, identity: { issuer: string; subject: string }) {
  const dir = path.join(scratch, name);
  const statement = statementFor(FILES);
  await writeModel(dir, FILES, await sigstore.sign(statement, identity));
  return { modelDir: dir, signatureFile: path.join(dir, "model.sig"), expectedSha256: payloadDigest(statement) };
}

describe("model-verify: keyless manifests", () => {
  it("passes a manifest signed by the release workflow, checked against the supplied trusted root", async () => {
    const model = await keylessModel("release", { issuer: ISSUER, subject: RELEASE });
    expect(await verifyModel({ ...model, authority: { keyless: { issuer: ISSUER, subjectRegExp: SUBJECT, trustedRoot: sigstore.trustedRoot } } })).toEqual({ problems: [], files: 2 });
  });

  it("refuses a manifest signed by another workflow of the same issuer", async () => {
    const model = await keylessModel("branch", { issuer: ISSUER, subject: "https://github.com/example-ml/vision/.github/workflows/ci.yml@refs/heads/main" });
    expect((await verifyModel({ ...model, authority: { keyless: { issuer: ISSUER, subjectRegExp: SUBJECT, trustedRoot: sigstore.trustedRoot } } })).problems)
      .toEqual([`the manifest was signed by "https://github.com/example-ml/vision/.github/workflows/ci.yml@refs/heads/main", which does not match ${SUBJECT}`]);
  });

  it("refuses the right subject from another issuer", async () => {
    const model = await keylessModel("issuer", { issuer: "https://accounts.example.com", subject: RELEASE });
    expect((await verifyModel({ ...model, authority: { keyless: { issuer: ISSUER, subjectRegExp: SUBJECT, trustedRoot: sigstore.trustedRoot } } })).problems)
      .toEqual([`the manifest was signed by an identity of issuer "https://accounts.example.com", not "${ISSUER}"`]);
  });

  it("refuses a certificate from a CA the trusted root does not hold", async () => {
    const model = await keylessModel("foreign", { issuer: ISSUER, subject: RELEASE });
    expect((await verifyModel({ ...model, authority: { keyless: { issuer: ISSUER, subjectRegExp: SUBJECT, trustedRoot: other.trustedRoot } } })).problems)
      .toEqual([expect.stringMatching(/^the manifest signature does not verify: /)]);
  });

  it("refuses a keyless bundle when the authority is a key", async () => {
    const model = await keylessModel("keyed", { issuer: ISSUER, subject: RELEASE });
    const publicKey = newP256Key().publicKey.export({ type: "spki", format: "pem" }).toString();
    expect((await verifyModel({ ...model, authority: { publicKey } })).problems).toEqual([expect.stringMatching(/^the manifest signature does not verify: /)]);
  });
});

// Each run starts ts-node (seconds on a busy runner).
describe("model-verify CLI", () => {
  const run = (args: string[]) => spawnSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", path.join(__dirname, "../../tools/model-verify/cli.ts"), ...args], { encoding: "utf8" });

  it("exits 0 on a verified model, 1 with each reason on a refused one, 2 on bad usage; digest prints the pin", async () => {
    const key = newP256Key();
    const dir = path.join(scratch, "cli");
    const statement = statementFor(FILES);
    await writeModel(dir, FILES, await keySignedBundle(statement, key.privateKey));
    const publicKey = key.publicKey.export({ type: "spki", format: "pem" }).toString();

    const digest = run(["digest", path.join(dir, "model.sig")]);
    expect(digest.stdout.trim()).toBe(payloadDigest(statement));
    const verified = run(["verify", "--model-dir", dir, "--sha256", payloadDigest(statement), `--public-key=${publicKey}`]);
    expect([verified.status, verified.stdout.trim()]).toEqual([0, `verified ${dir}: 2 files match the manifest ${payloadDigest(statement)}`]);

    await fs.writeFile(path.join(dir, "extra.py"), "import os");
    const refused = run(["verify", "--model-dir", dir, "--sha256", payloadDigest(statement), `--public-key=${publicKey}`]);
    expect([refused.status, refused.stderr.trim()]).toEqual([1, `refusing to serve ${dir}:\n  - "extra.py" is not in the manifest`]);

    const usage = run(["verify", "--model-dir", dir]);
    expect([usage.status, usage.stderr.trim()]).toEqual([2, "model-verify: verify needs --model-dir and --sha256 <64 lower-case hex>"]);
    const dashed = run(["verify", "--model-dir", dir, "--sha256", payloadDigest(statement), "--public-key", publicKey]);
    expect(dashed.status).toBe(2);
  }, 120_000);
});
