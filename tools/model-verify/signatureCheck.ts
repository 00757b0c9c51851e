import * as crypto from "node:crypto";
import { bundleFromJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";

/**
 * Who must have signed a model's manifest: the same authorities the platform's ClusterImagePolicy
 * takes for images (a cosign public key, or a keyless Fulcio identity), so one signing setup serves
 * both. All cryptography is @sigstore/verify's (Sigstore's own verifier for Node, Apache-2.0); it runs
 * offline against the trusted root given (Fulcio CAs, Rekor and CT log keys).
 */
export type ManifestAuthority =
  | { publicKey: string }
  | { keyless: { issuer: string; subjectRegExp: string; trustedRoot: unknown } };

/** A signature that does not come from the authority; the message says what failed. */
export class SignatureError extends Error {}

const EMPTY_ROOT = { mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1", tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] };

/**
 * FACT: @sigstore/verify 3.1.1 (dist/verifier.js): a public-key bundle is verified with the key the
 * key finder returns for the bundle's hint; thresholds are minimum counts of Rekor entries, SCTs and
 * timestamps. model_signing's key-signed bundles carry no Rekor entry (sign_ec_key.py, v1.1.1), so the
 * key path needs none; a keyless certificate needs one Rekor entry (its integrated time proves the
 * short-lived certificate was valid at signing) and one SCT, as cosign requires by default.
 * FACT: @sigstore/verify 3.1.1 checks a DSSE signature with node:crypto.verify and no digest
 * (dist/bundle/dsse.js), which is SHA-256 for EC keys, while model_signing signs with SHA-384 for
 * P-384 and SHA-512 for P-521 keys (get_ec_key_hash, sign_ec_key.py v1.1.1): checked here on
 * upstream's own v1.x P-384 test bundles, which verify with SHA-384 only. So signing keys are P-256.
 */
function verifierFor(authority: ManifestAuthority): Verifier {
  if ("publicKey" in authority) {
    const key = crypto.createPublicKey(authority.publicKey);
    if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
      throw new SignatureError(`the authority's public key is ${key.asymmetricKeyType} ${key.asymmetricKeyDetails?.namedCurve ?? ""}; manifests are verified with ECDSA P-256 keys (cosign generate-key-pair makes one)`);
    }
    const trust = toTrustMaterial(TrustedRoot.fromJSON(EMPTY_ROOT), () => ({ publicKey: key, validFor: () => true }));
    return new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
  }
  return new Verifier(toTrustMaterial(TrustedRoot.fromJSON(authority.keyless.trustedRoot)), { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 });
}

/** Throws unless the bundle's DSSE signature verifies and, for keyless, the certificate names the expected identity. */
export function checkManifestSignature(bundleJson: unknown, authority: ManifestAuthority): void {
  let signer;
  try {
    signer = verifierFor(authority).verify(toSignedEntity(bundleFromJSON(bundleJson)));
  } catch (error) {
    throw new SignatureError(`the manifest signature does not verify: ${(error as Error).message}`);
  }
  if ("publicKey" in authority) return;
  const { issuer, subjectRegExp } = authority.keyless;
  const identity = signer.identity;
  if (identity?.extensions?.issuer !== issuer) {
    throw new SignatureError(`the manifest was signed by an identity of issuer ${JSON.stringify(identity?.extensions?.issuer)}, not ${JSON.stringify(issuer)}`);
  }
  const subject = identity.subjectAlternativeName ?? "";
  if (!new RegExp(subjectRegExp).test(subject)) {
    throw new SignatureError(`the manifest was signed by ${JSON.stringify(subject)}, which does not match ${subjectRegExp}`);
  }
}
