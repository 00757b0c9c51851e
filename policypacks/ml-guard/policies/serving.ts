import type { ResourceValidationPolicy } from "@pulumi/policy";
import type { ExemptNamespacesConfig } from "../lib/config";
import { reportFindings, unverified, violation, type Finding } from "../lib/findings";
import { isKind, type PodView } from "../lib/kubernetes";
import * as controls from "../lib/podSecurity";
import { asArray, asRecord, asString, isUnknown, rawProps } from "../lib/values";
import { workloadPolicy } from "../lib/workloadPolicy";

const UID_ANNOTATION = "serving.kserve.io/storage-initializer-uid";
const INJECT = "sidecar.istio.io/inject";
/** Istio's injector injects only for y, yes, true or on (any case); any other non-empty value turns the sidecar off. */
const sidecarOff = (value: unknown) => typeof value === "string" && value !== "" && !["y", "yes", "true", "on"].includes(value.toLowerCase());
/** URIs KServe serves without the storage-initializer download: a mounted PVC, an OCI model image. */
const NO_DOWNLOAD = /^(pvc|oci|oci\+native):\/\//;

interface StorageInitializerConfig extends ExemptNamespacesConfig {
  istioProxyUid?: number;
}

/** Where a component names a model to download, with the URI (or undefined for a storage spec). */
function downloads(pod: PodView): { path: string; uri: unknown }[] {
  const fromModels = pod.containers.filter((view) => view.list === "model").flatMap((view) => [
    ...(view.container.storageUri !== undefined ? [{ path: `${view.path}.storageUri`, uri: view.container.storageUri }] : []),
    ...(view.container.storage !== undefined ? [{ path: `${view.path}.storage`, uri: undefined }] : []),
  ]);
  const fromList = asArray(pod.spec.storageUris).map((entry, index) => ({ path: `${pod.specPath}.storageUris[${index}].uri`, uri: asRecord(entry).uri }));
  const fromEnv = pod.containers.filter((view) => view.list === "containers").flatMap((view) =>
    asArray(view.container.env).flatMap((env, index) => (asRecord(env).name === "STORAGE_URI" ? [{ path: `${view.path}.env[${index}].value`, uri: asRecord(env).value }] : [])));
  return [...fromModels, ...fromList, ...fromEnv].filter(({ uri }) => !(typeof uri === "string" && NO_DOWNLOAD.test(uri)));
}

/**
 * KServe's storage-initializer is an init container: under Istio CNI its download is redirected to a
 * sidecar that may not run yet. KServe runs it as the sidecar's UID (whose traffic is never
 * redirected) only when the annotation says so, or when its own guess finds the proxy among the
 * containers, which a native sidecar is not. FACT: kserve/kserve
 * pkg/webhook/admission/pod/storage_initializer_injector.go SetIstioCniSecurityContext, v0.20.0;
 * istio/istio cni/pkg/plugin/sidecar_redirect.go defaultNoRedirectUID "1337", 1.30.0.
 */
const storageInitializerUid = workloadPolicy<StorageInitializerConfig>(
  {
    name: "kserve-storage-initializer-missing-istio-uid",
    description: `InferenceServices in the mesh that download a model must set ${UID_ANNOTATION} to the Istio sidecar's UID, or the storage-initializer's download never leaves the pod under Istio CNI.`,
    severity: "high",
    remediationSteps: `Annotate the InferenceService ${UID_ANNOTATION}: "1337" (the sidecar's UID; ModelEndpoint does it). The cluster's ClusterStorageContainer must also be restricted-compliant (rule kserve-storage-container-require-restricted).`,
  },
  (pod, config) => {
    if (pod.kind !== "InferenceService") return [];
    if (isUnknown(pod.metadata.annotations)) return [unverified(`${pod.metadataPath}.annotations`, "the annotations")];
    const metadataAnnotations = asRecord(pod.metadata.annotations);
    const componentAnnotations = asRecord(pod.spec.annotations);
    const injection = [metadataAnnotations[INJECT], asRecord(pod.metadata.labels)[INJECT], componentAnnotations[INJECT]];
    if (injection.some(sidecarOff)) return [];
    const needed = downloads(pod);
    if (needed.length === 0) return [];
    const expected = String(config.istioProxyUid ?? 1337);
    const [path, value] = componentAnnotations[UID_ANNOTATION] !== undefined
      ? [`${pod.specPath}.annotations["${UID_ANNOTATION}"]`, componentAnnotations[UID_ANNOTATION]]
      : [`${pod.metadataPath}.annotations["${UID_ANNOTATION}"]`, metadataAnnotations[UID_ANNOTATION]];
    if (isUnknown(value)) return [unverified(path, "the storage-initializer UID")];
    if (value === expected) return [];
    if (value !== undefined) return [violation(path, `runs the storage-initializer as UID ${JSON.stringify(value)}; only the sidecar's UID ${expected} bypasses the redirect to the sidecar`)];
    const known = needed.filter(({ uri }) => !isUnknown(uri));
    if (known.length === 0) return [unverified(needed[0].path, "the model URI (a PVC or OCI image needs no download)")];
    return [violation(path, `${asString(known[0].uri) ?? "the model"} is downloaded by KServe's storage-initializer, whose traffic Istio CNI redirects to a sidecar that may not run yet; set ${UID_ANNOTATION}: "${expected}" so the download bypasses the sidecar`)];
  },
  { istioProxyUid: { type: "integer", default: 1337, description: "UID of the Istio sidecar (istio-proxy), whose traffic is not redirected." } },
);

/** Controls of the restricted profile that a container's own securityContext decides. */
const CONTAINER_CONTROLS = [
  controls.privileged, controls.capabilities, controls.privilegeEscalation, controls.runAsNonRoot, controls.runAsUser,
  controls.seccomp, controls.seLinux, controls.procMount, controls.hostPorts, controls.hostProbesAndLifecycle,
];

/**
 * KServe merges a ClusterStorageContainer's container into the storage-initializer of every model pod
 * it matches, in every team namespace: it brings no securityContext of its own (its default has none),
 * so under Pod Security restricted the model pod is refused unless the container is restricted on its
 * own. FACT: kserve/kserve pkg/utils/storage.go CreateInitContainerWithConfig (no securityContext) and
 * pkg/webhook/admission/pod/storage_initializer_injector.go (MergeContainerWithPatch with the
 * ClusterStorageContainer), charts/kserve-resources/files/common/storagecontainer.yaml, v0.20.0.
 */
const storageContainerRestricted: ResourceValidationPolicy = {
  name: "kserve-storage-container-require-restricted",
  description: "ClusterStorageContainers must run the storage-initializer under Pod Security restricted by themselves: they join every model pod.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: 'Set spec.container.securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: ["ALL"]}, runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}.',
  validateResource: (args, reportViolation) => {
    if (!isKind(args.type, "serving.kserve.io", "ClusterStorageContainer")) return;
    const props = rawProps(args.props);
    const container = asRecord(props.spec).container;
    if (isUnknown(container) || isUnknown(props.spec)) return reportFindings(reportViolation, [unverified("spec.container", "the storage container")]);
    const record = asRecord(container);
    const pod: PodView = {
      kind: "ClusterStorageContainer", metadata: {}, metadataPath: "metadata", spec: {}, specPath: "spec",
      containers: [{ list: "initContainers", name: asString(record.name) ?? "storage-initializer", path: "spec.container", container: record }],
      unknownPaths: [],
    };
    const findings: Finding[] = CONTAINER_CONTROLS.flatMap((control) => control(pod));
    reportFindings(reportViolation, findings);
  },
};

export const servingPolicies: ResourceValidationPolicy[] = [storageInitializerUid, storageContainerRestricted];
