import { isDigestPinned, isFromAllowedRegistry, parseImageReference } from "../policypacks/ml-guard/lib/images";

/** Why an image in the stack config would be refused at admission (not pinned, or from a registry not allowed), if it would. */
export function imageProblem(key: string, image: string, allowedRegistries: string[], allowedKey: string): string | undefined {
  const reference = parseImageReference(image);
  if (!isDigestPinned(reference)) return `${key} = ${JSON.stringify(image)}: must be pinned by digest (registry/repository@sha256:<64 hex>)`;
  if (!isFromAllowedRegistry(reference, allowedRegistries)) return `${key} = ${JSON.stringify(image)}: must come from ${allowedKey} (${allowedRegistries.join(", ")})`;
  return undefined;
}
