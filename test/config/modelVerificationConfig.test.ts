/**
 * Verify at load in the stack config: served models need the fetch and verify images, and a key that
 * signs model manifests must be one the verifier checks (P-256); a key that is no key is named as such.
 */
import { generateKeyPairSync } from "node:crypto";
import { parsePlatformConfig, type RawStackConfig } from "../../config";
import { configProblems } from "../support/configProblems";

const P = "secure-ml-platform";
const ECR = "123456789012.dkr.ecr.us-west-2.amazonaws.com";
const pemOf = (curve: string) => generateKeyPairSync("ec", { namedCurve: curve }).publicKey.export({ type: "spki", format: "pem" }).toString();
const VERIFICATION = { verifierImage: `${ECR}/ml-platform/model-verify@sha256:${"c".repeat(64)}`, downloaderImage: `${ECR}/ml-platform/kserve-storage-initializer@sha256:${"d".repeat(64)}` };

function raw(publicKey: string, verification: unknown = VERIFICATION): RawStackConfig {
  const values: Record<string, string> = {
    "aws:region": "us-west-2",
    [`${P}:environment`]: "dev",
    [`${P}:teams`]: JSON.stringify([{ name: "vision", group: "ml-vision", quota: { cpu: "8", memory: "32Gi", gpu: 0 } }]),
    [`${P}:kubernetes`]: JSON.stringify({ apiServer: { cidr: "10.0.0.1/32", ports: [443] } }),
    [`${P}:mesh`]: JSON.stringify({
      jwt: { issuer: "https://login.example.com", jwksUri: "https://login.example.com/jwks.json", audiences: ["ml"] },
      jwksEndpoint: { cidr: "10.0.0.0/28", ports: [443] }, proxyImage: `${ECR}/mirror/istio/proxyv2:1.30.0@sha256:${"a".repeat(64)}`,
    }),
    [`${P}:supplyChain`]: JSON.stringify({ authority: { publicKey }, egress: [{ cidr: "10.0.250.0/28", ports: [443] }] }),
    [`${P}:models`]: JSON.stringify([{ team: "vision", name: "m", version: "1", image: `${ECR}/ml/server@sha256:${"b".repeat(64)}`, artifactPath: "m/1/", artifactSha256: "e".repeat(64) }]),
  };
  if (verification) values[`${P}:modelVerification`] = JSON.stringify(verification);
  return { values, secretKeys: new Set() };
}

const problems = (config: RawStackConfig): string[] => {
  return configProblems(config);
};

describe("model verification config", () => {
  it("takes a P-256 signing key with the fetch and verify images", () => {
    expect(parsePlatformConfig(raw(pemOf("P-256"))).modelVerification).toEqual(VERIFICATION);
  });

  it("refuses served models without the fetch and verify images", () => {
    expect(problems(raw(pemOf("P-256"), null))).toEqual([expect.stringMatching(new RegExp(`^${P}:modelVerification: is required when ${P}:models are served`))]);
  });

  it("refuses a signing key of another curve, naming it", () => {
    expect(problems(raw(pemOf("P-384")))).toEqual([`${P}:supplyChain.authority.publicKey: must be an ECDSA P-256 key (cosign generate-key-pair) to verify model manifests; this one is ec secp384r1`]);
  });

  it("refuses a key that is no PEM key with a message, not OpenSSL's error", () => {
    expect(problems(raw("-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----"))).toEqual([`${P}:supplyChain.authority.publicKey: is not a PEM public key (cosign.pub, -----BEGIN PUBLIC KEY-----)`]);
  });
});
