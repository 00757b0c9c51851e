import type * as k8s from "@pulumi/kubernetes";
import { CONTAINER_SECURITY_CONTEXT } from "../kubernetes/securityContexts";
import { MODEL_DIR, MODEL_SERVER_MOUNT, MODEL_VOLUMES, modelInitContainers, type ModelSource, type ModelVerificationSettings } from "./verification/verifiedModel";

/** What a model server pod needs, whichever runtime serves it. */
export interface ServingPodSettings {
  image: string;
  port: number;
  serviceAccount: string;
  cpu: string;
  memory: string;
  gpu: number;
  /** Where the model is fetched from before it is verified. */
  source: ModelSource;
  verification: ModelVerificationSettings;
  /** SHA-256 of the model's signed manifest (model.sig's DSSE payload). */
  manifestSha256: string;
}

/** Requests equal limits (Guaranteed QoS); a GPU is requested and limited as one. */
export function servingResources(settings: ServingPodSettings): k8s.types.input.core.v1.ResourceRequirements {
  const amounts: Record<string, string> = { cpu: settings.cpu, memory: settings.memory, ...(settings.gpu > 0 ? { "nvidia.com/gpu": String(settings.gpu) } : {}) };
  return { requests: amounts, limits: amounts };
}

/** The verified-model part of a serving pod: fetch and verify init containers, and the volumes they share with the server. */
export function verifiedModelPod(settings: ServingPodSettings): { initContainers: k8s.types.input.core.v1.Container[]; volumes: k8s.types.input.core.v1.Volume[] } {
  return { initContainers: modelInitContainers(settings.source, settings.verification, settings.manifestSha256), volumes: MODEL_VOLUMES };
}

/**
 * The model server container of a Deployment-served model: it loads the verified model from
 * MODEL_DIR (read-only) and is given no storage URI, so it cannot fetch an unverified copy itself.
 */
export function modelServerContainer(settings: ServingPodSettings): k8s.types.input.core.v1.Container {
  return {
    name: "model-server",
    image: settings.image,
    ports: [{ name: "http", containerPort: settings.port, protocol: "TCP" }],
    env: [{ name: "MODEL_DIR", value: MODEL_DIR }],
    resources: servingResources(settings),
    securityContext: CONTAINER_SECURITY_CONTEXT,
    readinessProbe: { httpGet: { path: "/v2/health/ready", port: settings.port } },
    volumeMounts: [MODEL_SERVER_MOUNT, { name: "tmp", mountPath: "/tmp" }],
  };
}
