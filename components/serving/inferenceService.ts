import type * as pulumi from "@pulumi/pulumi";
import { CONTAINER_SECURITY_CONTEXT, POD_SECURITY_CONTEXT } from "../kubernetes/securityContexts";
import { servingResources, type ServingPodSettings } from "./servingWorkload";

/** Annotation carrying the SHA-256 of the served artifact, checked by ml-guard and auditable in the cluster. */
export const MODEL_SHA256_ANNOTATION = "mlops.io/model-sha256";

/** UID of the Istio sidecar, whose own traffic the sidecar's iptables rules never redirect. */
export const ISTIO_PROXY_UID = 1337;

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
      model: {
        modelFormat: { name: string };
        storageUri: pulumi.Input<string>;
        image: string;
        ports: { containerPort: number; protocol: string }[];
        resources: ReturnType<typeof servingResources>;
        securityContext: typeof CONTAINER_SECURITY_CONTEXT;
      };
    };
  };
}

/** The predictor runs our digest-pinned image under the restricted security context, as the serving account. */
export function inferenceService(settings: ServingPodSettings, modelFormat: string, replicas: number): InferenceServiceObject {
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
        model: {
          modelFormat: { name: modelFormat },
          storageUri: settings.storageUri,
          image: settings.image,
          ports: [{ containerPort: settings.port, protocol: "TCP" }],
          resources: servingResources(settings),
          securityContext: CONTAINER_SECURITY_CONTEXT,
        },
      },
    },
  };
}
