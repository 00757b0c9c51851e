import type { ContainerView, PodView } from "./kubernetes";
import { asArray, asRecord, asString, isUnknown } from "./values";

/**
 * The ways a container reads a Secret that freeze its value at container start: an env var
 * (env[].valueFrom.secretKeyRef), all its keys as env vars (envFrom[].secretRef), or a file mounted
 * with subPath. (A Secret volume mounted without subPath follows updates.)
 */
export interface FrozenSecretReference {
  container: ContainerView;
  /** Field path of the reference in the resource. */
  path: string;
  /** The Secret's name; undefined while unknown until apply. */
  secretName?: string;
  how: "env" | "envFrom" | "subPath";
}

/** Secret names a pod volume projects (a secret volume, or secret sources of a projected volume), by volume name. */
function secretVolumes(pod: PodView): Map<string, unknown[]> {
  return new Map(asArray(pod.spec.volumes).map((volume) => {
    const record = asRecord(volume);
    const names = record.secret !== undefined
      ? [asRecord(record.secret).secretName]
      : asArray(asRecord(record.projected).sources).map((source) => asRecord(source).secret).filter((secret) => secret !== undefined).map((secret) => asRecord(secret).name);
    return [String(record.name), names];
  }));
}

/** A list that is unknown until apply may hold any reference: one with an unknown Secret name stands for it. */
const unknownList = (view: ContainerView, field: "env" | "envFrom" | "volumeMounts", how: FrozenSecretReference["how"]): FrozenSecretReference[] =>
  isUnknown(view.container[field]) ? [{ container: view, path: `${view.path}.${field}`, how }] : [];

export function frozenSecretReferences(pod: PodView): FrozenSecretReference[] {
  const volumes = secretVolumes(pod);
  return pod.containers.flatMap((view) => [
    ...unknownList(view, "env", "env"),
    ...unknownList(view, "envFrom", "envFrom"),
    ...unknownList(view, "volumeMounts", "subPath"),
    ...asArray(view.container.env).flatMap((entry, index) => {
      const valueFrom = asRecord(entry).valueFrom;
      const path = `${view.path}.env[${index}].valueFrom`;
      if (isUnknown(entry) || isUnknown(valueFrom)) return [{ container: view, path, how: "env" as const }];
      const ref = asRecord(valueFrom).secretKeyRef;
      return ref === undefined ? [] : [{ container: view, path: `${path}.secretKeyRef`, secretName: asString(asRecord(ref).name), how: "env" as const }];
    }),
    ...asArray(view.container.envFrom).flatMap((entry, index) => {
      const path = `${view.path}.envFrom[${index}]`;
      if (isUnknown(entry)) return [{ container: view, path, how: "envFrom" as const }];
      const ref = asRecord(entry).secretRef;
      return ref === undefined ? [] : [{ container: view, path: `${path}.secretRef`, secretName: asString(asRecord(ref).name), how: "envFrom" as const }];
    }),
    ...asArray(view.container.volumeMounts).flatMap((mount, index) => {
      const record = asRecord(mount);
      if (!record.subPath && !record.subPathExpr) return [];
      return (volumes.get(String(record.name)) ?? []).map((name) => ({
        container: view, path: `${view.path}.volumeMounts[${index}].${record.subPath ? "subPath" : "subPathExpr"}`, secretName: asString(name), how: "subPath" as const,
      }));
    }),
  ]);
}
