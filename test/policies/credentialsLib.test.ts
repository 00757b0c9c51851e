import { matchesAllWithPrefix, matchesSomeWithPrefix } from "../../policypacks/ml-guard/lib/iamGrants";
import { allows, capabilitiesOn, literalPrefix, pathMatches, pathReachesBelow } from "../../policypacks/ml-guard/lib/vaultAcl";

/*
 * FACT (Vault docs, website/content/docs/concepts/policies.mdx @ 718f1a5139f36409e4f3968c2ad8250f27821a9a):
 * `secret/foo` matches only itself; `secret/bar/*` matches secret/bar/zip and secret/bar/zip/zap but
 * not secret/bars/zip; `secret/zip-*` matches secret/zip-zap/zong but not secret/zip/zap; `+` is one
 * segment (`secret/+/teamb`). Of several matching patterns the highest priority wins: (1) the first
 * wildcard later, (2) not ending in `*`, (3) fewer `+` segments, (4) longer, (5) lexicographically
 * larger; the same pattern in several policies is merged; `deny` overrides everything.
 */

describe("Vault policy paths", () => {
  it.each([
    ["secret/foo", "secret/foo", true],
    ["secret/foo", "secret/food", false],
    ["secret/foo", "secret/foo/bar", false],
    ["secret/bar/*", "secret/bar/zip", true],
    ["secret/bar/*", "secret/bar/zip/zap", true],
    ["secret/bar/*", "secret/bars/zip", false],
    ["secret/bar/*", "secret/bar", false],
    ["secret/zip-*", "secret/zip-zap/zong", true],
    ["secret/zip-*", "secret/zip/zap", false],
    ["secret/+/teamb", "secret/foo/teamb", true],
    ["secret/+/teamb", "secret/foo/bar/teamb", false],
    ["secret/+/+/teamb", "secret/foo/bar/teamb", true],
    ["*", "auth/token/lookup-self", true],
    ["auth/token/*-self", "auth/token/lookup-self", false],
  ])("%s matches %s: %s", (policyPath, requestPath, expected) => {
    expect(pathMatches(policyPath, requestPath)).toBe(expected);
  });

  it("rules out by their literal prefix only paths no policy path matches (every matched path starts with it)", () => {
    const mayMatch = (policyPath: string, requestPath: string) => requestPath.startsWith(literalPrefix(policyPath));
    const policyPaths = ["secret/foo", "secret/bar/*", "secret/zip-*", "secret/+/teamb", "secret/+/+/teamb", "*", "+/creds/+", "ml-db/creds/team-a", "ml-db/creds/team-*", "a/b+c"];
    const requestPaths = ["secret/foo", "secret/food", "secret/bar/zip/zap", "secret/zip-zap/zong", "secret/foo/teamb", "secret/a/b/teamb", "ml-db/creds/team-a", "ml-db/creds/team-b", "ml-kv/creds/x", "a/b+c", "a/bc"];
    let ruledOut = 0;
    for (const policyPath of policyPaths) {
      for (const requestPath of requestPaths) {
        if (pathMatches(policyPath, requestPath)) expect(mayMatch(policyPath, requestPath)).toBe(true);
        if (!mayMatch(policyPath, requestPath)) ruledOut++;
      }
    }
    expect(mayMatch("ml-db/creds/team-a", "ml-db/creds/team-b")).toBe(false);
    expect(mayMatch("ml-db/creds/team-*", "ml-kv/creds/x")).toBe(false);
    expect(ruledOut).toBeGreaterThan(50);
  });

  it("applies the documented priority order, merges equal patterns and lets deny win", () => {
    // "secret/*" outranks "secret/+/+/foo/*" (rule 3: fewer + segments).
    expect([...capabilitiesOn([[{ path: "secret/*", capabilities: ["read"] }, { path: "secret/+/+/foo/*", capabilities: ["update"] }]], "secret/a/b/foo/c")]).toEqual(["read"]);
    // An exact path outranks a glob (rule 1).
    expect(allows([[{ path: "secret/*", capabilities: ["read"] }], [{ path: "secret/x", capabilities: ["list"] }]], "secret/x", "read")).toBe(false);
    // The same pattern in two policies: the union.
    expect([...capabilitiesOn([[{ path: "a/b", capabilities: ["read"] }], [{ path: "a/b", capabilities: ["update"] }]], "a/b")].sort()).toEqual(["read", "update"]);
    expect(capabilitiesOn([[{ path: "a/b", capabilities: ["read"] }], [{ path: "a/b", capabilities: ["deny"] }]], "a/b").size).toBe(0);
    // A longer glob outranks a shorter one (rule 4).
    expect(allows([[{ path: "kv/*", capabilities: ["read"] }, { path: "kv/data/*", capabilities: ["deny"] }]], "kv/data/x", "read")).toBe(false);
  });

  it.each([
    ["*", true], ["ml-*", true], ["ml-dev-kv/*", true], ["ml-dev-kv*", true], ["ml-dev-kv/data/teams/vision", true], ["+/data/x", true],
    ["ml-dev-kv", false], ["ml-dev-kvx/data", false], ["ml-dev-database/*", false], ["other/ml-dev-kv/*", false],
  ])("%s reaches below the mount ml-dev-kv: %s", (policyPath, expected) => {
    expect(pathReachesBelow(policyPath, "ml-dev-kv")).toBe(expected);
  });
});

describe("IAM resource patterns against a bucket's objects", () => {
  const objects = "arn:aws:s3:::models/";

  it.each([
    ["*", true, true],
    ["arn:aws:s3:::models/*", true, true],
    ["arn:aws:s3:::mod*", true, true],
    ["arn:aws:s3:::*/*", true, true],
    ["arn:aws:s3:::m?dels/*", true, true],
    ["arn:aws:s3:::models/teams/vision/*", true, false],
    ["arn:aws:s3:::*-logs/x", true, false],
    ["arn:aws:s3:::models/${aws:PrincipalTag/team}/*", true, false],
    ["arn:aws:s3:::models", false, false],
    ["arn:aws:s3:::datasets/*", false, false],
  ])("%s: some objects %s, all objects %s", (pattern, some, all) => {
    expect([matchesSomeWithPrefix(pattern, objects), matchesAllWithPrefix(pattern, objects)]).toEqual([some, all]);
  });
});
