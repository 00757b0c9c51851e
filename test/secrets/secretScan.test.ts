/**
 * The repository's secret scan (secretlint with its recommended rules, part of `npm test`) fails on a
 * committed credential and passes Pulumi's encrypted `secure:` values. The planted credentials are made
 * up at run time, so this file holds none.
 */
import { spawnSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../support/planCli";

const SECRETLINT = path.join(REPO_ROOT, "node_modules/.bin/secretlint");

/** Runs the repository's scan over a tree of the given files. */
function scan(files: Record<string, string>) {
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), "secret-scan-"));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(tree, name)), { recursive: true });
    fs.writeFileSync(path.join(tree, name), text);
  }
  const run = spawnSync(SECRETLINT, ["--secretlintrc", path.join(REPO_ROOT, ".secretlintrc.json"), "--no-color", "**/*"], { cwd: tree, encoding: "utf8", timeout: 60_000 });
  fs.rmSync(tree, { recursive: true, force: true });
  return run;
}

/** 40 characters of the AWS secret access key alphabet, as an access key's secret looks. */
const fakeAwsSecret = () => randomBytes(30).toString("base64").slice(0, 40);

describe("the secret scan", () => {
  it("fails on an AWS secret access key, also in a dotted folder, and names the file and the rule", () => {
    const run = scan({ ".ci/env": `AWS_SECRET_ACCESS_KEY=${fakeAwsSecret()}\n`, "notes.txt": "nothing here\n" });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/\.ci\/env\n\s+1:\d+\s+error\s+\[AWSSecretAccessKey\]/);
    expect(run.stdout).not.toContain("notes.txt");
  });

  it("fails on a private key written into a stack's config", () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256", privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    const stack = `config:\n  secure-ml-platform:signingKey: |\n${privateKey.split("\n").map((line) => `    ${line}`).join("\n")}\n`;
    const run = scan({ "Pulumi.dev.yaml": stack });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("[PrivateKey]");
  });

  it("passes the repository's stack files, whose credentials are secure: ciphertext", () => {
    const stacks = Object.fromEntries(["Pulumi.dev.yaml", "Pulumi.staging.yaml", "Pulumi.prod.yaml"].map((name) => [name, fs.readFileSync(path.join(REPO_ROOT, name), "utf8")]));
    expect(Object.values(stacks).join("")).toMatch(/secure: v1:/);
    const run = scan(stacks);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
});
