import type { ContainerList, ContainerView, PodView } from "./kubernetes";
import { asArray, asRecord, asString, isRecord, isUnknown } from "./values";

/** Building the pod views of a resource: what the rules see of one pod template, with its paths. */

export const CONTAINER_LISTS: ContainerList[] = ["containers", "initContainers", "ephemeralContainers"];

export function containerView(list: ContainerList, container: unknown, path: string, fallbackName: string): ContainerView {
  return { list, name: asString(asRecord(container).name) ?? fallbackName, path, container: asRecord(container) };
}

function containersOf(spec: Record<string, unknown>, specPath: string, extra: ContainerView[] = []): ContainerView[] {
  const views = CONTAINER_LISTS.flatMap((list) =>
    asArray(spec[list]).map((container, index) => containerView(list, container, `${specPath}.${list}[${index}]`, `#${index}`)),
  );
  return [...views, ...extra];
}

/** The structural parts of a template that, when unknown, hide what the rules look at. */
function unknownPathsOf(metadata: unknown, metadataPath: string, spec: unknown, specPath: string, containers: ContainerView[]): string[] {
  const record = asRecord(spec);
  const candidates: [string, unknown][] = [
    [metadataPath, metadata],
    [specPath, spec],
    [`${specPath}.securityContext`, record.securityContext],
    [`${specPath}.volumes`, record.volumes],
    ...CONTAINER_LISTS.map((list): [string, unknown] => [`${specPath}.${list}`, record[list]]),
    ...CONTAINER_LISTS.flatMap((list) => asArray(record[list]).map((container, index): [string, unknown] => [`${specPath}.${list}[${index}]`, container])),
    ...containers.map((view): [string, unknown] => [`${view.path}.securityContext`, view.container.securityContext]),
  ];
  return candidates.filter(([, value]) => isUnknown(value)).map(([path]) => path);
}

/** "a list", "an object", "a string"...: how a problem names the type found. */
const typeOf = (value: unknown) => (Array.isArray(value) ? "a list" : typeof value === "object" ? "an object" : `a ${typeof value}`);

/**
 * What makes a known template unreadable as a pod: a spec or container list of the wrong type, a
 * container that is not an object. `needsContainers`: the kind's pod spec must list its containers.
 */
function malformedPartsOf(spec: unknown, specPath: string, needsContainers: boolean): { path: string; problem: string }[] {
  if (isUnknown(spec)) return [];
  if (!isRecord(spec)) return [{ path: specPath, problem: spec === undefined || spec === null ? "the pod spec is missing" : `the pod spec is ${typeOf(spec)}, not an object` }];
  const problems = CONTAINER_LISTS.flatMap((list) => {
    const value = spec[list];
    if (value === undefined || value === null || isUnknown(value)) return [];
    if (!Array.isArray(value)) return [{ path: `${specPath}.${list}`, problem: `${list} is ${typeOf(value)}, not a list of containers` }];
    return value.flatMap((container, index) =>
      isUnknown(container) || isRecord(container) ? [] : [{ path: `${specPath}.${list}[${index}]`, problem: `this entry of ${list} is ${JSON.stringify(container)}, not a container` }]);
  });
  const containers = spec.containers;
  if (needsContainers && !isUnknown(containers) && (containers === undefined || containers === null || (Array.isArray(containers) && containers.length === 0))) {
    problems.push({ path: `${specPath}.containers`, problem: "the pod spec lists no containers" });
  }
  return problems;
}

export interface PodViewInput {
  kind: string;
  metadata: unknown;
  metadataPath: string;
  spec: unknown;
  specPath: string;
  namespace?: string;
  workloadMetadata?: Record<string, unknown>;
  /** Containers that sit outside the spec's lists (a KServe model spec, an Argo template's container). */
  extra?: ContainerView[];
  /** Whether the spec must list containers itself (false when `extra` holds them or the kind may leave them to another object). */
  needsContainers?: boolean;
}

export function podView(input: PodViewInput): PodView {
  const podSpec = asRecord(input.spec);
  const containers = containersOf(podSpec, input.specPath, input.extra);
  return {
    kind: input.kind,
    metadata: asRecord(input.metadata),
    metadataPath: input.metadataPath,
    spec: podSpec,
    specPath: input.specPath,
    containers,
    namespace: input.namespace,
    workloadMetadata: input.workloadMetadata,
    unknownPaths: unknownPathsOf(input.metadata, input.metadataPath, input.spec, input.specPath, containers),
    malformedParts: malformedPartsOf(input.spec, input.specPath, input.needsContainers ?? true),
  };
}

/** A PodTemplateSpec (`{metadata, spec}`) at `path`. */
export function templateView(kind: string, template: unknown, path: string, namespace?: string, workloadMetadata?: Record<string, unknown>): PodView {
  const record = asRecord(template);
  if (!isUnknown(template) && !isRecord(template)) {
    const view = podView({ kind, metadata: undefined, metadataPath: `${path}.metadata`, spec: {}, specPath: `${path}.spec`, namespace, workloadMetadata, needsContainers: false });
    const problem = template === undefined || template === null ? "the pod template is missing" : `the pod template is ${typeOf(template)}, not an object`;
    return { ...view, malformedParts: [{ path, problem }] };
  }
  const view = podView({ kind, metadata: record.metadata, metadataPath: `${path}.metadata`, spec: record.spec, specPath: `${path}.spec`, namespace, workloadMetadata });
  return isUnknown(template) ? { ...view, unknownPaths: [path, ...view.unknownPaths], malformedParts: [] } : view;
}
