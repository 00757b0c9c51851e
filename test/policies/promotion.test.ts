import { isProductionStack, stackOfUrn } from "../../policypacks/ml-guard/lib/productionStacks";
import { advisories, enforced, messages, UNKNOWN, validateResource } from "../support/policyArgs";
import { compliantPodSpec } from "../support/workloads";

const ISVC = "kubernetes:serving.kserve.io/v1beta1:InferenceService";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const MISSING = "model-endpoint-missing-approval";
const FOUR_EYES = "model-approval-disallow-self-approval";
const LINEAGE = "model-approval-missing-lineage";
/** The fake args' URNs are in stack "test": make it a production stack for these cases. */
const PRODUCTION = { productionStacks: ["test"] };

const SERVED = "9a1d5c3e7b2f4a6d8c0e1b3f5a7d9c2e4b6f8a0c1e3d5b7f9a2c4e6b8d0f1a3c";
const OTHER = "5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592";
const EVALUATION = `sha256:${"e".repeat(64)}`;

/** The annotations ModelEndpoint writes for a valid approval of vision/image-classifier serving SERVED. */
function approval(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const annotations: Record<string, string | undefined> = {
    "mlops.io/model-sha256": SERVED,
    "mlops.io/approval-id": "vision-image-classifier-1",
    "mlops.io/approval-model": "vision/image-classifier",
    "mlops.io/approval-artifact-digest": `sha256:${SERVED}`,
    "mlops.io/approval-approver": "jane.doe@example.com",
    "mlops.io/approval-approver-teams": "risk",
    "mlops.io/approval-model-card": "https://models.example.com/vision/image-classifier/1/card.md",
    "mlops.io/approval-evaluation-digest": EVALUATION,
    "mlops.io/approval-approved-on": "2026-11-25",
    "mlops.io/approval-expires": "2027-05-24",
    "mlops.io/approval-training-job": "vision/image-classifier-train-1",
    "mlops.io/approval-dataset": "s3://ml-prod-datasets/teams/vision/imagenet-subset/2026-10/",
    "mlops.io/approval-dataset-version": `sha256:${"d".repeat(64)}`,
    ...overrides,
  };
  return Object.fromEntries(Object.entries(annotations).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

const labels = { "mlops.io/role": "serving", "mlops.io/team": "vision", "mlops.io/model-name": "image-classifier", "mlops.io/model-version": "1" };

function inferenceService(annotations: unknown, storageUri: unknown = "s3://ml-prod-model-artifacts/teams/vision/image-classifier/1/", extra: Record<string, unknown> = {}) {
  const { containers: [container], ...podSpec } = compliantPodSpec();
  return {
    metadata: { name: "image-classifier", namespace: "vision", labels, annotations },
    spec: { predictor: { ...podSpec, serviceAccountName: "serving", model: { ...container, modelFormat: { name: "pytorch" }, storageUri } }, ...extra },
  };
}

function deployment(annotations: unknown, storageUri = "s3://ml-prod-model-artifacts/teams/vision/image-classifier/1/") {
  const spec = compliantPodSpec();
  spec.serviceAccountName = "serving";
  spec.containers[0].env = [{ name: "STORAGE_URI", value: storageUri }];
  return { metadata: { name: "image-classifier", namespace: "vision", labels }, spec: { template: { metadata: { labels, annotations }, spec } } };
}

const run = (rule: string, props: Record<string, unknown>, config: Record<string, unknown> = PRODUCTION, type = ISVC) => validateResource(rule, type, props, { ...PRODUCTION, ...config });

beforeEach(() => jest.useFakeTimers({ now: new Date("2026-12-02T12:00:00Z") }));
afterEach(() => jest.useRealTimers());

describe("where the gate applies: production stacks by name", () => {
  it("reads the stack from the URN, and counts prod, production and *-prod as production by default", () => {
    expect(stackOfUrn("urn:pulumi:prod::secure-ml-platform::pulumi:pulumi:Stack::secure-ml-platform-prod")).toBe("prod");
    expect(["prod", "production", "eu-prod", "ml-production"].map((stack) => isProductionStack(`urn:pulumi:${stack}::p::t::n`, {}))).toEqual([true, true, true, true]);
    expect(["dev", "staging", "preprod", "prod2", "test"].map((stack) => isProductionStack(`urn:pulumi:${stack}::p::t::n`, {}))).toEqual([false, false, false, false, false]);
    expect(isProductionStack("not-a-urn", {})).toBe(false);
  });

  it("skips endpoints of other stacks, and the configured list replaces the default", () => {
    expect(validateResource(MISSING, ISVC, inferenceService({}))).toEqual([]);
    expect(enforced(validateResource(MISSING, ISVC, inferenceService({}), { productionStacks: ["test"] }))).toHaveLength(1);
    expect(isProductionStack("urn:pulumi:prod::p::t::n", { productionStacks: ["live-*"] })).toBe(false);
    expect(isProductionStack("urn:pulumi:live-eu::p::t::n", { productionStacks: ["live-*"] })).toBe(true);
  });
});

describe("model-endpoint-missing-approval", () => {
  it("refuses a production endpoint without an approval, naming the artifact it serves", () => {
    expect(messages(enforced(run(MISSING, inferenceService({ "mlops.io/model-sha256": SERVED }))))).toEqual([
      expect.stringContaining(`vision/image-classifier serves sha256:${SERVED} in the production stack test without an approval`),
    ]);
  });

  it("passes an endpoint carrying a complete approval of its own artifact, KServe or Deployment", () => {
    expect(run(MISSING, inferenceService(approval()))).toEqual([]);
    expect(run(MISSING, deployment(approval()), {}, DEPLOYMENT)).toEqual([]);
  });

  it("a digest in upper case is malformed, not the same digest (cosign compares them as strings)", () => {
    expect(messages(enforced(run(MISSING, inferenceService(approval({ "mlops.io/approval-artifact-digest": `sha256:${SERVED.toUpperCase()}` })))))).toEqual([
      expect.stringContaining("is in upper case; digests are lower-case hex"),
    ]);
    expect(messages(enforced(run(MISSING, inferenceService(approval({ "mlops.io/approval-artifact-digest": SERVED })))))).toEqual([expect.stringContaining("is not a digest")]);
  });

  it("refuses an approval of another artifact, or of another endpoint's model", () => {
    expect(messages(enforced(run(MISSING, inferenceService(approval({ "mlops.io/approval-artifact-digest": `sha256:${OTHER}` })))))).toEqual([
      expect.stringContaining(`approves sha256:${OTHER}, but the endpoint serves sha256:${SERVED}`),
    ]);
    // Another endpoint's approval copied whole: its model and digest are not this endpoint's.
    const copied = approval({ "mlops.io/approval-model": "nlp/sentiment", "mlops.io/approval-artifact-digest": `sha256:${OTHER}` });
    expect(messages(enforced(run(MISSING, inferenceService(copied))))).toEqual([
      expect.stringContaining("approves nlp/sentiment, not this endpoint vision/image-classifier"),
      expect.stringContaining(`approves sha256:${OTHER}, but the endpoint serves sha256:${SERVED}`),
    ]);
  });

  it("holds an approval through the end of its expiry day in UTC, not a day longer", () => {
    expect(run(MISSING, inferenceService(approval({ "mlops.io/approval-expires": "2026-12-02" })))).toEqual([]);
    expect(run(MISSING, inferenceService(approval({ "mlops.io/approval-expires": "2026-12-03" })))).toEqual([]);
    expect(messages(enforced(run(MISSING, inferenceService(approval({ "mlops.io/approval-expires": "2026-12-01" })))))).toEqual([
      expect.stringContaining("the approval expired on 2026-12-01 (today is 2026-12-02 UTC)"),
    ]);
    // 23:30 on 2026-12-02 in New York is already 2026-12-03 in UTC: an approval for the 2nd has expired.
    jest.setSystemTime(new Date("2026-12-02T23:30:00-05:00"));
    expect(enforced(run(MISSING, inferenceService(approval({ "mlops.io/approval-expires": "2026-12-02" }))))).toHaveLength(1);
  });

  it("refuses dates that cannot be: not calendar days, approved in the future, expiring before approval, or running too long", () => {
    const dated = (approvedOn: string, expires: string, config = {}) => messages(enforced(run(MISSING, inferenceService(approval({ "mlops.io/approval-approved-on": approvedOn, "mlops.io/approval-expires": expires })), config)));
    expect(dated("2026-11-25", "2027-02-30")).toEqual([expect.stringContaining('"2027-02-30" is not a calendar date')]);
    expect(dated("2026-12-03", "2027-01-01")).toEqual([expect.stringContaining("dated 2026-12-03, after today (2026-12-02 UTC)")]);
    expect(dated("2026-11-25", "2026-11-24")).toEqual([expect.stringContaining("expires (2026-11-24) before it was given (2026-11-25)")]);
    expect(dated("2026-11-25", "2027-11-26")).toEqual([expect.stringContaining("runs 366 days")]);
    expect(dated("2026-11-25", "2027-11-25")).toEqual([]);
    expect(dated("2026-11-25", "2027-11-26", { maxValidityDays: 400 })).toEqual([]);
    expect(dated("2026-11-25", "2027-01-01", { maxValidityDays: 30 })).toEqual([expect.stringContaining("more than the 30 allowed")]);
  });

  it("names every part of the record that is missing or malformed", () => {
    expect(messages(enforced(run(MISSING, inferenceService(approval({ "mlops.io/approval-model-card": undefined, "mlops.io/approval-evaluation-digest": "" })))))).toEqual([
      expect.stringContaining("lacks part of its record (mlops.io/approval-model-card, mlops.io/approval-evaluation-digest)"),
    ]);
    expect(messages(enforced(run(MISSING, inferenceService(approval({ "mlops.io/approval-model-card": "http://models.example.com/card", "mlops.io/approval-evaluation-digest": "md5:abc" })))))).toEqual([
      expect.stringContaining("is not an https:// or s3:// URI of the model card"),
      expect.stringContaining("the evaluation report digest"),
    ]);
    expect(run(MISSING, inferenceService(approval({ "mlops.io/approval-model-card": "s3://ml-prod-model-artifacts/teams/vision/image-classifier/1/card.md" })))).toEqual([]);
  });

  it("an OCI model's approval also names its image, which admission checks the attestation on", () => {
    const image = `123456789012.dkr.ecr.us-east-1.amazonaws.com/models/image-classifier@sha256:${OTHER}`;
    expect(run(MISSING, inferenceService(approval({ "mlops.io/approval-artifact": `oci://${image}` }), `oci://${image}`))).toEqual([]);
    // KServe's scheme variants name the same image.
    expect(run(MISSING, inferenceService(approval({ "mlops.io/approval-artifact": `oci://${image}` }), `oci+modelcar://${image}`))).toEqual([]);
    expect(messages(enforced(run(MISSING, inferenceService(approval(), `oci://${image}`))))).toEqual([expect.stringContaining(`names no image, but the endpoint serves the OCI model oci://${image}`)]);
    const otherImage = `oci://${image.replace(OTHER, SERVED)}`;
    expect(messages(enforced(run(MISSING, inferenceService(approval({ "mlops.io/approval-artifact": otherImage }), `oci://${image}`))))).toEqual([expect.stringContaining(`names the image ${otherImage}, but the endpoint serves oci://${image}`)]);
    expect(messages(enforced(run(MISSING, inferenceService(approval(), "oci+modelcar://123456789012.dkr.ecr.us-east-1.amazonaws.com/models/image-classifier:1"))))).toEqual([
      expect.stringContaining("is named by tag: admission checks the approval on an image digest"),
    ]);
  });

  it("reports once per InferenceService, however many components share its metadata", () => {
    const withTransformer = inferenceService({ "mlops.io/model-sha256": SERVED }, undefined, { transformer: compliantPodSpec() });
    expect(enforced(run(MISSING, withTransformer))).toHaveLength(1);
  });

  it("catches a serving workload by its ServiceAccount even without labels", () => {
    const unlabelled = deployment({ "mlops.io/model-sha256": SERVED });
    (unlabelled.spec.template.metadata as { labels: unknown }).labels = {};
    (unlabelled.metadata as { labels: unknown }).labels = {};
    expect(messages(enforced(run(MISSING, unlabelled, {}, DEPLOYMENT)))).toEqual([expect.stringContaining("this endpoint serves sha256:")]);
  });

  it("first preview: unknown annotations or model URI are advisory, never passed silently", () => {
    const unknownAnnotations = run(MISSING, inferenceService(UNKNOWN));
    expect(enforced(unknownAnnotations)).toEqual([]);
    expect(messages(advisories(unknownAnnotations))).toEqual([expect.stringContaining("the annotations (the approval) is not known until apply")]);
    const unknownUri = run(MISSING, inferenceService(approval(), UNKNOWN));
    expect(enforced(unknownUri)).toEqual([]);
    expect(messages(advisories(unknownUri))).toEqual([expect.stringContaining("the model URI")]);
  });
});

describe("model-approval-disallow-self-approval", () => {
  const teams = (value: string | undefined, extra: Record<string, string | undefined> = {}) => messages(enforced(run(FOUR_EYES, inferenceService(approval({ "mlops.io/approval-approver-teams": value, ...extra })))));

  it("refuses an approver from the model's own team, and passes one from outside it", () => {
    expect(teams("vision")).toEqual([expect.stringContaining("approver jane.doe@example.com belongs to vision, the model's own team")]);
    expect(teams("risk")).toEqual([]);
  });

  it("an approver in two teams is refused when either is the model's; in two others, passed", () => {
    expect(teams("risk,vision")).toEqual([expect.stringContaining("belongs to vision")]);
    expect(teams("risk, nlp")).toEqual([]);
  });

  it("the model's team in another case is still the model's team; an approver in no team passes", () => {
    expect(teams("Risk,VISION")).toEqual([expect.stringContaining("belongs to vision")]);
    expect(teams("")).toEqual([]);
  });

  it("takes the model's team from its namespace too, so dropping the team label changes nothing", () => {
    const props = inferenceService(approval({ "mlops.io/approval-approver-teams": "vision" }));
    (props.metadata.labels as Record<string, string>) = { ...labels, "mlops.io/team": "shared" };
    expect(messages(enforced(run(FOUR_EYES, props)))).toEqual([expect.stringContaining("belongs to vision")]);
  });

  it("refuses an approval without an approver or without the approver's teams", () => {
    expect(teams(undefined)).toEqual([expect.stringContaining("the teams of approver jane.doe@example.com are not recorded")]);
    expect(teams("risk", { "mlops.io/approval-approver": " " })).toEqual([expect.stringContaining("names no approver")]);
    expect(teams("risk;vision")).toEqual([expect.stringContaining("is not a comma-separated list of team names")]);
  });

  it("leaves an endpoint without any approval to model-endpoint-missing-approval", () => {
    expect(run(FOUR_EYES, inferenceService({ "mlops.io/model-sha256": SERVED }))).toEqual([]);
  });
});

describe("model-approval-missing-lineage", () => {
  const lineage = (overrides: Record<string, string | undefined>) => messages(enforced(run(LINEAGE, inferenceService(approval(overrides)))));

  it("passes an approval naming the training job, the dataset and its version", () => {
    expect(lineage({})).toEqual([]);
    expect(lineage({ "mlops.io/approval-dataset": "s3://ml-prod-datasets/teams/vision/labels.parquet", "mlops.io/approval-dataset-version": "s3-version:3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo" })).toEqual([]);
  });

  it("refuses an approval without lineage, naming what is missing", () => {
    expect(lineage({ "mlops.io/approval-training-job": undefined, "mlops.io/approval-dataset-version": undefined })).toEqual([
      expect.stringContaining("lacks lineage (mlops.io/approval-training-job, mlops.io/approval-dataset-version)"),
    ]);
  });

  it("refuses lineage that names nothing fixed: null or prefix version ids, bad digests, other URIs", () => {
    expect(lineage({ "mlops.io/approval-dataset": "s3://ml-prod-datasets/teams/vision/labels.parquet", "mlops.io/approval-dataset-version": "s3-version:null" })).toEqual([expect.stringContaining("names no fixed content")]);
    expect(lineage({ "mlops.io/approval-dataset-version": "s3-version:3HL4kqtJlcpXroDTDmJ" })).toEqual([expect.stringContaining("is a prefix; record the sha256 of its digest manifest")]);
    expect(lineage({ "mlops.io/approval-dataset-version": `sha256:${"D".repeat(64)}` })).toEqual([expect.stringContaining("in upper case")]);
    expect(lineage({ "mlops.io/approval-dataset-version": "v3" })).toEqual([expect.stringContaining("neither sha256:")]);
    expect(lineage({ "mlops.io/approval-dataset": "https://data.example.com/imagenet" })).toEqual([expect.stringContaining("is not an s3://<bucket>/<key or prefix> URI")]);
    expect(lineage({ "mlops.io/approval-dataset": "s3://ml-prod-datasets/teams/vision/../nlp/" })).toEqual([expect.stringContaining("is not an s3://")]);
    expect(lineage({ "mlops.io/approval-training-job": "image-classifier-train-1" })).toEqual([expect.stringContaining("is not <namespace>/<name>")]);
  });
});

describe("promotion rules: what each finding says, and where", () => {
  const OCI = `oci://registry.example.com/models/fraud@sha256:${"a".repeat(64)}`;
  const LATER = "is not known until apply, so this preview cannot check it; pulumi up checks it again once it is known";
  const at = (field: string) => `metadata.annotations["mlops.io/${field}"]`;
  const CASES: [string, string, Record<string, unknown>, Record<string, unknown>, string, string[]][] = [
    ["an approval id of blanks is no approval", MISSING, inferenceService(approval({ "mlops.io/approval-id": "  " })), {}, ISVC, [`policy|${at("approval-id")}: vision/image-classifier serves sha256:9a1d5c3e7b2f4a6d8c0e1b3f5a7d9c2e4b6f8a0c1e3d5b7f9a2c4e6b8d0f1a3c in the production stack test without an approval; add an entry for this artifact digest to the stack config's approvals, reviewed in Git`]],
    ["a record field unknown in preview is asked, not passed", MISSING, inferenceService({ ...approval(), "mlops.io/approval-model-card": UNKNOWN }), {}, ISVC, [`advisory|${at("approval-model-card")}: the approval's modelCard ${LATER}`]],
    ["a model URI unknown in preview", MISSING, inferenceService(approval(), UNKNOWN), {}, ISVC, [`advisory|spec.predictor.model.storageUri: the model URI (an oci:// model's approval names its image) ${LATER}`]],
    ["an OCI model named by tag", MISSING, inferenceService(approval(), "oci://registry.example.com/models/fraud:v1"), {}, ISVC, [`policy|spec.predictor.model.storageUri: the OCI model registry.example.com/models/fraud:v1 is named by tag: admission checks the approval on an image digest, so pin it as <repository>@sha256:<digest>`]],
    ["a served SHA-256 unknown in preview", MISSING, inferenceService({ ...approval(), "mlops.io/model-sha256": UNKNOWN }), {}, ISVC, [`advisory|${at("model-sha256")}: the artifact's SHA-256 ${LATER}`]],
    ["a served SHA-256 with a prefix", MISSING, inferenceService(approval({ "mlops.io/model-sha256": `x${SERVED}` })), {}, ISVC, [`policy|${at("model-sha256")}: the served artifact is not identified by a SHA-256 (64 lower-case hex), so no approval can be matched to it`]],
    ["a served SHA-256 with a suffix", MISSING, inferenceService(approval({ "mlops.io/model-sha256": `${SERVED}x` })), {}, ISVC, [`policy|${at("model-sha256")}: the served artifact is not identified by a SHA-256 (64 lower-case hex), so no approval can be matched to it`]],
    ["a Deployment serving the OCI image its approval names", MISSING, deployment(approval({ "mlops.io/approval-artifact": OCI }), OCI), {}, DEPLOYMENT, []],
    ["an approved image unknown in preview", MISSING, inferenceService({ ...approval(), "mlops.io/approval-artifact": UNKNOWN }, OCI), {}, ISVC, [`advisory|${at("approval-artifact")}: the approved image ${LATER}`]],
    ["an OCI model whose approval names no image", MISSING, inferenceService(approval(), OCI), {}, ISVC, [`policy|${at("approval-artifact")}: approval vision-image-classifier-1 names no image, but the endpoint serves the OCI model oci://registry.example.com/models/fraud@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, on which admission checks the approval attestation; set the approval's artifact`]],
    ["an OCI model whose approval names another image", MISSING, inferenceService(approval({ "mlops.io/approval-artifact": "registry.example.com/models/other@sha256:" + "b".repeat(64) }), OCI), {}, ISVC, [`policy|${at("approval-artifact")}: approval vision-image-classifier-1 names the image registry.example.com/models/other@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb, but the endpoint serves oci://registry.example.com/models/fraud@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`]],
    ["an approved image that is not an image reference", MISSING, inferenceService(approval({ "mlops.io/approval-artifact": "not an image" }), OCI), {}, ISVC, [`policy|${at("approval-artifact")}: approval vision-image-classifier-1 names the image not an image, but the endpoint serves oci://registry.example.com/models/fraud@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`]],
    ["dates that are not calendar days", MISSING, inferenceService(approval({ "mlops.io/approval-approved-on": "2026-02-30", "mlops.io/approval-expires": "soon" })), {}, ISVC, [`policy|${at("approval-approved-on")}: "2026-02-30" is not a calendar date (YYYY-MM-DD)`, `policy|${at("approval-expires")}: "soon" is not a calendar date (YYYY-MM-DD)`]],
    ["an approval dated tomorrow", MISSING, inferenceService(approval({ "mlops.io/approval-approved-on": "2026-12-03" })), {}, ISVC, [`policy|${at("approval-approved-on")}: the approval is dated 2026-12-03, after today (2026-12-02 UTC): an approval is recorded once given`]],
    ["an approval given and expiring today", MISSING, inferenceService(approval({ "mlops.io/approval-approved-on": "2026-12-02", "mlops.io/approval-expires": "2026-12-02" })), {}, ISVC, []],
    ["an approval expiring before it was given", MISSING, inferenceService(approval({ "mlops.io/approval-expires": "2026-11-24" })), {}, ISVC, [`policy|${at("approval-expires")}: the approval expires (2026-11-24) before it was given (2026-11-25)`]],
    ["an approval that expired yesterday", MISSING, inferenceService(approval({ "mlops.io/approval-approved-on": "2026-01-01", "mlops.io/approval-expires": "2026-12-01" })), {}, ISVC, [`policy|${at("approval-expires")}: the approval expired on 2026-12-01 (today is 2026-12-02 UTC): the model must be reviewed and approved again`]],
    ["an approval running longer than a year", MISSING, inferenceService(approval({ "mlops.io/approval-expires": "2027-12-01" })), {}, ISVC, [`policy|${at("approval-expires")}: the approval runs 371 days (2026-11-25 to 2027-12-01), more than the 365 allowed: approvals are re-reviewed at least that often`]],
    ["an approval running longer than the configured maximum", MISSING, inferenceService(approval()), { maxValidityDays: 30 }, ISVC, [`policy|${at("approval-expires")}: the approval runs 180 days (2026-11-25 to 2027-05-24), more than the 30 allowed: approvals are re-reviewed at least that often`]],
    ["a Deployment of the model without an approval", MISSING, deployment({}), {}, DEPLOYMENT, [`policy|spec.template.${at("approval-id")}: vision/image-classifier serves a model in the production stack test without an approval; add an entry for this artifact digest to the stack config's approvals, reviewed in Git`]],
    ["an endpoint without an approval or a SHA-256", MISSING, inferenceService({}), {}, ISVC, [`policy|${at("approval-id")}: vision/image-classifier serves a model in the production stack test without an approval; add an entry for this artifact digest to the stack config's approvals, reviewed in Git`]],
    ["an approval of another endpoint's model", MISSING, inferenceService(approval({ "mlops.io/approval-model": "nlp/other" })), {}, ISVC, [`policy|${at("approval-model")}: approval vision-image-classifier-1 approves nlp/other, not this endpoint vision/image-classifier: an approval is given for one endpoint`]],
    ["an approval of another model whose id is unknown", MISSING, inferenceService(approval({ "mlops.io/approval-id": UNKNOWN, "mlops.io/approval-model": "nlp/other" })), {}, ISVC, [`advisory|${at("approval-id")}: the approval's id ${LATER}`, `policy|${at("approval-model")}: approval (unknown) approves nlp/other, not this endpoint vision/image-classifier: an approval is given for one endpoint`]],
    ["an approved digest that is malformed", MISSING, inferenceService(approval({ "mlops.io/approval-artifact-digest": "sha256:XYZ" })), {}, ISVC, [`policy|${at("approval-artifact-digest")}: "sha256:XYZ" is not a digest (sha256:<64 lower-case hex>)`]],
    ["an approved digest while the served one is unknown", MISSING, inferenceService({ ...approval({ "mlops.io/approval-artifact-digest": `sha256:${OTHER}` }), "mlops.io/model-sha256": UNKNOWN }), {}, ISVC, [`advisory|${at("model-sha256")}: the artifact's SHA-256 ${LATER}`]],
    ["a model card that is not https:// or s3://", MISSING, inferenceService(approval({ "mlops.io/approval-model-card": "ftp://x" })), {}, ISVC, [`policy|${at("approval-model-card")}: "ftp://x" is not an https:// or s3:// URI of the model card`]],
    ["an evaluation digest that is malformed", MISSING, inferenceService(approval({ "mlops.io/approval-evaluation-digest": "md5:1" })), {}, ISVC, [`policy|${at("approval-evaluation-digest")}: the evaluation report digest "md5:1" is not a digest (sha256:<64 lower-case hex>)`]],
    ["an approval without its expiry", MISSING, inferenceService(approval({ "mlops.io/approval-expires": undefined })), {}, ISVC, [`policy|${at("approval-expires")}: the approval lacks part of its record (mlops.io/approval-expires); set it in the approvals entry of the stack config, which ModelEndpoint records here`]],
    ["annotations unknown in preview", MISSING, inferenceService(UNKNOWN), {}, ISVC, [`advisory|metadata.annotations: the annotations (the approval) ${LATER}`]],
    ["four eyes: an approver unknown in preview", FOUR_EYES, inferenceService(approval({ "mlops.io/approval-approver": UNKNOWN })), {}, ISVC, [`advisory|${at("approval-approver")}: the approver ${LATER}`]],
    ["four eyes: no approver", FOUR_EYES, inferenceService(approval({ "mlops.io/approval-approver": undefined })), {}, ISVC, [`policy|${at("approval-approver")}: the approval names no approver: name who approved it (one of the stack config's approvers)`]],
    ["four eyes: teams unknown in preview", FOUR_EYES, inferenceService(approval({ "mlops.io/approval-approver-teams": UNKNOWN })), {}, ISVC, [`advisory|${at("approval-approver-teams")}: the approver's teams ${LATER}`]],
    ["four eyes: no teams recorded", FOUR_EYES, inferenceService(approval({ "mlops.io/approval-approver-teams": undefined })), {}, ISVC, [`policy|${at("approval-approver-teams")}: the teams of approver jane.doe@example.com are not recorded; they come from the stack config's approvers, so the four-eyes check can be made`]],
    ["four eyes: teams that are not a list", FOUR_EYES, inferenceService(approval({ "mlops.io/approval-approver-teams": "risk;vision" })), {}, ISVC, [`policy|${at("approval-approver-teams")}: "risk;vision" is not a comma-separated list of team names`]],
    ["four eyes: the model's team among spaced, capitalised teams", FOUR_EYES, inferenceService(approval({ "mlops.io/approval-approver-teams": " risk , Vision " })), {}, ISVC, [`policy|${at("approval-approver")}: approver jane.doe@example.com belongs to vision, the model's own team: an approval needs a second pair of eyes from outside the team`]],
    ["four eyes: the model's team after a tab", FOUR_EYES, inferenceService(approval({ "mlops.io/approval-approver-teams": "risk,\tvision" })), {}, ISVC, [`policy|${at("approval-approver")}: approver jane.doe@example.com belongs to vision, the model's own team: an approval needs a second pair of eyes from outside the team`]],
    ["four eyes: the team label unknown in preview", FOUR_EYES, { ...inferenceService(approval()), metadata: { name: "image-classifier", namespace: "vision", labels: { ...labels, "mlops.io/team": UNKNOWN }, annotations: approval() } }, {}, ISVC, [`advisory|metadata.labels["mlops.io/team"]: the model's team ${LATER}`]],
    ["four eyes: no team label and the namespace unknown", FOUR_EYES, { ...inferenceService(approval()), metadata: { name: "image-classifier", namespace: UNKNOWN, labels: { ...labels, "mlops.io/team": undefined }, annotations: approval() } }, {}, ISVC, [`advisory|metadata.labels["mlops.io/team"]: the model's team ${LATER}`]],
    ["four eyes: the team label known, the namespace not", FOUR_EYES, { ...inferenceService(approval({ "mlops.io/approval-approver-teams": "vision" })), metadata: { name: "image-classifier", namespace: UNKNOWN, labels, annotations: approval({ "mlops.io/approval-approver-teams": "vision" }) } }, {}, ISVC, [`policy|${at("approval-approver")}: approver jane.doe@example.com belongs to vision, the model's own team: an approval needs a second pair of eyes from outside the team`]],
    ["four eyes: no team label and no namespace", FOUR_EYES, { ...inferenceService(approval()), metadata: { name: "image-classifier", labels: { ...labels, "mlops.io/team": undefined }, annotations: approval() } }, {}, ISVC, [`policy|metadata.labels["mlops.io/team"]: the model's team is not known (no mlops.io/team label, no namespace), so four eyes cannot be checked`]],
    ["four eyes: the approver in the model's team and another", FOUR_EYES, inferenceService(approval({ "mlops.io/approval-approver-teams": "vision,risk" })), {}, ISVC, [`policy|${at("approval-approver")}: approver jane.doe@example.com belongs to vision, the model's own team: an approval needs a second pair of eyes from outside the team`]],
    ["four eyes: an approver in no team", FOUR_EYES, inferenceService(approval({ "mlops.io/approval-approver-teams": "" })), {}, ISVC, []],
    ["four eyes: annotations unknown in preview are the approval rule's to report", FOUR_EYES, inferenceService(UNKNOWN), {}, ISVC, []],
    ["four eyes: no approval is the approval rule's to report", FOUR_EYES, inferenceService({}), {}, ISVC, []],
    ["lineage: annotations unknown in preview are the approval rule's to report", LINEAGE, inferenceService(UNKNOWN), {}, ISVC, []],
    ["lineage: no approval is the approval rule's to report", LINEAGE, inferenceService({}), {}, ISVC, []],
    ["lineage: no training job and no dataset", LINEAGE, inferenceService(approval({ "mlops.io/approval-training-job": undefined, "mlops.io/approval-dataset": undefined })), {}, ISVC, [`policy|${at("approval-training-job")}: the approval lacks lineage (mlops.io/approval-training-job, mlops.io/approval-dataset); set it in the approvals entry of the stack config, which ModelEndpoint records here`]],
    ["lineage: a training job that is not namespace/name", LINEAGE, inferenceService(approval({ "mlops.io/approval-training-job": "job" })), {}, ISVC, [`policy|${at("approval-training-job")}: "job" is not <namespace>/<name> of the TrainingJob that produced the artifact`]],
    ["lineage: a dataset that is not an s3:// URI", LINEAGE, inferenceService(approval({ "mlops.io/approval-dataset": "https://x" })), {}, ISVC, [`policy|${at("approval-dataset")}: "https://x" is not an s3://<bucket>/<key or prefix> URI of the training data`]],
    ["a workload whose ServiceAccount is unknown in preview", MISSING, { metadata: { name: "x", namespace: "vision", labels: {} }, spec: { template: { metadata: { labels: {} }, spec: { ...compliantPodSpec(), serviceAccountName: UNKNOWN } } } }, {}, DEPLOYMENT, [`advisory|spec.template.spec.serviceAccountName: whether the workload serves a model (its role label or ServiceAccount) ${LATER}`]],
  ];

  it.each(CASES)("%s", (_case, rule, props, config, type, expected) => {
    expect(run(rule, props, config, type).map((reported) => `${reported.level}|${reported.message}`)).toEqual(expected);
  });
});
