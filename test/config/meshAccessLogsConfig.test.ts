/**
 * securityEvents.meshAccessLogs: with a sink and an installed mesh, the sidecars' access logs ship to
 * the sink through a collector, so its image is required and held to the admission rules.
 */
import { parsePlatformConfig, type RawStackConfig } from "../../config";
import { configProblems } from "../support/configProblems";

const P = "secure-ml-platform";
const PROXY = `123456789012.dkr.ecr.us-west-2.amazonaws.com/mirror/istio/proxyv2:1.30.0@sha256:${"a".repeat(64)}`;
const COLLECTOR = `123456789012.dkr.ecr.us-west-2.amazonaws.com/mirror/otel/opentelemetry-collector-contrib:0.159.0@sha256:${"b".repeat(64)}`;
const SINK = { syslog: { host: "siem.example.internal", cidr: "10.9.0.0/28" } };

function raw(securityEvents: Record<string, unknown> | undefined, mesh: Record<string, unknown> = {}): RawStackConfig {
  return {
    values: {
      "aws:region": "us-west-2",
      [`${P}:environment`]: "prod",
      [`${P}:teams`]: JSON.stringify([{ name: "vision", group: "ml-vision", quota: { cpu: "8", memory: "32Gi", gpu: 0 } }]),
      [`${P}:kubernetes`]: JSON.stringify({ apiServer: { cidr: "10.0.0.1/32", ports: [443] } }),
      [`${P}:mesh`]: JSON.stringify({
        jwt: { issuer: "https://login.example.com", jwksUri: "https://login.example.com/jwks.json", audiences: ["ml"] },
        jwksEndpoint: { cidr: "10.0.0.0/28", ports: [443] },
        proxyImage: PROXY,
        ...mesh,
      }),
      ...(securityEvents ? { [`${P}:securityEvents`]: JSON.stringify(securityEvents) } : {}),
    },
    secretKeys: new Set(),
  };
}

describe("securityEvents.meshAccessLogs", () => {
  it("is required with a sink and mesh.install, naming the image to mirror", () => {
    expect(configProblems(raw({ sink: SINK }))).toEqual([
      `${P}:securityEvents.meshAccessLogs.collectorImage: is required with ${P}:securityEvents and ${P}:mesh.install: the mesh's access logs ship to the same sink; mirror otel/opentelemetry-collector-contrib:0.159.0 into an allowed registry and pin it by digest`,
    ]);
  });

  it("is read with a pinned image from an allowed registry", () => {
    expect(parsePlatformConfig(raw({ sink: SINK, meshAccessLogs: { collectorImage: COLLECTOR } })).securityEvents?.meshAccessLogs).toEqual({ collectorImage: COLLECTOR });
  });

  it("is not needed without a sink, nor for a mesh the platform does not install", () => {
    expect(parsePlatformConfig(raw(undefined)).securityEvents).toBeUndefined();
    expect(parsePlatformConfig(raw({ sink: SINK }, { install: false, jwksEndpoint: undefined, proxyImage: undefined })).securityEvents?.meshAccessLogs).toBeUndefined();
  });

  it("is refused for a mesh the platform does not install: the provider lives in istiod's mesh config", () => {
    expect(configProblems(raw({ sink: SINK, meshAccessLogs: { collectorImage: COLLECTOR } }, { install: false, jwksEndpoint: undefined, proxyImage: undefined }))).toEqual([
      `${P}:securityEvents.meshAccessLogs: needs ${P}:mesh.install: the access-log provider is part of istiod's mesh config`,
    ]);
  });

  it("refuses an image the admission policies would refuse", () => {
    expect(configProblems(raw({ sink: SINK, meshAccessLogs: { collectorImage: "otel/opentelemetry-collector-contrib:0.159.0" } }))).toEqual([
      `${P}:securityEvents.meshAccessLogs.collectorImage = "otel/opentelemetry-collector-contrib:0.159.0": must be pinned by digest (registry/repository@sha256:<64 hex>)`,
    ]);
    const foreign = `ghcr.io/open-telemetry/opentelemetry-collector-contrib:0.159.0@sha256:${"c".repeat(64)}`;
    expect(configProblems(raw({ sink: SINK, meshAccessLogs: { collectorImage: foreign } })).join("\n")).toContain(`${P}:securityEvents.meshAccessLogs.collectorImage = "${foreign}": must come from ${P}:kubernetes.allowedImageRegistries`);
  });
});
