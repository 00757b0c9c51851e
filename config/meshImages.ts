import { imageProblem } from "./imageReferences";
import type { PlatformConfig } from "./schema";

/**
 * The mesh's sidecar image, between keys: the admission policies judge every container of a team pod,
 * the one istiod injects included, so with both on the sidecar must be a pinned image they allow.
 */
export function meshImageProblems(config: PlatformConfig, keyName: (path: PropertyKey[]) => string): string[] {
  const mesh = config.mesh;
  if (!mesh?.install) return [];
  if (mesh.proxyImage === undefined) {
    return config.kubernetes.admissionPolicies
      ? [`${keyName(["mesh", "proxyImage"])}: is required with ${keyName(["mesh"])}.install while ${keyName(["kubernetes", "admissionPolicies"])} is on: they refuse the chart's proxyv2 tag in every meshed pod; mirror proxyv2:${mesh.istioVersion} into an allowed registry and pin it by digest`]
      : [];
  }
  const problem = imageProblem(keyName(["mesh", "proxyImage"]), mesh.proxyImage, config.kubernetes.allowedImageRegistries, keyName(["kubernetes", "allowedImageRegistries"]));
  return problem ? [problem] : [];
}

/**
 * The access-log collector, between keys: with a sink and an installed mesh the access logs ship too,
 * so the collector's image is required, and it runs under the same admission rules as every pod.
 */
export function accessLogCollectorProblems(config: PlatformConfig, keyName: (path: PropertyKey[]) => string): string[] {
  const shipping = config.securityEvents?.meshAccessLogs;
  const key = keyName(["securityEvents", "meshAccessLogs"]);
  if (!shipping) {
    return config.securityEvents && config.mesh?.install
      ? [`${key}.collectorImage: is required with ${keyName(["securityEvents"])} and ${keyName(["mesh"])}.install: the mesh's access logs ship to the same sink; mirror otel/opentelemetry-collector-contrib:0.159.0 into an allowed registry and pin it by digest`]
      : [];
  }
  if (!config.mesh?.install) return [`${key}: needs ${keyName(["mesh"])}.install: the access-log provider is part of istiod's mesh config`];
  const problem = imageProblem(`${key}.collectorImage`, shipping.collectorImage, config.kubernetes.allowedImageRegistries, keyName(["kubernetes", "allowedImageRegistries"]));
  return problem ? [problem] : [];
}
