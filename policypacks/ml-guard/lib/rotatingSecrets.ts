import { describeSeconds, durationSeconds } from "./durations";
import { isKind } from "./kubernetes";
import { namespaceName, objectName, type StackResource } from "./stack";
import { asArray, asRecord, asString, isUnknown } from "./values";

/** ESO's refreshInterval when an ExternalSecret sets none (1h). */
const DEFAULT_REFRESH_SECONDS = 3600;

/** A Secret an ExternalSecret of the stack keeps rewriting with new values. */
export interface RotatingSecret {
  externalSecret: StackResource;
  /** The Secret's namespace and name; undefined while unknown until apply. */
  namespace?: string;
  name?: string;
  /** Why its value changes, for messages; undefined when whether it does is unknown until apply. */
  rotation?: string;
  /** What is unknown until apply, when `rotation` is. */
  unknown?: string;
}

const generatorsOf = (spec: Record<string, unknown>) =>
  (["data", "dataFrom"] as const).flatMap((list) => asArray(spec[list]).map((entry) => asRecord(asRecord(entry).sourceRef).generatorRef).filter((ref) => ref !== undefined));

/**
 * Why the target Secret of an ExternalSecret changes over time: a generator makes new credentials at
 * every refresh, or the ExternalSecret re-reads its source on a schedule (refreshInterval, 1h unless
 * set; 0, CreatedOnce and OnChange never refresh on a schedule). Undefined when it never changes.
 */
function rotationOf(spec: Record<string, unknown>): Pick<RotatingSecret, "rotation" | "unknown"> | undefined {
  const generators = generatorsOf(spec);
  if (generators.length > 0) {
    const kinds = [...new Set(generators.map((ref) => asString(asRecord(ref).kind) ?? "generator"))];
    return { rotation: `${kinds.join(", ")} makes new credentials at every refresh` };
  }
  if (isUnknown(spec.refreshPolicy)) return { unknown: "the refresh policy" };
  if (spec.refreshPolicy !== undefined && spec.refreshPolicy !== "Periodic") return undefined;
  if (isUnknown(spec.refreshInterval)) return { unknown: "the refresh interval" };
  const seconds = spec.refreshInterval === undefined ? DEFAULT_REFRESH_SECONDS : durationSeconds(spec.refreshInterval);
  if (seconds === 0) return undefined;
  return { rotation: seconds === undefined ? "it refreshes on a schedule" : `it re-reads its source every ${describeSeconds(seconds)}` };
}

/** A namespaced object's namespace (`default` when it names none); undefined while unknown until apply. */
export function namespaceOrDefault(item: StackResource): string | undefined {
  const metadata = item.props.metadata;
  if (isUnknown(metadata) || isUnknown(asRecord(metadata).namespace)) return undefined;
  return namespaceName(item) ?? "default";
}

export function rotatingSecretsOf(items: StackResource[]): RotatingSecret[] {
  return items.filter((item) => isKind(item.resource.type, "external-secrets.io", "ExternalSecret")).flatMap((item) => {
    const spec = asRecord(item.props.spec);
    const rotation = rotationOf(spec);
    if (!rotation) return [];
    // ESO names the Secret after the ExternalSecret unless target.name says otherwise.
    const target = asRecord(spec.target).name;
    const name = target === undefined || target === "" ? objectName(item) : asString(target);
    return [{ externalSecret: item, namespace: namespaceOrDefault(item), name, ...rotation }];
  });
}
