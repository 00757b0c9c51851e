import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { CONTAINER_SECURITY_CONTEXT } from "../../kubernetes/securityContexts";
import type { SignatureAuthority } from "../../supplychain/signedImages";

/**
 * Verify at load: a model pod fetches the model into an emptyDir, then the model-verify init
 * container (tools/model-verify) checks the directory against the model's signed manifest
 * (model.sig, OpenSSF model-signing v1.0) and the digest the endpoint pins; the model server starts
 * only if it exits 0, and reads the directory read-only. Both runtimes render the same init containers.
 *
 * KServe: the predictor declares the fetch itself, as an init container named storage-initializer.
 * FACT (kserve/kserve v0.20.0, pkg/webhook/admission/pod/storage_initializer_injector.go): KServe's
 * pod webhook appends its storage-initializer after the pod's own initContainers (so a verifier the
 * InferenceService declares would run before the download), and injects nothing when an init
 * container of that name is already there (CommonStorageInitialization: "Don't inject if
 * InitContainer already injected"); SetIstioCniSecurityContext then sets that container's runAsUser
 * to the storage-initializer-uid annotation, the UID it already runs as. Were KServe ever to inject
 * anyway, the duplicate container name makes the API server refuse the pod: it fails closed.
 *
 * Weighed and not used: the Sigstore model-validation-operator (sigstore/model-validation-operator,
 * internal/webhooks/pod_webhook.go, main as stored): its webhook appends its init container at the
 * end of initContainers, behind KServe's storage-initializer only if KServe's webhook ran first
 * (webhook order); the container has no securityContext (Pod Security restricted, enforced in every
 * team namespace, refuses the pod), a tag-pinned image (ghcr.io/sigstore/model-transparency-cli:
 * v1.0.1, PullAlways) and every volume mount of the pod's containers, writable; pods opt in by label,
 * so an unlabelled pod runs unverified; pod annotations override the CR (ignore-unsigned-files,
 * allow-symlinks), so whoever writes the workload can turn the checks off; the README calls it a
 * proof of concept whose CR has no validation. Declaring the step in the pod spec keeps it visible
 * to ml-guard at preview, digest-pinned, restricted and read-only, and needs no webhook.
 */

/** The model-verify image and the S3 downloader, both digest-pinned from an allowed registry, and who signs manifests. */
export interface ModelVerificationSettings {
  /** Image built from tools/model-verify/Dockerfile (registry/repository@sha256:...). */
  verifierImage: string;
  /** KServe's storage-initializer image, which downloads s3:// artifacts (registry/repository@sha256:...). */
  downloaderImage: string;
  /** Who must have signed model manifests: the images' authority. Omitted, the pinned digest alone vouches for the manifest. */
  authority?: SignatureAuthority;
}

/** Where the model comes from: an S3 prefix, or an OCI image holding it under /models (the KServe modelcar layout). */
export type ModelSource = { s3Uri: pulumi.Input<string> } | { ociImage: string };

export const MODEL_DIR = "/mnt/models";
export const MODEL_VOLUME = "model-store";
const FETCH_SCRATCH_VOLUME = "model-fetch-tmp";
/** UID of the Istio sidecar: a download under Istio CNI bypasses the redirect to a sidecar that may not run yet (see KSERVE_ANNOTATIONS). */
export const DOWNLOADER_UID = 1337;

/** The pod volumes the model init containers and the model server share. */
export const MODEL_VOLUMES: k8s.types.input.core.v1.Volume[] = [{ name: MODEL_VOLUME, emptyDir: {} }, { name: FETCH_SCRATCH_VOLUME, emptyDir: {} }];
/** How the model server sees the verified model: read-only, so nothing in the pod changes it after the check. */
export const MODEL_SERVER_MOUNT: k8s.types.input.core.v1.VolumeMount = { name: MODEL_VOLUME, mountPath: MODEL_DIR, readOnly: true };

const fixed = (cpu: string, memory: string) => ({ requests: { cpu, memory }, limits: { cpu, memory } });
const writableModelDir = [{ name: MODEL_VOLUME, mountPath: MODEL_DIR }, { name: FETCH_SCRATCH_VOLUME, mountPath: "/tmp" }];

/**
 * The fetch step. S3: KServe's downloader (entrypoint args `<uri> <dir>`, kserve/kserve v0.20.0
 * python/storage-initializer/scripts/initializer-entrypoint). OCI: the model image itself copies
 * /models into the volume; it runs as an init container, so the kubelet pulls it by digest and the
 * Sigstore policy-controller checks its signature at admission like every image of the pod.
 */
function fetchContainer(source: ModelSource, settings: ModelVerificationSettings): k8s.types.input.core.v1.Container {
  if ("ociImage" in source) {
    return {
      name: "model-fetch", image: source.ociImage, command: ["cp", "-R", "/models/.", `${MODEL_DIR}/`],
      securityContext: CONTAINER_SECURITY_CONTEXT, resources: fixed("1", "512Mi"), volumeMounts: writableModelDir,
    };
  }
  return {
    name: "storage-initializer", image: settings.downloaderImage, args: [source.s3Uri, MODEL_DIR],
    securityContext: { ...CONTAINER_SECURITY_CONTEXT, runAsUser: DOWNLOADER_UID }, resources: fixed("1", "1Gi"), volumeMounts: writableModelDir,
  };
}

/** model-verify's arguments for the authority: the key (as one `--public-key=PEM` argument) or the keyless identity. */
function authorityArgs(authority: SignatureAuthority | undefined): string[] {
  if (!authority) return [];
  if ("publicKey" in authority) return [`--public-key=${authority.publicKey}`];
  return [`--keyless-issuer=${authority.keyless.issuer}`, `--keyless-subject-regexp=${authority.keyless.subjectRegExp}`];
}

/** The init containers of a served model, in order: fetch, then verify against the pinned manifest digest. */
export function modelInitContainers(source: ModelSource, settings: ModelVerificationSettings, manifestSha256: string): k8s.types.input.core.v1.Container[] {
  return [
    fetchContainer(source, settings),
    {
      name: "model-verify",
      image: settings.verifierImage,
      args: ["verify", `--model-dir=${MODEL_DIR}`, `--sha256=${manifestSha256}`, ...authorityArgs(settings.authority)],
      securityContext: CONTAINER_SECURITY_CONTEXT,
      resources: fixed("1", "256Mi"),
      volumeMounts: [{ ...MODEL_SERVER_MOUNT }],
      // The refusal's reasons, as model-verify prints them, become the container's termination message.
      terminationMessagePolicy: "FallbackToLogsOnError",
    },
  ];
}

const PINNED = /^[^@\s]+@sha256:[a-f0-9]{64}$/;

/** Why the settings cannot render a verified pod; empty when they can. */
export function verificationProblems(source: ModelSource, settings: ModelVerificationSettings | undefined): string[] {
  if (!settings) return ["verification (the model-verify and downloader images) is required: a served model starts only after its files are verified"];
  return [
    !PINNED.test(settings.verifierImage) && `verification.verifierImage ${JSON.stringify(settings.verifierImage)} must be pinned by digest`,
    !PINNED.test(settings.downloaderImage) && `verification.downloaderImage ${JSON.stringify(settings.downloaderImage)} must be pinned by digest`,
    "ociImage" in source && !PINNED.test(source.ociImage) && `artifactImage ${JSON.stringify(source.ociImage)} must be pinned by digest`,
  ].filter((problem): problem is string => typeof problem === "string");
}
