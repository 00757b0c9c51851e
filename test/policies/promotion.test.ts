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
