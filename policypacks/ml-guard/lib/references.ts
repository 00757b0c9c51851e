import { dependsOnThrough, type StackResource } from "./stack";
import { asString } from "./values";

/**
 * Whether `child`'s `property` (a role name, a policy ARN, a mount path) names `target`: by value when
 * both are known (`targetValues` are the target's names for it, e.g. its name and id), or, while they
 * are still unknown (first preview), because the property was computed from the target's outputs.
 */
export function refersTo(child: StackResource, property: string, value: unknown, target: StackResource, targetValues: unknown[]): boolean {
  const wanted = asString(value);
  const known = targetValues.map(asString).filter((name): name is string => name !== undefined);
  if (wanted !== undefined && known.length > 0) return known.includes(wanted);
  return dependsOnThrough(child.resource, property, target.resource);
}
