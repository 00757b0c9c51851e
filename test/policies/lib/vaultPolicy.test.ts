import { hasGlob, parseVaultPolicy } from "../../../policypacks/ml-guard/lib/vaultPolicy";

describe("parseVaultPolicy", () => {
  it("reads HCL path blocks", async () => {
    await expect(parseVaultPolicy('path "database/creds/vision" {\n  capabilities = ["read"]\n}\npath "secret/data/vision/*" {\n  capabilities = ["read", "list"]\n}\n')).resolves.toEqual([
      { path: "database/creds/vision", capabilities: ["read"] },
      { path: "secret/data/vision/*", capabilities: ["read", "list"] },
    ]);
  });

  it("reads JSON policies, also after leading whitespace", async () => {
    await expect(parseVaultPolicy('\n  {"path": {"aws/creds/vision": {"capabilities": ["read"]}}}')).resolves.toEqual([{ path: "aws/creds/vision", capabilities: ["read"] }]);
  });

  it("skips path bodies that are not blocks", async () => {
    await expect(parseVaultPolicy('{"path": {"aws/creds/vision": "read", "kv/data/x": {"capabilities": ["read"]}}}')).resolves.toEqual([{ path: "kv/data/x", capabilities: ["read"] }]);
  });

  it("throws on text that is neither", async () => {
    await expect(parseVaultPolicy('path "x" { capabilities = ')).rejects.toThrow();
    await expect(parseVaultPolicy("{not json")).rejects.toThrow(SyntaxError);
  });
});

describe("hasGlob", () => {
  it.each([["secret/data/*", true], ["secret/+/config", true], ["secret/data/vision", false]])("%s: %s", (path, expected) => {
    expect(hasGlob(path)).toBe(expected);
  });
});

describe("parseVaultPolicy: one parse per text", () => {
  it("gives every caller with the same text the same frozen rules, so no rule can change what another reads", async () => {
    const text = 'path "kv/data/shared" {\n  capabilities = ["read"]\n}\n';
    const [first, second] = await Promise.all([parseVaultPolicy(text), parseVaultPolicy(text)]);
    expect(second).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first[0]) && Object.isFrozen(first[0].capabilities)).toBe(true);
    expect(() => (first[0].capabilities as string[]).push("update")).toThrow(TypeError);
  });

  it("keeps a text that does not parse refused on every call", async () => {
    await expect(parseVaultPolicy("path {")).rejects.toThrow();
    await expect(parseVaultPolicy("path {")).rejects.toThrow();
  });
});
