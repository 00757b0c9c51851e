import { isDigestPinned, isFromAllowedRegistry, parseImageReference } from "../../../policypacks/ml-guard/lib/images";

const DIGEST = `sha256:${"a".repeat(64)}`;

describe("parseImageReference resolves references the way Docker does", () => {
  it.each([
    ["nginx", { registry: "docker.io", repository: "library/nginx", tag: undefined, digest: undefined }],
    ["nginx:1.27", { registry: "docker.io", repository: "library/nginx", tag: "1.27", digest: undefined }],
    ["docker.io/nginx", { registry: "docker.io", repository: "library/nginx", tag: undefined, digest: undefined }],
    ["team/model:v1", { registry: "docker.io", repository: "team/model", tag: "v1", digest: undefined }],
    ["registry.example.com:5000/model:latest", { registry: "registry.example.com:5000", repository: "model", tag: "latest", digest: undefined }],
    ["registry.example.com:5000/team/model", { registry: "registry.example.com:5000", repository: "team/model", tag: undefined, digest: undefined }],
    ["localhost/model:1", { registry: "localhost", repository: "model", tag: "1", digest: undefined }],
    ["internal:5000/model", { registry: "internal:5000", repository: "model", tag: undefined, digest: undefined }],
    ["Registry.Example.COM/ml/model", { registry: "registry.example.com", repository: "ml/model", tag: undefined, digest: undefined }],
    [`ghcr.io/org/model:1.0@${DIGEST}`, { registry: "ghcr.io", repository: "org/model", tag: "1.0", digest: DIGEST }],
    [`ghcr.io/org/model@${DIGEST}`, { registry: "ghcr.io", repository: "org/model", tag: undefined, digest: DIGEST }],
    // A dot in a name without a slash is part of the repository: Docker Hub's library.
    ["my.model:1", { registry: "docker.io", repository: "library/my.model", tag: "1", digest: undefined }],
  ])("%s", (image, expected) => {
    expect(parseImageReference(image)).toEqual(expected);
  });
});

describe("isDigestPinned", () => {
  it("accepts only a full sha256 digest", () => {
    expect(isDigestPinned(parseImageReference(`ghcr.io/org/model@${DIGEST}`))).toBe(true);
    expect(isDigestPinned(parseImageReference("ghcr.io/org/model:1.0"))).toBe(false);
    expect(isDigestPinned(parseImageReference("ghcr.io/org/model@sha256:abc"))).toBe(false);
    expect(isDigestPinned(parseImageReference(`ghcr.io/org/model@${DIGEST.toUpperCase()}`))).toBe(false);
    expect(isDigestPinned(parseImageReference(`ghcr.io/org/model@${DIGEST}0`))).toBe(false);
  });
});

describe("isFromAllowedRegistry", () => {
  const allowed = (image: string, patterns: string[]) => isFromAllowedRegistry(parseImageReference(image), patterns);
  const ECR = "*.dkr.ecr.*.amazonaws.com";

  it("matches a wildcard label to exactly one DNS label", () => {
    expect(allowed("123456789012.dkr.ecr.us-west-2.amazonaws.com/model:1", [ECR])).toBe(true);
    expect(allowed("dkr.ecr.us-west-2.amazonaws.com/model:1", [ECR])).toBe(false);
    expect(allowed("a.b.dkr.ecr.us-west-2.amazonaws.com/model:1", [ECR])).toBe(false);
  });

  it("compares hosts whole, so a look-alike host never matches", () => {
    expect(allowed("docker.io.evil.com/library/nginx", ["docker.io"])).toBe(false);
    expect(allowed("evil-nvcr.io/nvidia/triton", ["nvcr.io"])).toBe(false);
    expect(allowed("nginx", ["docker.io"])).toBe(true);
  });

  it("lets a wildcard label carry a port but nothing else", () => {
    expect(allowed("registry.internal:5000/model", ["registry.*"])).toBe(true);
    expect(allowed("registry.internal:50x0/model", ["registry.*"])).toBe(false);
    expect(allowed("registry.in_ternal/model", ["registry.*"])).toBe(false);
  });

  it("holds a repository prefix to whole path segments", () => {
    expect(allowed("nvcr.io/nvidia/tritonserver:24.01", ["nvcr.io/nvidia"])).toBe(true);
    expect(allowed("nvcr.io/nvidia/tritonserver:24.01", ["nvcr.io/nvidia/"])).toBe(true);
    expect(allowed("nvcr.io/nvidia", ["nvcr.io/nvidia"])).toBe(true);
    expect(allowed("nvcr.io/nvidia/tritonserver:24.01", ["nvcr.io/nvidia/tritonserver/"])).toBe(true);
    expect(allowed("nvcr.io/nvidiax/miner", ["nvcr.io/nvidia"])).toBe(false);
    expect(allowed("nvcr.io/other/model", ["nvcr.io/nvidia"])).toBe(false);
  });

  it("ignores case in the host pattern, and allows nothing without patterns", () => {
    expect(allowed("nvcr.io/nvidia/triton", ["NVCR.io/nvidia"])).toBe(true);
    expect(allowed("nvcr.io/nvidia/triton", [])).toBe(false);
    expect(allowed("nvcr.io/nvidia/triton", ["ghcr.io", "nvcr.io"])).toBe(true);
  });
});
