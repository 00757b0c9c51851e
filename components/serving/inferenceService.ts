import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { CONTAINER_SECURITY_CONTEXT, POD_SECURITY_CONTEXT } from "../kubernetes/securityContexts";
import { servingResources, verifiedModelPod, type ServingPodSettings } from "./servingWorkload";
import { DOWNLOADER_UID, MODEL_SERVER_MOUNT } from "./verification/verifiedModel";

/** Annotation carrying the SHA-256 of the served artifact, checked by ml-guard and auditable in the cluster. */
export const MODEL_SHA256_ANNOTATION = "mlops.io/model-sha256";

/** UID of the Istio sidecar, whose own traffic the sidecar's iptables rules never redirect. */
export const ISTIO_PROXY_UID = DOWNLOADER_UID;

/**
 * KServe annotations of every InferenceService the platform publishes (KServe copies them to the pods).
 * Standard: plain Deployment and Service, no Knative (RawDeployment is its deprecated name, and
 * KServe 0.20 refuses updates that carry it once the status records Standard).
 * storage-initializer-uid: the storage-initializer init container downloads the model, but under
 * Istio CNI its traffic is redirected to a sidecar that may not run yet, and KServe's own detection
 * depends on webhook order and finds no native sidecar. Running as the sidecar's UID, its download
 * bypasses the proxy, straight to the storage endpoint the team NetworkPolicy allows.
 */
export const KSERVE_ANNOTATIONS = {
  "serving.kserve.io/deploymentMode": "Standard",
  "serving.kserve.io/storage-initializer-uid": String(ISTIO_PROXY_UID),
} as const;

/**
 * A KServe InferenceService (serving.kserve.io/v1beta1). KServe publishes no typed model package, so
 * this interface names the fields used, following the CRD.
 */
export interface InferenceServiceObject {
  apiVersion: "serving.kserve.io/v1beta1";
  kind: "InferenceService";
  spec: {
    predictor: {
      minReplicas: number;
      maxReplicas: number;
      serviceAccountName: string;
      automountServiceAccountToken: boolean;
      securityContext: typeof POD_SECURITY_CONTEXT;
      /** Fetch and verify, declared here so KServe injects no storage-initializer of its own (see verification/verifiedModel). */
      initContainers: k8s.types.input.core.v1.Container[];
      volumes: k8s.types.input.core.v1.Volume[];
      model: {
        modelFormat: { name: string };
        /** Set for S3 models only: an oci:// URI would make KServe inject modelcar containers, which Pod Security restricted refuses. */
        storageUri?: pulumi.Input<string>;
        image: string;
        volumeMounts: k8s.types.input.core.v1.VolumeMount[];
        ports: { containerPort: number; protocol: string }[];
        resources: ReturnType<typeof servingResources>;
        securityContext: typeof CONTAINER_SECURITY_CONTEXT;
      };
    };
  };
}

/**
 * The predictor runs our digest-pinned image under the restricted security context, as the serving
 * account, on the model its init containers fetched and verified.
 * FACT (kserve/kserve v0.20.0, pkg/utils/storage.go CreateModelcarContainer and
 * CreateModelcarInitContainer): the modelcar containers KServe injects for oci:// carry no
 * securityContext (at most runAsUser), so Pod Security restricted refuses the pod; an OCI model is
 * therefore copied out of its image by an init container of ours, and KServe is given no storageUri.
 */
export function inferenceService(settings: ServingPodSettings, modelFormat: string, replicas: number): InferenceServiceObject {
  const { initContainers, volumes } = verifiedModelPod(settings);
  return {
    apiVersion: "serving.kserve.io/v1beta1",
    kind: "InferenceService",
    spec: {
      predictor: {
        minReplicas: replicas,
        maxReplicas: replicas,
        serviceAccountName: settings.serviceAccount,
        automountServiceAccountToken: false,
        securityContext: POD_SECURITY_CONTEXT,
        initContainers,
        volumes,
        model: {
          modelFormat: { name: modelFormat },
          ...("s3Uri" in settings.source ? { storageUri: settings.source.s3Uri } : {}),
          image: settings.image,
          volumeMounts: [MODEL_SERVER_MOUNT],
          ports: [{ containerPort: settings.port, protocol: "TCP" }],
          resources: servingResources(settings),
          securityContext: CONTAINER_SECURITY_CONTEXT,
        },
      },
    },
  };
}
