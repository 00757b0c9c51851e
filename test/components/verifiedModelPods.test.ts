/**
 * Verify at load, as rendered: both runtimes (KServe InferenceService, Deployment), from S3 and from
 * an OCI image, fetch the model in a first init container and run model-verify, digest-pinned,
 * restricted and read-only, before the model server, which mounts the model read-only. The
 * ClusterImagePolicy's globs cover the OCI model image, which runs as an init container of the pod.
 */
import * as pulumi from "@pulumi/pulumi";
import { installRecordingMocks, settle, single, valueOf } from "../support/pulumiMocks";
import { validateKubernetesObject } from "../support/kubernetesSchemas";
import { describeWithShared } from "../support/upstream";
import { upstreamCrdProblems } from "../support/upstreamCrdSchema";

const created = installRecordingMocks();

import { ModelEndpoint, type ModelEndpointArgs } from "../../components/serving/modelEndpoint";
import { clusterImagePolicySpec } from "../../components/supplychain/signedImages";

const ECR = "123456789012.dkr.ecr.us-west-2.amazonaws.com";
const VERIFIER = `${ECR}/ml-platform/model-verify@sha256:${"d".repeat(64)}`;
const DOWNLOADER = `${ECR}/ml-platform/kserve-storage-initializer@sha256:${"e".repeat(64)}`;
const MODEL_IMAGE = `${ECR}/models/vision/classifier@sha256:${"f".repeat(64)}`;
const MANIFEST = "b".repeat(64);
const KEYLESS = { keyless: { issuer: "https://token.actions.githubusercontent.com", subjectRegExp: "^https://github\\.com/example-ml/[a-z0-9-]+/\\.github/workflows/release\\.yml@refs/tags/v.*$" } };
const PEM = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n";

const base: ModelEndpointArgs = {
  team: "vision", namespace: "vision", name: "s3-kserve", version: "1", image: `${ECR}/ml/server@sha256:${"a".repeat(64)}`,
  artifactsBucket: "ml-dev-model-artifacts", artifactPath: "classifier/1/", artifactSha256: MANIFEST,
  gatewayPrincipal: "cluster.local/ns/istio-ingress/sa/istio-ingressgateway", jwt: { issuer: "https://login.example.com", jwksUri: "https://login.example.com/jwks.json", audiences: ["ml"] },
  verification: { verifierImage: VERIFIER, downloaderImage: DOWNLOADER, authority: KEYLESS },
};
const oci = { ...base, artifactPath: undefined, artifactImage: MODEL_IMAGE };
const endpoints = [
  new ModelEndpoint("s3-kserve", base),
  new ModelEndpoint("s3-deploy", { ...base, name: "s3-deploy", runtime: "deployment", verification: { ...base.verification, authority: { publicKey: PEM } } }),
  new ModelEndpoint("oci-kserve", { ...oci, name: "oci-kserve" }),
  new ModelEndpoint("oci-deploy", { ...oci, name: "oci-deploy", runtime: "deployment", verification: { verifierImage: VERIFIER, downloaderImage: DOWNLOADER } }),
];

type Container = { name: string; image: string; args?: string[]; command?: string[]; env?: { name: string }[]; securityContext: Record<string, unknown>; volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[] };
const ISVC = "kubernetes:serving.kserve.io/v1beta1:InferenceService";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const inputs = (type: string, name: string) => single(created, type, name).inputs as { spec: any; metadata: any };
/** The pod as each runtime renders it: the predictor for KServe, the template's spec for a Deployment. */
function podOf(name: string): { initContainers: Container[]; server: Container; volumes: { name: string }[]; storageUri?: string } {
  if (name.endsWith("kserve")) {
    const predictor = inputs(ISVC, name).spec.predictor;
    return { initContainers: predictor.initContainers, server: predictor.model, volumes: predictor.volumes, storageUri: predictor.model.storageUri };
  }
  const spec = inputs(DEPLOYMENT, name).spec.template.spec;
  return { initContainers: spec.initContainers, server: spec.containers[0], volumes: spec.volumes };
}

beforeAll(async () => {
  await valueOf(pulumi.all(endpoints.map((endpoint) => endpoint.storageUri)));
  await settle();
});

const RESTRICTED = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } };

describe.each(["s3-kserve", "s3-deploy", "oci-kserve", "oci-deploy"])("%s", (name) => {
  it("fetches, then verifies, before the model server starts, all digest-pinned and restricted", () => {
    const { initContainers } = podOf(name);
    expect(initContainers.map((container) => container.name)).toEqual([name.startsWith("s3") ? "storage-initializer" : "model-fetch", "model-verify"]);
    for (const container of initContainers) {
      expect(container.image).toMatch(/@sha256:[a-f0-9]{64}$/);
      expect(container.securityContext).toMatchObject(RESTRICTED);
    }
    const verifier = initContainers[1];
    expect(verifier.image).toBe(VERIFIER);
    expect(verifier.args?.slice(0, 3)).toEqual(["verify", "--model-dir=/mnt/models", `--sha256=${MANIFEST}`]);
  });

  it("lets only the fetch step write the model; the verifier and the server read it read-only", () => {
    const { initContainers, server, volumes } = podOf(name);
    const modelMount = (container: Container) => container.volumeMounts.find((mount) => mount.mountPath === "/mnt/models");
    expect(modelMount(initContainers[0])).toEqual({ name: "model-store", mountPath: "/mnt/models" });
    expect(modelMount(initContainers[1])).toEqual({ name: "model-store", mountPath: "/mnt/models", readOnly: true });
    expect(modelMount(server)).toEqual({ name: "model-store", mountPath: "/mnt/models", readOnly: true });
    expect(volumes).toEqual(expect.arrayContaining([{ name: "model-store", emptyDir: {} }]));
    // The server gets no URI to fetch an unverified copy from.
    expect((server.env ?? []).map((variable) => variable.name)).not.toContain("STORAGE_URI");
  });
});

describe("the fetch step", () => {
  it("downloads S3 models with KServe's downloader as the sidecar's UID, under the name that stops KServe injecting its own", () => {
    // FACT: kserve/kserve v0.20.0 CommonStorageInitialization returns before injecting when an init
    // container named storage-initializer exists; the entrypoint takes <uri> <dir> pairs.
    for (const name of ["s3-kserve", "s3-deploy"]) {
      const fetch = podOf(name).initContainers[0];
      expect([fetch.image, fetch.args, fetch.securityContext.runAsUser]).toEqual([DOWNLOADER, ["s3://ml-dev-model-artifacts/teams/vision/classifier/1/", "/mnt/models"], 1337]);
    }
    expect(podOf("s3-kserve").storageUri).toBe("s3://ml-dev-model-artifacts/teams/vision/classifier/1/");
  });

  it("copies an OCI model out of its own image, and gives KServe no storageUri (its modelcar containers fail Pod Security restricted)", () => {
    for (const name of ["oci-kserve", "oci-deploy"]) {
      const fetch = podOf(name).initContainers[0];
      expect([fetch.image, fetch.command]).toEqual([MODEL_IMAGE, ["cp", "-R", "/models/.", "/mnt/models/"]]);
    }
    expect(podOf("oci-kserve").storageUri).toBeUndefined();
    expect(endpoints[2].storageUri).toBeDefined();
  });
});

describe("the verifier's authority", () => {
  it("is the images' authority: a keyless identity, a key as one --public-key= argument, or none (the pinned digest alone)", () => {
    expect(podOf("s3-kserve").initContainers[1].args?.slice(3)).toEqual([`--keyless-issuer=${KEYLESS.keyless.issuer}`, `--keyless-subject-regexp=${KEYLESS.keyless.subjectRegExp}`]);
    expect(podOf("s3-deploy").initContainers[1].args?.slice(3)).toEqual([`--public-key=${PEM}`]);
    expect(podOf("oci-deploy").initContainers[1].args?.slice(3)).toEqual([]);
  });
});

describe("ModelEndpoint refuses an endpoint it cannot verify", () => {
  it.each([
    ["no verification settings", { verification: undefined }, /verification \(the model-verify and downloader images\) is required/],
    ["a verifier image by tag", { verification: { ...base.verification, verifierImage: `${ECR}/ml-platform/model-verify:1.0` } }, /verification.verifierImage ".*:1.0" must be pinned by digest/],
    ["a downloader image by tag", { verification: { ...base.verification, downloaderImage: "kserve/storage-initializer:v0.20.0" } }, /verification.downloaderImage "kserve\/storage-initializer:v0.20.0" must be pinned by digest/],
    ["an OCI model by tag", { artifactPath: undefined, artifactImage: `${ECR}/models/m:latest` }, /artifactImage ".*:latest" must be pinned by digest/],
    ["both sources", { artifactImage: MODEL_IMAGE }, /give exactly one of artifactPath \(S3\) and artifactImage \(OCI\)/],
    ["no source", { artifactPath: undefined }, /give exactly one of artifactPath \(S3\) and artifactImage \(OCI\)/],
  ])("%s", (_case, change, message) => {
    expect(() => new ModelEndpoint("bad", { ...base, ...change } as ModelEndpointArgs)).toThrow(message);
  });
});

describe("signed OCI models at admission", () => {
  /**
   * FACT: sigstore/policy-controller (pkg/apis/glob/glob.go, main of 2026-08-18) compiles a glob with
   * `*` as any characters but `/` and `**` as any characters, anchored, and matches it against the
   * parsed reference's full name (registry/repository@digest); it checks the images of a pod's
   * containers, init containers and ephemeral containers, not image volumes (pkg/webhook/validator.go).
   * The OCI model runs as the model-fetch init container.
   */
  const globMatches = (glob: string, image: string) =>
    new RegExp(`^${glob.split("**").map((part) => part.split("*").map((text) => text.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*")).join(".*")}$`).test(image);

  it("covers the OCI model image with the policy the platform derives from its allowed registries", () => {
    const policy = clusterImagePolicySpec(["*.dkr.ecr.*.amazonaws.com/**"], KEYLESS);
    const images = ["oci-kserve", "oci-deploy"].flatMap((name) => podOf(name).initContainers.map((container) => container.image));
    expect(images).toContain(MODEL_IMAGE);
    for (const image of images) expect(policy.images.some(({ glob }) => globMatches(glob, image))).toBe(true);
    expect(globMatches("*.dkr.ecr.*.amazonaws.com/**", "ghcr.io/evil/model")).toBe(false);
  });
});

describe("rendered objects against the Kubernetes schemas", () => {
  it("Deployments are valid apps/v1", () => {
    for (const name of ["s3-deploy", "oci-deploy"]) expect(() => validateKubernetesObject({ apiVersion: "apps/v1", kind: "Deployment", ...inputs(DEPLOYMENT, name) })).not.toThrow();
  });
});

describeWithShared("InferenceServices against the pinned KServe 0.20.0 CRD", ["upstream/kserve/config_crd_full_serving.kserve.io_inferenceservices.yaml"], () => {
  it("validate, init containers, volumes and mounts included", () => {
    for (const name of ["s3-kserve", "oci-kserve"]) {
      const item = { apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", ...inputs(ISVC, name) };
      expect([name, upstreamCrdProblems(item)]).toEqual([name, []]);
    }
  });
});
