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
