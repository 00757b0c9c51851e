/** A container image reference split the way container runtimes resolve it. */
export interface ImageReference {
  /** Registry host (with port), `docker.io` when the reference names none. */
  registry: string;
  /** Repository path within the registry (`library/nginx` for `nginx`). */
  repository: string;
  tag?: string;
  digest?: string;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * Parses `[registry[:port]/]repository[:tag][@digest]`. The first path component is a registry only
 * if it looks like a host (has a dot or a port, or is localhost), exactly as Docker decides.
 */
export function parseImageReference(image: string): ImageReference {
  const [nameAndTag, digest] = image.split("@", 2);
  const lastSlash = nameAndTag.lastIndexOf("/");
  const lastColon = nameAndTag.lastIndexOf(":");
  // A colon after the last slash separates the tag; one before it belongs to a registry port.
  const hasTag = lastColon > lastSlash;
  const name = hasTag ? nameAndTag.slice(0, lastColon) : nameAndTag;
  const tag = hasTag ? nameAndTag.slice(lastColon + 1) : undefined;
  const firstSlash = name.indexOf("/");
  const first = firstSlash < 0 ? "" : name.slice(0, firstSlash);
  const isRegistry = first !== "" && (first.includes(".") || first.includes(":") || first === "localhost");
  const registry = isRegistry ? first : "docker.io";
  let repository = isRegistry ? name.slice(firstSlash + 1) : name;
  if (registry === "docker.io" && !repository.includes("/")) repository = `library/${repository}`;
  return { registry: registry.toLowerCase(), repository, tag, digest };
}

export function isDigestPinned(reference: ImageReference): boolean {
  return reference.digest !== undefined && DIGEST.test(reference.digest);
}

/**
 * Whether the image comes from an allowed registry. A pattern is a host (labels may be `*`, which
 * matches one DNS label) optionally followed by a repository prefix: `*.dkr.ecr.*.amazonaws.com`,
 * `nvcr.io/nvidia`. Hosts are compared whole, so `docker.io.evil.com` never matches `docker.io`.
 */
export function isFromAllowedRegistry(reference: ImageReference, patterns: string[]): boolean {
  return patterns.some((pattern) => {
    const slash = pattern.indexOf("/");
    const hostPattern = (slash < 0 ? pattern : pattern.slice(0, slash)).toLowerCase();
    const pathPrefix = slash < 0 ? "" : pattern.slice(slash + 1).replace(/\/$/, "");
    const hostLabels = reference.registry.split(".");
    const patternLabels = hostPattern.split(".");
    const hostMatches =
      hostLabels.length === patternLabels.length &&
      patternLabels.every((label, index) => label === "*" ? /^[a-z0-9-]+(:\d+)?$/.test(hostLabels[index]) : label === hostLabels[index]);
    return hostMatches && (pathPrefix === "" || reference.repository === pathPrefix || reference.repository.startsWith(`${pathPrefix}/`));
  });
}
