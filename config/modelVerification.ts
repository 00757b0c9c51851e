import * as crypto from "node:crypto";
import { imageProblem } from "./imageReferences";
import type { PlatformConfig } from "./schema";

/**
 * Verify at load, between keys: every served model needs the model-verify and downloader images;
 * they and OCI model images come from the allowed registries; a key that signs manifests is P-256
 * (the one curve the verifier checks model_signing's signatures with, see tools/model-verify).
 */
function publicKeyOf(pem: string): crypto.KeyObject | undefined {
  try {
    return crypto.createPublicKey(pem);
  } catch {
    return undefined; // OpenSSL's own message (e.g. "nested asn1 error") says nothing about which key
  }
}

export function modelVerificationProblems(config: PlatformConfig, keyName: (path: PropertyKey[]) => string): string[] {
  const problems: string[] = [];
  const allowed = config.kubernetes.allowedImageRegistries;
  const fromAllowed = (path: PropertyKey[], image: string) => {
    const problem = imageProblem(keyName(path), image, allowed, keyName(["kubernetes", "allowedImageRegistries"]));
    if (problem) problems.push(problem);
  };
  if (config.models.length > 0 && !config.modelVerification) {
    problems.push(`${keyName(["modelVerification"])}: is required when ${keyName(["models"])} are served: {verifierImage, downloaderImage}, so a model starts only after its files match its signed manifest`);
  }
  if (config.modelVerification) {
    fromAllowed(["modelVerification", "verifierImage"], config.modelVerification.verifierImage);
    fromAllowed(["modelVerification", "downloaderImage"], config.modelVerification.downloaderImage);
  }
  config.models.forEach((model, index) => {
    if ((model.artifactPath === undefined) === (model.artifactImage === undefined)) {
      problems.push(`${keyName(["models", index])}: must set exactly one of artifactPath (the model directory in S3) and artifactImage (an OCI image holding it)`);
    }
    if (model.artifactImage !== undefined) fromAllowed(["models", index, "artifactImage"], model.artifactImage);
  });
  const authority = config.supplyChain?.authority;
  if (authority && "publicKey" in authority && config.models.length > 0) {
    const key = publicKeyOf(authority.publicKey);
    if (key === undefined) {
      problems.push(`${keyName(["supplyChain", "authority", "publicKey"])}: is not a PEM public key (cosign.pub, -----BEGIN PUBLIC KEY-----)`);
    } else if (key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
      problems.push(`${keyName(["supplyChain", "authority", "publicKey"])}: must be an ECDSA P-256 key (cosign generate-key-pair) to verify model manifests; this one is ${key.asymmetricKeyType} ${key.asymmetricKeyDetails?.namedCurve ?? ""}`);
    }
  }
  return problems;
}
