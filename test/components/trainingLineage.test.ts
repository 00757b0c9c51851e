import * as pulumi from "@pulumi/pulumi";
import { installRecordingMocks, settle, single, valueOf } from "../support/pulumiMocks";
import { describeWithShared } from "../support/upstream";
import { upstreamCrdProblems } from "../support/upstreamCrdSchema";

const created = installRecordingMocks();

import { TrainingJob } from "../../components";
import { APPROVAL_ANNOTATIONS as PACK_ANNOTATIONS } from "../../policypacks/ml-guard/lib/approvals";
import { APPROVAL_ANNOTATIONS, approvalAnnotations, endpointApprovalAnnotations, type ModelApproval } from "../../components/serving/approvals";

const image = `123456789012.dkr.ecr.us-west-2.amazonaws.com/ml/train@sha256:${"c".repeat(64)}`;
const lineage = { dataset: "s3://ml-prod-datasets/teams/vision/imagenet-subset/2026-10/", datasetVersion: `sha256:${"d".repeat(64)}`, artifact: "s3://ml-prod-model-artifacts/teams/vision/image-classifier/1/" };
const job = new TrainingJob("classifier", { team: "vision", namespace: "vision", name: "image-classifier-train-1", image, command: ["torchrun", "-m", "train"], lineage });
const plain = new TrainingJob("plain", { team: "vision", namespace: "vision", name: "plain", image, command: ["torchrun", "-m", "train"] });

const inputs = (name: string) => single(created, "kubernetes:kubeflow.org/v1:PyTorchJob", name).inputs as { metadata: { annotations: Record<string, string> }; spec: { pytorchReplicaSpecs: { Worker: { template: { spec: { containers: { env?: { name: string; value: string }[] }[] } } } } } };

beforeAll(async () => {
  await valueOf(pulumi.all([job.urn, plain.urn]));
  await settle();
});

describe("TrainingJob lineage", () => {
  it("records the dataset version it reads and where it writes the artifact on the job", () => {
    expect(inputs("classifier").metadata.annotations).toEqual({
      "mlops.io/dataset": lineage.dataset, "mlops.io/dataset-version": lineage.datasetVersion, "mlops.io/artifact": lineage.artifact,
    });
    expect(inputs("plain").metadata.annotations).toEqual({});
  });

  it("hands the same values to the training code, so it reads what the job records", () => {
    expect(inputs("classifier").spec.pytorchReplicaSpecs.Worker.template.spec.containers[0].env).toEqual([
      { name: "MLOPS_DATASET_URI", value: lineage.dataset }, { name: "MLOPS_DATASET_VERSION", value: lineage.datasetVersion }, { name: "MLOPS_ARTIFACT_URI", value: lineage.artifact },
    ]);
    expect(inputs("plain").spec.pytorchReplicaSpecs.Worker.template.spec.containers[0].env).toBeUndefined();
  });

  it("outputs the lineage an approval copies: the job as <namespace>/<name>, the dataset and its version", async () => {
    expect(await valueOf(job.lineage)).toEqual({ trainingJob: "vision/image-classifier-train-1", ...lineage });
    expect(await valueOf(plain.lineage)).toBeUndefined();
  });

  it("refuses lineage that names no fixed data before registering anything", () => {
    const bad = (fields: Partial<typeof lineage>) => () => new TrainingJob("bad", { team: "vision", namespace: "vision", name: "bad", image, command: ["torchrun"], lineage: { ...lineage, ...fields } });
    expect(bad({ datasetVersion: "s3-version:null" })).toThrow(/lineage.datasetVersion "s3-version:null" must be/);
    expect(bad({ datasetVersion: "s3-version:3HL4kqtJ" })).toThrow(/is a prefix: use the sha256 of its digest manifest/);
    expect(bad({ dataset: "https://data.example.com/x" })).toThrow(/lineage.dataset "https:\/\/data.example.com\/x" must be s3:/);
    expect(bad({ artifact: "s3://ml-prod-model-artifacts/teams/../nlp/" })).toThrow(/lineage.artifact/);
  });
});

describeWithShared("the PyTorchJob with lineage against the training operator's CRD (v1.9.0)", ["upstream/training-operator/manifests_base_crds_kubeflow.org_pytorchjobs.yaml"], () => {
  it("fits the published schema", () => {
    expect(upstreamCrdProblems({ apiVersion: "kubeflow.org/v1", kind: "PyTorchJob", ...inputs("classifier") })).toEqual([]);
  });
});

describe("approval annotations on an endpoint", () => {
  const approval: ModelApproval = {
    id: "vision-image-classifier-1", team: "vision", model: "image-classifier", artifactDigest: `sha256:${"a".repeat(64)}`,
    approver: "jane.doe@example.com", approverTeams: ["risk", "audit"], modelCard: "https://models.example.com/card.md", evaluationReportDigest: `sha256:${"e".repeat(64)}`,
    approvedOn: "2026-11-25", expires: "2027-05-24", lineage: { trainingJob: "vision/image-classifier-train-1", dataset: lineage.dataset, datasetVersion: lineage.datasetVersion },
  };

  it("uses the keys ml-guard reads", () => expect(APPROVAL_ANNOTATIONS).toEqual(PACK_ANNOTATIONS));

  it("records every reference of the approval, the approver's teams comma-separated", () => {
    const annotations = approvalAnnotations(approval);
    expect(Object.keys(annotations).sort()).toEqual(Object.values(PACK_ANNOTATIONS).filter((key) => key !== "mlops.io/approval-artifact").sort());
    expect(annotations).toMatchObject({ "mlops.io/approval-model": "vision/image-classifier", "mlops.io/approval-approver-teams": "risk,audit", "mlops.io/approval-training-job": "vision/image-classifier-train-1" });
    expect(approvalAnnotations(undefined)).toEqual({});
  });

  it("refuses another endpoint's or another artifact's approval before anything is registered", () => {
    const endpoint = { team: "vision", name: "image-classifier", artifactSha256: "a".repeat(64), approval };
    expect(endpointApprovalAnnotations("e", endpoint)).toEqual(approvalAnnotations(approval));
    expect(() => endpointApprovalAnnotations("e", { ...endpoint, name: "detector" })).toThrow("approval vision-image-classifier-1 is for vision/image-classifier, not vision/detector");
    expect(() => endpointApprovalAnnotations("e", { ...endpoint, artifactSha256: "b".repeat(64) })).toThrow(`approves ${approval.artifactDigest}, but the endpoint serves sha256:${"b".repeat(64)}`);
    expect(endpointApprovalAnnotations("e", { ...endpoint, approval: undefined })).toEqual({});
  });

  it("an OCI model's approval also names its image, on which admission checks the attestation", () => {
    const image = `444455556666.dkr.ecr.us-east-1.amazonaws.com/models/image-classifier@sha256:${"f".repeat(64)}`;
    const endpoint = { team: "vision", name: "image-classifier", artifactSha256: "a".repeat(64), artifactImage: image };
    expect(endpointApprovalAnnotations("e", { ...endpoint, approval: { ...approval, artifact: `oci://${image}` } })).toMatchObject({ "mlops.io/approval-artifact": `oci://${image}` });
    expect(() => endpointApprovalAnnotations("e", { ...endpoint, approval })).toThrow(`must name the image it approves as artifact (oci://${image})`);
    expect(() => endpointApprovalAnnotations("e", { ...endpoint, approval: { ...approval, artifact: `oci://${image.replace("f".repeat(64), "0".repeat(64))}` } })).toThrow("must name the image it approves");
    expect(() => endpointApprovalAnnotations("e", { ...endpoint, artifactImage: undefined, approval: { ...approval, artifact: `oci://${image}` } })).toThrow("but the endpoint serves its model from S3");
  });
});
