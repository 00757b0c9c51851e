import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { CONTAINER_SECURITY_CONTEXT } from "../kubernetes/securityContexts";

/** What a model server pod needs, whichever runtime serves it. */
export interface ServingPodSettings {
  image: string;
  port: number;
  serviceAccount: string;
  cpu: string;
  memory: string;
  gpu: number;
  storageUri: pulumi.Input<string>;
}

/** Requests equal limits (Guaranteed QoS); a GPU is requested and limited as one. */
export function servingResources(settings: ServingPodSettings): k8s.types.input.core.v1.ResourceRequirements {
  const amounts: Record<string, string> = { cpu: settings.cpu, memory: settings.memory, ...(settings.gpu > 0 ? { "nvidia.com/gpu": String(settings.gpu) } : {}) };
  return { requests: amounts, limits: amounts };
}

/** The model server container of a Deployment-served model: it downloads the artifact itself from STORAGE_URI. */
export function modelServerContainer(settings: ServingPodSettings): k8s.types.input.core.v1.Container {
  return {
    name: "model-server",
    image: settings.image,
    ports: [{ name: "http", containerPort: settings.port, protocol: "TCP" }],
    env: [{ name: "STORAGE_URI", value: settings.storageUri }, { name: "MODEL_DIR", value: "/mnt/models" }],
    resources: servingResources(settings),
    securityContext: CONTAINER_SECURITY_CONTEXT,
    readinessProbe: { httpGet: { path: "/v2/health/ready", port: settings.port } },
    volumeMounts: [{ name: "models", mountPath: "/mnt/models" }, { name: "tmp", mountPath: "/tmp" }],
  };
}
