/**
 * mesh.proxyImage: with Istio installed and the admission policies on, every meshed pod carries the
 * sidecar istiod injects, and the policies refuse any image that is not pinned from an allowed
 * registry, so the config must name one (or the cluster admits no team pod).
 */
import { parsePlatformConfig, type RawStackConfig } from "../../config";
import { configProblems } from "../support/configProblems";

const P = "secure-ml-platform";
const PINNED = `123456789012.dkr.ecr.us-west-2.amazonaws.com/mirror/istio/proxyv2:1.30.0@sha256:${"a".repeat(64)}`;
const MESH = {
  jwt: { issuer: "https://login.example.com", jwksUri: "https://login.example.com/jwks.json", audiences: ["ml"] },
  jwksEndpoint: { cidr: "10.0.0.0/28", ports: [443] },
};

function raw(mesh: Record<string, unknown>, kubernetes: Record<string, unknown> = {}): RawStackConfig {
  return {
    values: {
      "aws:region": "us-west-2",
      [`${P}:environment`]: "dev",
      [`${P}:teams`]: JSON.stringify([{ name: "vision", group: "ml-vision", quota: { cpu: "8", memory: "32Gi", gpu: 0 } }]),
      [`${P}:kubernetes`]: JSON.stringify({ apiServer: { cidr: "10.0.0.1/32", ports: [443] }, ...kubernetes }),
      [`${P}:mesh`]: JSON.stringify({ ...MESH, ...mesh }),
    },
    secretKeys: new Set(),
  };
}

function problems(mesh: Record<string, unknown>, kubernetes?: Record<string, unknown>): string[] {
  return configProblems(raw(mesh, kubernetes));
}

describe("mesh.proxyImage", () => {
  it("is required with install while the admission policies are on, and says what to set", () => {
    expect(problems({})).toEqual([
      `${P}:mesh.proxyImage: is required with ${P}:mesh.install while ${P}:kubernetes.admissionPolicies is on: they refuse the chart's proxyv2 tag in every meshed pod; mirror proxyv2:1.30.0 into an allowed registry and pin it by digest`,
    ]);
  });

  it("is not needed without the admission policies, nor for a mesh the platform does not install", () => {
    expect(parsePlatformConfig(raw({}, { admissionPolicies: false })).mesh?.proxyImage).toBeUndefined();
    expect(parsePlatformConfig(raw({ install: false, jwksEndpoint: undefined })).mesh?.install).toBe(false);
  });

  it("takes a pinned image from an allowed registry", () => {
    expect(parsePlatformConfig(raw({ proxyImage: PINNED })).mesh?.proxyImage).toBe(PINNED);
  });

  it("refuses a tag, and a registry the admission policies do not allow", () => {
    expect(problems({ proxyImage: "docker.io/istio/proxyv2:1.30.0" })).toEqual([
      `${P}:mesh.proxyImage = "docker.io/istio/proxyv2:1.30.0": must be pinned by digest: registry/repository@sha256:<64 hex>`,
    ]);
    const dockerHub = `docker.io/istio/proxyv2@sha256:${"b".repeat(64)}`;
    expect(problems({ proxyImage: dockerHub })).toEqual([
      `${P}:mesh.proxyImage = ${JSON.stringify(dockerHub)}: must come from ${P}:kubernetes.allowedImageRegistries (*.dkr.ecr.*.amazonaws.com, public.ecr.aws, registry.k8s.io, nvcr.io)`,
    ]);
  });
});
