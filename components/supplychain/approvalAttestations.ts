import * as pulumi from "@pulumi/pulumi";
import { customResource } from "../kubernetes/customResource";
import type { ModelApproval } from "../serving/approvals";
import { LABELS, MANAGED_BY } from "../tenancy/labels";
import { clusterImagePolicySpec, type ClusterImagePolicySpec, type SignatureAuthority } from "./signedImages";

/**
 * The approval of an OCI model at admission: the same record as in the stack config, attached to the
 * model image as a cosign attestation of our predicate type, which a ClusterImagePolicy requires.
 *
 * FACT: KServe runs an oci:// model as the pod's modelcar container whose image is the URI without
 * the scheme (ConfigureModelcarToContainer, kserve pkg/utils/storage.go v0.20.0), so the
 * policy-controller verifies it like any image of the pod; when several ClusterImagePolicies match
 * an image, all of them must be satisfied (validatePolicies, policy-controller pkg/webhook/validator.go
 * v0.13.1), so the approval is required on top of the image signature.
 */
export const MODEL_APPROVAL_PREDICATE_TYPE = "https://mlops.io/attestations/model-approval/v1";

/**
 * What `cosign attest --type <MODEL_APPROVAL_PREDICATE_TYPE> --predicate <file> <image>` signs: the
 * approval record, whose artifact names that image and whose artifactDigest is the model manifest's.
 */
export const approvalPredicate = (approval: ModelApproval): ModelApproval => approval;

/**
 * The attestation policy. FACT: cosign evaluates it as Rego v0 with the in-toto statement as input
 * ({_type, predicateType, subject[{name, digest{sha256}}], predicate}) and requires
 * `data.sigstore.isCompliant` to be true (ValidateJSONWithModuleInput, sigstore/cosign
 * pkg/cosign/rego/rego.go v2.5.0, ast.RegoV0; AttestationToPayloadJSON marshals the whole statement
 * for a URI predicate type, pkg/policy/attestation.go); the statement's subject has already been
 * matched against the image digest (IntotoSubjectClaimVerifier, set for attestations in
 * policy-controller pkg/webhook/validation.go v0.13.1). Rego, not CUE, because only Rego can read the
 * clock (time.now_ns), and an approval must lapse at admission on its expiry date, not at the next deploy.
 */
export const APPROVAL_REGO = `package sigstore

default isCompliant = false

approval := input.predicate

digest := "^sha256:[a-f0-9]{64}$"

day := "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

# The record names, as its artifact, the very image the attestation is bound to.
approves_subject {
  some i
  startswith(approval.artifact, "oci://")
  endswith(approval.artifact, concat("", ["@sha256:", input.subject[i].digest.sha256]))
}

complete {
  regex.match(digest, approval.artifactDigest)
  regex.match(digest, approval.evaluationReportDigest)
  count(approval.approver) > 0
  count(approval.modelCard) > 0
  regex.match(day, approval.approvedOn)
  regex.match(day, approval.expires)
  count(approval.lineage.trainingJob) > 0
  count(approval.lineage.dataset) > 0
  count(approval.lineage.datasetVersion) > 0
}

# expires is the last day the approval holds, in UTC: it lapses when the next day begins.
in_force {
  time.now_ns() >= time.parse_ns("2006-01-02", approval.approvedOn)
  time.now_ns() < time.add_date(time.parse_ns("2006-01-02", approval.expires), 0, 0, 1)
}

self_approved {
  approval.approverTeams[_] == approval.team
}

isCompliant {
  approves_subject
  complete
  in_force
  not self_approved
}
`;

export interface ApprovalAttestationsArgs {
  /** Globs of the OCI model repositories, e.g. `<account>.dkr.ecr.<region>.amazonaws.com/models/**`. */
  images: string[];
  /** Who signs approval attestations: the deploy workflow on main, after ml-guard and the reviewers passed. */
  authority: SignatureAuthority;
}

type Authority = ClusterImagePolicySpec["authorities"][number];
type ApprovalAuthority = Authority & {
  name: string;
  attestations: { name: string; predicateType: string; policy: { type: "rego"; data: string } }[];
};

/** The ClusterImagePolicy (policy.sigstore.dev/v1beta1) requiring the approval attestation on every covered model image. */
export function approvalImagePolicy(args: ApprovalAttestationsArgs): { apiVersion: "policy.sigstore.dev/v1beta1"; kind: "ClusterImagePolicy"; metadata: { name: string; labels: Record<string, string> }; spec: { images: { glob: string }[]; authorities: ApprovalAuthority[] } } {
  const signed = clusterImagePolicySpec(args.images, args.authority);
  return {
    apiVersion: "policy.sigstore.dev/v1beta1",
    kind: "ClusterImagePolicy",
    metadata: { name: "ml-models-approved", labels: { [LABELS.managedBy]: MANAGED_BY } },
    spec: {
      images: signed.images,
      authorities: signed.authorities.map((authority) => ({
        name: "model-approval",
        ...authority,
        attestations: [{ name: "model-approval", predicateType: MODEL_APPROVAL_PREDICATE_TYPE, policy: { type: "rego", data: APPROVAL_REGO } }],
      })),
    },
  };
}

/** The approval ClusterImagePolicy as a resource (after the policy-controller that defines its kind). */
export class ApprovalAttestations extends pulumi.ComponentResource {
  constructor(name: string, args: ApprovalAttestationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-ml:supplychain:ApprovalAttestations", name, {}, opts);
    customResource(`${name}-policy`, approvalImagePolicy(args), { parent: this });
    this.registerOutputs({});
  }
}
