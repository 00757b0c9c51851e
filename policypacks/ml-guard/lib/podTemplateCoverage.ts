import type { Finding } from "./findings";
import { trainJobPatches } from "./crdPodTemplates";
import { isKind, parseKubernetesType, type PodView } from "./kubernetes";
import { asArray, asRecord, isRecord } from "./values";

/**
 * What of a resource's pods ml-guard cannot read, so that nothing passes silently: pod templates in
 * kinds the walker does not know, templates it knows but cannot read as pods, workload API versions
 * the API server no longer serves, and parts that rewrite pods after the rules read them.
 */

/** Workload API versions removed from Kubernetes (deprecation guide: apps/v1beta1-2 and extensions/v1beta1 in 1.16, batch/v1beta1 CronJob in 1.25). */
function removedApiVersion(type: string): string | undefined {
  const parsed = parseKubernetesType(type);
  if (!parsed) return undefined;
  const { group, version, kind } = parsed;
  if (group === "extensions" && ["Deployment", "DaemonSet", "ReplicaSet"].includes(kind)) return `extensions/${version} ${kind} is not served since Kubernetes 1.16; write it as apps/v1`;
  if (group === "apps" && /^v1beta[12]$/.test(version)) return `apps/${version} ${kind} is not served since Kubernetes 1.16; write it as apps/v1`;
  if (group === "batch" && kind === "CronJob" && /^v(1beta1|2alpha1)$/.test(version)) return `batch/${version} CronJob is not served since Kubernetes 1.25; write it as batch/v1`;
  return undefined;
}

const MAX_DEPTH = 12;

/** Paths of objects that look like a pod spec (a list of containers): where an unknown kind keeps its pods. */
function podSpecLikePaths(value: unknown, path: string, depth = 0): string[] {
  if (depth > MAX_DEPTH) return [];
  if (Array.isArray(value)) return value.flatMap((item, index) => podSpecLikePaths(item, `${path}[${index}]`, depth + 1));
  if (!isRecord(value)) return [];
  if (asArray(value.containers).some(isRecord)) return [path];
  return Object.entries(value).flatMap(([key, child]) => podSpecLikePaths(child, `${path}.${key}`, depth + 1));
}

const COVERAGE_MESSAGE = "so no pod rule (Pod Security, images, ServiceAccount, secrets...) checked the pods it creates";

/** Findings for a resource the walker returned `pods` for. */
export function coverageFindings(type: string, props: Record<string, unknown>, pods: PodView[]): Finding[] {
  const parsed = parseKubernetesType(type);
  if (!parsed) return [];
  const removed = removedApiVersion(type);
  const findings: Finding[] = removed ? [{ path: "apiVersion", message: `${removed}: the API server refuses it` }] : [];
  if (pods.length === 0 && !isKind(type, "trainer.kubeflow.org", "TrainJob")) {
    const where = [...podSpecLikePaths(props.spec, "spec"), ...podSpecLikePaths(props.template, "template")];
    const apiVersion = `${parsed.group === "" ? "" : `${parsed.group}/`}${parsed.version}`;
    findings.push(...where.map((path) => ({ path, message: `${parsed.kind} (${apiVersion}) carries containers here in a pod template ml-guard cannot place, ${COVERAGE_MESSAGE}; use a workload kind ml-guard reads, or have its walker taught this kind` })));
  }
  findings.push(...pods.flatMap((pod) => (pod.malformedParts ?? []).map(({ path, problem }) => ({ path, message: `${problem}: the pod template is malformed, ${COVERAGE_MESSAGE}` }))));
  // Advisory: these are supported features, not mistakes; the finding makes the gap visible without blocking them.
  const unchecked = [...pods.flatMap((pod) => pod.uncheckedParts ?? []), ...(isKind(type, "trainer.kubeflow.org", "TrainJob") ? trainJobPatches(asRecord(props.spec)) : [])];
  const seen = new Set<string>();
  findings.push(...unchecked.filter(({ path }) => !seen.has(path) && seen.add(path)).map(({ path, problem }) => ({ path, message: `${problem}; review it by hand`, unverified: true })));
  return findings;
}
