import { parsePlatformConfig, type RawStackConfig } from "../../config";
import { configProblems } from "../support/configProblems";

const P = "secure-ml-platform";
const DIGEST = `sha256:${"a".repeat(64)}`;

const approval = (fields: Record<string, unknown> = {}) => ({
  id: "vision-classifier-1",
  team: "vision",
  model: "classifier",
  artifactDigest: DIGEST,
  approver: "jane.doe@example.com",
  modelCard: "https://models.example.com/vision/classifier/1/card.md",
  evaluationReportDigest: `sha256:${"e".repeat(64)}`,
  approvedOn: "2026-11-25",
  expires: "2027-05-24",
  lineage: { trainingJob: "vision/classifier-train-1", dataset: "s3://ml-datasets/teams/vision/images/", datasetVersion: `sha256:${"d".repeat(64)}` },
  ...fields,
});

function raw(approvals: unknown[], approvers: unknown[] = [{ identity: "jane.doe@example.com", teams: ["risk"] }]): RawStackConfig {
  const values: Record<string, string> = {
    "aws:region": "us-west-2",
    [`${P}:environment`]: "prod",
    [`${P}:teams`]: JSON.stringify([{ name: "vision", group: "ml-vision", quota: { cpu: "8", memory: "32Gi", gpu: 0 } }]),
    [`${P}:approvers`]: JSON.stringify(approvers),
    [`${P}:approvals`]: JSON.stringify(approvals),
  };
  return { values, secretKeys: new Set() };
}

function problems(approvals: unknown[], approvers?: unknown[]): string[] {
  return configProblems(raw(approvals, approvers));
}

describe("approvals and approvers in the stack config", () => {
  it("accepts a complete approval by an approver from outside the team, and defaults both lists to empty", () => {
    expect(parsePlatformConfig(raw([approval()])).approvals[0]).toMatchObject({ id: "vision-classifier-1", artifactDigest: DIGEST });
    const none: RawStackConfig = { values: { "aws:region": "us-west-2", [`${P}:environment`]: "dev", [`${P}:teams`]: JSON.stringify([{ name: "vision", group: "g", quota: { cpu: "1", memory: "1Gi", gpu: 0 } }]) }, secretKeys: new Set() };
    expect(parsePlatformConfig(none)).toMatchObject({ approvals: [], approvers: [] });
  });

  it("names the key of a malformed field, and says why an upper-case digest is refused", () => {
    expect(problems([approval({ artifactDigest: DIGEST.toUpperCase().replace("SHA256", "sha256") })])).toEqual([
      expect.stringMatching(/^secure-ml-platform:approvals\[0\]\.artifactDigest = "sha256:A+\.\.\.: must be in lower case/),
    ]);
    expect(problems([approval({ expires: "2027-02-30", modelCard: "ftp://x/card" })])).toEqual([
      expect.stringContaining("approvals[0].modelCard"), expect.stringContaining("approvals[0].expires = \"2027-02-30\": must be a calendar date"),
    ]);
    expect(problems([approval({ expires: "2026-11-24" })])).toEqual([expect.stringContaining("approvals[0].expires = \"2026-11-24\": must not be before approvedOn (2026-11-25)")]);
    expect(problems([approval({ reviewer: "x" })])).toEqual([expect.stringContaining("approvals[0].reviewer: unknown key")]);
  });

  it("refuses lineage that names no fixed data", () => {
    expect(problems([approval({ lineage: { trainingJob: "classifier", dataset: "s3://ml-datasets/teams/vision/images/", datasetVersion: "s3-version:null" } })])).toEqual([
      expect.stringContaining("approvals[0].lineage.trainingJob"), expect.stringContaining("approvals[0].lineage.datasetVersion"),
    ]);
    expect(problems([approval({ lineage: { trainingJob: "vision/t", dataset: "s3://ml-datasets/teams/vision/images/", datasetVersion: "s3-version:abc" } })])).toEqual([
      expect.stringContaining("is a prefix: use sha256:<digest of its manifest>"),
    ]);
  });

  it("four eyes at config time: the approver must be listed and outside the model's team, also when in two teams", () => {
    expect(problems([approval({ approver: "bob@example.com" })])).toEqual([expect.stringContaining('approvals[0].approver = "bob@example.com": is not one of secure-ml-platform:approvers (jane.doe@example.com)')]);
    expect(problems([approval()], [{ identity: "jane.doe@example.com", teams: ["risk", "vision"] }])).toEqual([expect.stringContaining("belongs to team vision, whose model this is")]);
    expect(parsePlatformConfig(raw([approval()], [{ identity: "jane.doe@example.com", teams: ["risk", "nlp"] }])).approvers[0].teams).toEqual(["risk", "nlp"]);
  });

  it("refuses duplicates and approvals of unknown teams; an OCI artifact must be pinned by digest", () => {
    expect(problems([approval(), approval({ id: "vision-classifier-1" , artifactDigest: `sha256:${"b".repeat(64)}` })])).toEqual([expect.stringContaining("approvals[1].id = \"vision-classifier-1\": duplicates approvals[0]")]);
    expect(problems([approval(), approval({ id: "again" })])).toEqual([expect.stringContaining("approvals[0] already approves vision/classifier@sha256:")]);
    expect(problems([approval({ team: "nlp" })])).toEqual([expect.stringContaining("approvals[0].team = \"nlp\": must be one of the configured teams (vision)")]);
    expect(problems([approval({ artifact: "oci://registry.example.com/models/classifier:1" })])).toEqual([expect.stringContaining("approvals[0].artifact = ")]);
    expect(parsePlatformConfig(raw([approval({ artifact: `oci://registry.example.com/models/classifier@sha256:${"b".repeat(64)}` })])).approvals[0].artifact).toContain("oci://");
    expect(problems([approval()], [{ identity: "jane.doe@example.com" }, { identity: "jane.doe@example.com" }])).toEqual([expect.stringContaining("approvers[1].identity = \"jane.doe@example.com\": is listed twice")]);
  });
});
