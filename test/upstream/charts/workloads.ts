import { podTemplatesOf } from "../../../policypacks/ml-guard/lib/kubernetes";
import { RESTRICTED_CONTROLS } from "../../../policypacks/ml-guard/lib/podSecurity";
import { isMap, type Values } from "./values";

/** A pod-starting object a chart renders, as far as the facts read from its templates go. */
export interface Workload {
  /** `<chart> <version>`, for messages. */
  chart: string;
  /** The object as the chart renders it from the given values (apiVersion, kind, metadata, spec). */
  object: { apiVersion: string; kind: "Deployment" | "DaemonSet" | "Job"; metadata: { name: string; namespace: string }; spec: Values };
  /** Most pods of this workload running at once (replicas plus rolling-update surge); DaemonSets: one per node. */
  peakPods: number;
  /** Set for a Helm hook: the pod runs while the release is deleted, not beside the other workloads. */
  hook?: string;
}

/**
 * Peak pods of a Deployment. FACT (Kubernetes apps/v1 DeploymentSpec, kubernetes.io/docs/concepts/
 * workloads/controllers/deployment/#max-surge): the default strategy is RollingUpdate with maxSurge
 * 25%; a percentage surge is rounded up. Recreate never runs old and new pods together.
 */
export function deploymentPeakPods(replicas: number, strategy: Values): number {
  if (strategy.type === "Recreate") return replicas;
  const surge = (isMap(strategy.rollingUpdate) ? strategy.rollingUpdate.maxSurge : undefined) ?? "25%";
  return replicas + (typeof surge === "string" && surge.endsWith("%") ? Math.ceil((replicas * Number(surge.slice(0, -1))) / 100) : Number(surge));
}

/** The pod template of a workload (a Job's or a Deployment's). */
export const podTemplate = (workload: Workload): { metadata?: Values; spec: Values } => workload.object.spec.template as { spec: Values };

/** Findings of ml-guard's own Pod Security controls (restricted profile) on the workload's pod template. */
export function restrictedViolations(workload: Workload): string[] {
  const { apiVersion, kind } = workload.object;
  const type = `kubernetes:${apiVersion}:${kind}`;
  return podTemplatesOf(type, workload.object as unknown as Record<string, unknown>).flatMap((pod) =>
    Object.entries(RESTRICTED_CONTROLS).flatMap(([control, check]) =>
      check(pod).filter((finding) => !finding.unverified).map((finding) => `${control}: ${finding.path}: ${finding.message}`)));
}

export const describeWorkload = (workload: Workload): string =>
  `${workload.chart} ${workload.object.kind} ${workload.object.metadata.namespace}/${workload.object.metadata.name}${workload.hook ? ` (${workload.hook} hook)` : ""}`;
