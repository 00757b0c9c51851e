import { podTemplatesOf, type PodView } from "./kubernetes";
import { servesModel, type ServingWorkloadConfig } from "./servingWorkloads";
import { asArray, asRecord, asString } from "./values";

/** What the promotion rules see of one model endpoint: its approval annotations, identity and artifact. */
export interface ServedModel {
  /** Where its annotations live (`metadata` of an InferenceService, the pod template's otherwise). */
  metadataPath: string;
  annotations: unknown;
  /** Its pods' labels over the workload's own (the pods' win). */
  labels: Record<string, unknown>;
  namespace: unknown;
  /** Every model URI it loads, with the path it is written at. */
  storageUris: { path: string; uri: unknown }[];
}

export const TEAM_LABEL = "mlops.io/team";
export const MODEL_NAME_LABEL = "mlops.io/model-name";
export const MODEL_SHA256_ANNOTATION = "mlops.io/model-sha256";

/** Where a pod template names the model it loads: KServe model specs, storageUris, a STORAGE_URI variable. */
function storageUrisOf(pod: PodView): { path: string; uri: unknown }[] {
  const fromModels = pod.containers.filter((view) => view.list === "model" && view.container.storageUri !== undefined)
    .map((view) => ({ path: `${view.path}.storageUri`, uri: view.container.storageUri }));
  const fromList = asArray(pod.spec.storageUris).map((entry, index) => ({ path: `${pod.specPath}.storageUris[${index}].uri`, uri: asRecord(entry).uri }));
  const fromEnv = pod.containers.filter((view) => view.list === "containers").flatMap((view) =>
    asArray(view.container.env).flatMap((env, index) => (asRecord(env).name === "STORAGE_URI" ? [{ path: `${view.path}.env[${index}].value`, uri: asRecord(env).value }] : [])));
  return [...fromModels, ...fromList, ...fromEnv];
}

/**
 * The model endpoints a resource holds, one per annotated metadata: an InferenceService's components
 * share its metadata, so they are one endpoint. `undecided` lists templates whose serving markers are
 * unknown until apply.
 */
export function servedModelsOf(type: string, props: Record<string, unknown>, config: ServingWorkloadConfig): { models: ServedModel[]; undecided: PodView[] } {
  const byMetadata = new Map<string, ServedModel>();
  const undecided: PodView[] = [];
  for (const pod of podTemplatesOf(type, props)) {
    const serving = servesModel(pod, config);
    if (serving === undefined) undecided.push(pod);
    if (serving !== true) continue;
    const known = byMetadata.get(pod.metadataPath);
    if (known) {
      known.storageUris.push(...storageUrisOf(pod));
      continue;
    }
    byMetadata.set(pod.metadataPath, {
      metadataPath: pod.metadataPath,
      annotations: pod.metadata.annotations,
      labels: { ...asRecord(pod.workloadMetadata?.labels), ...asRecord(pod.metadata.labels) },
      namespace: asRecord(props.metadata).namespace,
      storageUris: storageUrisOf(pod),
    });
  }
  return { models: [...byMetadata.values()], undecided };
}

/** `<team>/<model>` as the endpoint's labels name it, when both are known. */
export function endpointName(model: ServedModel): string | undefined {
  const team = asString(model.labels[TEAM_LABEL]) ?? asString(model.namespace);
  const name = asString(model.labels[MODEL_NAME_LABEL]);
  return team !== undefined && name !== undefined ? `${team}/${name}` : undefined;
}

/**
 * An OCI model reference and its digest, if pinned. FACT: KServe takes oci://, oci+modelcar://,
 * oci+native:// and oci+fetch:// URIs, and runs the model image named after the scheme as the pod's
 * modelcar container (ParseOciScheme, ConfigureModelcarToContainer in kserve pkg/utils/storage.go v0.20.0).
 */
export function ociReference(uri: string): { reference: string; digest?: string } | undefined {
  const match = /^oci(\+[a-z]+)?:\/\/(.+)$/.exec(uri);
  if (!match) return undefined;
  return { reference: match[2], digest: /@(sha256:[A-Fa-f0-9]+)$/.exec(match[2])?.[1] };
}
