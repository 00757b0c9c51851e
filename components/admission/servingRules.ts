/**
 * ml-guard's serving rules at admission: serving-missing-model-labels and serving-missing-model-sha256.
 * A workload serves a model when it is an InferenceService, it or its pods carry the serving role
 * label, or its pods run as the teams' serving ServiceAccount: any one marker is enough, so dropping
 * one does not take a workload out of the rules (as ml-guard's servingWorkloads).
 *
 * Not here: serving-missing-authorization-policy (an Istio AuthorizationPolicy must require a token
 * for the workload). Admission sees one object at a time, and whether some other object in the
 * namespace selects this one is not in it; ml-guard checks it across the stack at preview.
 */
import { celList, celString, labelIs, mapOrEmpty } from "./celText";
import { MODEL_SHA256_ANNOTATION } from "../serving/inferenceService";
import { LABELS, WORKLOAD_ROLES } from "../tenancy/labels";
import { NOT_BEING_DELETED, serviceAccountOf, type PodShape, type PolicySpec } from "./podShapes";

export const MODEL_LABELS = [LABELS.modelName, LABELS.modelVersion];

export interface ServingSettings {
  /** Name of the teams' serving ServiceAccount. */
  servingServiceAccount: string;
}

const VALIDATIONS: PolicySpec["validations"] = [
  {
    // Label values are validated before admission: they cannot hold blanks, only be empty.
    expression: `${celList(MODEL_LABELS)}.all(l, l in variables.labels && variables.labels[l] != '')`,
    message: `serving-missing-model-labels: a model-serving workload must carry the labels ${MODEL_LABELS.join(" and ")} on its pods (the InferenceService's own labels, which KServe copies to them)`,
    reason: "Invalid",
  },
  {
    expression: `${celString(MODEL_SHA256_ANNOTATION)} in variables.annotations && variables.annotations[${celString(MODEL_SHA256_ANNOTATION)}].matches('^[a-f0-9]{64}$')`,
    message: `serving-missing-model-sha256: a model-serving workload must record the SHA-256 of the artifact it serves in the annotation ${MODEL_SHA256_ANNOTATION} (64 lower-case hex characters) on its pods`,
    reason: "Invalid",
  },
];

/**
 * The label KServe puts on every pod (and pod template) of an InferenceService, whose pods serve
 * whatever their other labels say. FACT: kserve/kserve pkg/constants/constants.go
 * InferenceServicePodLabelKey = "serving.kserve.io/inferenceservice", set by buildObjectMeta in
 * pkg/controller/v1beta1/inferenceservice/components/predictor.go (stored copies 000652d, 0187b46).
 */
export const KSERVE_POD_LABEL = "serving.kserve.io/inferenceservice";

/** The serving markers of a pod shape: the role label on the pods or the workload, KServe's pod label, or the serving ServiceAccount. */
function servingCondition(shape: PodShape, settings: ServingSettings): string {
  const podLabels = `(${mapOrEmpty(shape.metadata, "labels")})`;
  const labelled = (metadata: string) => labelIs(`(${mapOrEmpty(metadata, "labels")})`, LABELS.workloadRole, WORKLOAD_ROLES.serving);
  return [
    labelled(shape.metadata),
    `${celString(KSERVE_POD_LABEL)} in ${podLabels}`,
    ...(shape.workloadMetadata ? [labelled(shape.workloadMetadata)] : []),
    `(${serviceAccountOf(shape.spec)}) == ${celString(settings.servingServiceAccount)}`,
  ].map((marker) => `(${marker})`).join(" || ");
}

export function servingPolicy(shape: PodShape, settings: ServingSettings): PolicySpec {
  return {
    failurePolicy: "Fail",
    // Labels and annotations can change on a running pod.
    matchConstraints: { resourceRules: shape.resourceRules({ operations: ["CREATE", "UPDATE"] }) },
    matchConditions: [NOT_BEING_DELETED, { name: "serving-workloads", expression: servingCondition(shape, settings) }],
    variables: [
      { name: "labels", expression: mapOrEmpty(shape.metadata, "labels") },
      { name: "annotations", expression: mapOrEmpty(shape.metadata, "annotations") },
    ],
    validations: VALIDATIONS,
  };
}

/**
 * Every InferenceService serves a model. KServe builds its pods' metadata from the InferenceService's
 * labels and annotations (minus its disallowed list), so they are checked on the InferenceService.
 * FACT: kserve/kserve pkg/controller/v1beta1/inferenceservice/components/predictor.go
 * buildPredictorResources / buildObjectMeta (stored copy 0187b46).
 */
export function inferenceServiceServingPolicy(): PolicySpec {
  return {
    failurePolicy: "Fail",
    matchConstraints: { resourceRules: [{ apiGroups: ["serving.kserve.io"], apiVersions: ["*"], operations: ["CREATE", "UPDATE"], resources: ["inferenceservices"] }] },
    matchConditions: [NOT_BEING_DELETED],
    variables: [
      { name: "labels", expression: mapOrEmpty("object.metadata", "labels") },
      { name: "annotations", expression: mapOrEmpty("object.metadata", "annotations") },
    ],
    validations: VALIDATIONS,
  };
}
