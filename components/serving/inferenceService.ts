import type * as pulumi from "@pulumi/pulumi";
import { CONTAINER_SECURITY_CONTEXT, POD_SECURITY_CONTEXT } from "../kubernetes/securityContexts";
import { servingResources, type ServingPodSettings } from "./servingWorkload";

/** Annotation carrying the SHA-256 of the served artifact, checked by ml-guard and auditable in the cluster. */
export const MODEL_SHA256_ANNOTATION = "mlops.io/model-sha256";

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
