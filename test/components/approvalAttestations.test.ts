import * as pulumi from "@pulumi/pulumi";
import { installRecordingMocks, settle, single, valueOf } from "../support/pulumiMocks";
import { describeWithShared } from "../support/upstream";
import { upstreamCrdProblems } from "../support/upstreamCrdSchema";

const created = installRecordingMocks();

import { APPROVAL_REGO, ApprovalAttestations, approvalImagePolicy, MODEL_APPROVAL_PREDICATE_TYPE } from "../../components/supplychain/approvalAttestations";

const keyless = { keyless: { issuer: "https://token.actions.githubusercontent.com", subjectRegExp: "^https://github\\.com/example-ml/secure-ml-platform/\\.github/workflows/deploy\\.yml@refs/heads/main$" } };
const component = new ApprovalAttestations("approvals", { images: ["444455556666.dkr.ecr.us-east-1.amazonaws.com/models/**"], authority: keyless });

beforeAll(async () => {
  await valueOf(pulumi.output(component.urn));
  await settle();
});

describe("the approval ClusterImagePolicy", () => {
  it("requires, on every covered model image, an attestation of our predicate type signed by the approvals authority", () => {
    const policy = single(created, "kubernetes:policy.sigstore.dev/v1beta1:ClusterImagePolicy", "approvals-policy").inputs as ReturnType<typeof approvalImagePolicy>;
    expect(policy.metadata.name).toBe("ml-models-approved");
    expect(policy.spec.images).toEqual([{ glob: "444455556666.dkr.ecr.us-east-1.amazonaws.com/models/**" }]);
    expect(policy.spec.authorities).toEqual([{
      name: "model-approval",
      keyless: { url: "https://fulcio.sigstore.dev", identities: [keyless.keyless] },
      ctlog: { url: "https://rekor.sigstore.dev" },
      attestations: [{ name: "model-approval", predicateType: MODEL_APPROVAL_PREDICATE_TYPE, policy: { type: "rego", data: APPROVAL_REGO } }],
    }]);
  });

  it("uses a predicate type policy-controller accepts without its deprecation warning (an RFC 3986 URI, not a cosign short name)", () => {
    // FACT: Attestation.Validate warns on the short forms and on values url.ParseRequestURI refuses (policy-controller v0.13.1).
    expect(() => new URL(MODEL_APPROVAL_PREDICATE_TYPE)).not.toThrow();
    expect(MODEL_APPROVAL_PREDICATE_TYPE).toMatch(/^https:\/\/[^/]+\/.+\/v1$/);
    expect(["custom", "slsaprovenance", "spdxjson", "cyclonedx", "vuln", "link"]).not.toContain(MODEL_APPROVAL_PREDICATE_TYPE);
  });

  it("keys a public-key authority the same way as the image signatures", () => {
    const pem = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----";
    expect(approvalImagePolicy({ images: ["r/**"], authority: { publicKey: pem } }).spec.authorities[0]).toMatchObject({ name: "model-approval", key: { data: pem } });
  });
});

describe("the attestation policy (Rego v0, as cosign v2.5.0 evaluates it)", () => {
  it("is package sigstore with a boolean isCompliant, false unless every condition holds", () => {
    // FACT: cosign queries `isCompliant = data.sigstore.isCompliant` and admits on a true boolean (pkg/cosign/rego/rego.go v2.5.0).
    expect(APPROVAL_REGO).toMatch(/^package sigstore\n/);
    expect(APPROVAL_REGO).toContain("default isCompliant = false");
    expect(APPROVAL_REGO).toMatch(/isCompliant \{\n {2}approves_subject\n {2}complete\n {2}in_force\n {2}not self_approved\n\}/);
  });

  it("uses only Rego v0 syntax: no if/contains/every keywords, which v0 parses only with future imports", () => {
    expect(APPROVAL_REGO).not.toMatch(/\b(if|contains|every)\b/);
    expect(APPROVAL_REGO).not.toContain("import future");
  });

  it("reads the in-toto statement's fields and the record's own (the predicate is the approval entry)", () => {
    for (const field of ["input.subject[i].digest.sha256", "approval.artifact,", "approval.artifactDigest", "approval.evaluationReportDigest", "approval.expires", "approval.approverTeams[_]", "approval.lineage.datasetVersion"]) expect(APPROVAL_REGO).toContain(field);
    // The expiry day holds through its end in UTC, as at preview: the approval lapses one day after `expires`.
    expect(APPROVAL_REGO).toContain('time.now_ns() < time.add_date(time.parse_ns("2006-01-02", approval.expires), 0, 0, 1)');
  });
});

describeWithShared("the approval ClusterImagePolicy against the policy-controller CRDs (v0.13.1 release, chart 0.10.5)", ["upstream/policy-controller/config_300-clusterimagepolicy.yaml"], () => {
  it("fits both published schemas", () => {
    expect(upstreamCrdProblems(approvalImagePolicy({ images: ["444455556666.dkr.ecr.us-east-1.amazonaws.com/models/**"], authority: keyless }))).toEqual([]);
  });

  it("is held to the schema: a misspelt attestation field would be pruned, and is reported", () => {
    const policy = approvalImagePolicy({ images: ["r/**"], authority: keyless });
    const misspelt = { ...policy, spec: { ...policy.spec, authorities: [{ ...policy.spec.authorities[0], attestations: [{ name: "a", predicate: MODEL_APPROVAL_PREDICATE_TYPE }] }] } };
    expect(upstreamCrdProblems(misspelt)).toEqual(expect.arrayContaining([expect.stringContaining("predicate")]));
  });
});
