/**
 * Continuous patching: Renovate's custom managers find every pin it is meant to keep current (chart
 * versions in config/schema.ts, tagged image digests in stack files), and .trivyignore.yaml holds only
 * owned, time-boxed exceptions. Renovate's matchStrings are RE2; the ones here use only syntax RE2
 * and JavaScript read alike (named groups, classes, lazy quantifiers).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../support/planCli";
import { trivyIgnoreProblems } from "../../tools/ci/trivyIgnore";

interface CustomManager { managerFilePatterns: string[]; matchStrings: string[] }
const renovate = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "renovate.json"), "utf8")) as { customManagers: CustomManager[] };
const asRegExp = (pattern: string) => new RegExp(pattern.replace(/^\/(.*)\/$/, "$1"));
const managerFor = (file: string) => renovate.customManagers.find((manager) => manager.managerFilePatterns.some((pattern) => asRegExp(pattern).test(file)))!;
const matches = (manager: CustomManager, text: string) => manager.matchStrings.flatMap((pattern) => [...text.matchAll(new RegExp(pattern, "g"))].map((match) => match.groups!));

describe("Renovate", () => {
  it("sees every Helm chart version pinned in the config schema, with its chart and repository", () => {
    const schema = fs.readFileSync(path.join(REPO_ROOT, "config/schema.ts"), "utf8");
    const found = matches(managerFor("config/schema.ts"), schema).map(({ depName, registryUrl, currentValue }) => `${depName}@${currentValue} ${registryUrl}`);
    expect(found.sort()).toEqual([
      `external-secrets@${/"must be an exact version such as 2\.9\.0"\)\.default\("([^"]+)"\)/.exec(schema)![1]} https://charts.external-secrets.io`,
      `falco@${/"must be an exact version such as 9\.1\.0"\)\.default\("([^"]+)"\)/.exec(schema)![1]} https://falcosecurity.github.io/charts`,
      `istiod@${/\.default\("(1\.\d+\.\d+)"\)/.exec(schema)![1]} https://istio-release.storage.googleapis.com/charts`,
      `policy-controller@${/"must be an exact version such as 0\.10\.5"\)\.default\("([^"]+)"\)/.exec(schema)![1]} https://sigstore.github.io/helm-charts`,
    ].sort());
    // Every pinned chart version in the schema carries the comment Renovate reads.
    expect(schema.match(/(chartVersion|istioVersion): z\.string\(\)/g)).toHaveLength(found.length);
  });

  it("keeps an image pin a digest and follows its tag; a digest without a tag is left alone (nothing to follow)", () => {
    const manager = managerFor("examples/team-stack/Pulumi.dev.yaml");
    const digest = `sha256:${"ab".repeat(32)}`;
    expect(matches(manager, `      image: 123456789012.dkr.ecr.us-west-2.amazonaws.com/ml/server:1.4.2@${digest}\n`))
      .toEqual([{ depName: "123456789012.dkr.ecr.us-west-2.amazonaws.com/ml/server", currentValue: "1.4.2", currentDigest: digest }]);
    expect(matches(manager, `image: registry.local:5000/ml/server:v2@${digest}`)).toEqual([{ depName: "registry.local:5000/ml/server", currentValue: "v2", currentDigest: digest }]);
    expect(matches(manager, `image: 123456789012.dkr.ecr.us-west-2.amazonaws.com/ml/server@${digest}`)).toEqual([]);
    expect(managerFor("Pulumi.prod.yaml")).toBe(manager);
  });
});

describe(".trivyignore.yaml", () => {
  it("the repository's file holds only owned, time-boxed entries", () => {
    expect(trivyIgnoreProblems(fs.readFileSync(path.join(REPO_ROOT, ".trivyignore.yaml"), "utf8"))).toEqual([]);
  });

  it("accepts an entry with an id, a statement and an expiry date", () => {
    expect(trivyIgnoreProblems("vulnerabilities:\n  - id: CVE-2026-0001\n    statement: \"not reachable: the server never parses TIFF\"\n    expired_at: 2027-01-31\n")).toEqual([]);
  });

  it.each([
    ["no expiry", "vulnerabilities:\n  - id: CVE-2026-0001\n    statement: later\n", "vulnerabilities[0] (CVE-2026-0001): needs expired_at"],
    ["an impossible date", "vulnerabilities:\n  - id: CVE-2026-0001\n    statement: later\n    expired_at: 2027-02-30\n", "needs expired_at, a calendar date"],
    ["no statement", "misconfigurations:\n  - id: AVD-DS-0002\n    expired_at: 2027-01-31\n", "misconfigurations[0] (AVD-DS-0002): needs a statement"],
    ["no id", "secrets:\n  - statement: test key\n    expired_at: 2027-01-31\n", "secrets[0]: needs the id of the finding"],
    ["a section Trivy does not read", "cves:\n  - id: CVE-2026-0001\n", "cves: not a section Trivy reads"],
  ])("refuses an entry with %s", (_case, text, problem) => {
    expect(trivyIgnoreProblems(text)).toEqual(expect.arrayContaining([expect.stringContaining(problem)]));
  });
});
