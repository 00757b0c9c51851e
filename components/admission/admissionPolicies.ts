import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LABELS, MANAGED_BY } from "../tenancy/labels";
import { pinnedImagesPolicy, servingLabelsPolicy } from "./admissionRules";

export interface AdmissionPoliciesArgs {
  /** Registry patterns images may come from (`*` matches one DNS label; an optional repository prefix may follow). */
  allowedRegistries: string[];
}

/**
 * ml-guard's core ML rules enforced by the API server itself (ValidatingAdmissionPolicy, no extra
 * operator), so workloads deployed without Pulumi (kubectl, Helm, Argo CD) meet them too: pinned
 * images from allowed registries, and model labels on serving workloads. Bound to team namespaces.
 */
export class AdmissionPolicies extends pulumi.ComponentResource {
  constructor(name: string, args: AdmissionPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-ml:admission:AdmissionPolicies", name, {}, opts);
    const labels = { [LABELS.managedBy]: MANAGED_BY };
    const policies = {
      "ml-guard-pinned-images": pinnedImagesPolicy(args.allowedRegistries),
      "ml-guard-serving-model-labels": servingLabelsPolicy(),
    };
    for (const [policyName, spec] of Object.entries(policies)) {
      const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(`${name}-${policyName}`, { metadata: { name: policyName, labels }, spec }, { parent: this });
      new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(`${name}-${policyName}-binding`, {
        metadata: { name: policyName, labels },
        spec: {
          policyName: policy.metadata.name,
          validationActions: ["Deny", "Audit"],
          matchResources: { namespaceSelector: { matchExpressions: [{ key: LABELS.team, operator: "Exists" }] } },
        },
      }, { parent: this });
    }
    this.registerOutputs({});
  }
}
