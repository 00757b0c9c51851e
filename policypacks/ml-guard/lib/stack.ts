import type { PolicyResource } from "@pulumi/policy";
import { isKind } from "./kubernetes";
import { asRecord, asString, rawProps } from "./values";

/** A stack resource with its raw properties (unknowns as sentinels), for stack-level rules. */
export interface StackResource {
  resource: PolicyResource;
  props: Record<string, unknown>;
}

export const withRawProps = (resources: PolicyResource[]): StackResource[] =>
  resources.map((resource) => ({ resource, props: rawProps(resource.props) }));

/**
 * The items a predicate selects, filtered once per stack (each rule's `items` array) however many
 * subjects look them up: a rule that checks each role against the stack's policies would otherwise
 * scan the whole stack once per role, which grows with the square of the teams.
 */
export function selection(predicate: (item: StackResource) => boolean): (items: StackResource[]) => StackResource[] {
  const selected = new WeakMap<StackResource[], StackResource[]>();
  return (items) => {
    let found = selected.get(items);
    if (found === undefined) {
      found = items.filter(predicate);
      selected.set(items, found);
    }
    return found;
  };
}

/** The items of one of the given Pulumi types, in stack order. */
export const ofTypes = (...types: string[]) => selection((item) => types.includes(item.resource.type));

/** Whether `resource`'s input `property` was computed from `target`'s outputs (e.g. a bucket id). */
export function dependsOnThrough(resource: PolicyResource, property: string, target: PolicyResource): boolean {
  return (resource.propertyDependencies[property] ?? []).some((dependency) => dependency.urn === target.urn);
}

/** The namespace name of a namespaced Kubernetes object, when known. */
export const namespaceName = (item: StackResource) => asString(asRecord(item.props.metadata).namespace);
/** The name of a Kubernetes object, when known. */
export const objectName = (item: StackResource) => asString(asRecord(item.props.metadata).name);

/**
 * Whether a namespaced object lives in the given Namespace resource: by name when both are known, or
 * (first preview, names still unknown) because its metadata was computed from that Namespace.
 */
export function isInNamespace(item: StackResource, namespace: StackResource): boolean {
  const wanted = objectName(namespace);
  const actual = namespaceName(item);
  if (wanted !== undefined && actual !== undefined) return wanted === actual;
  return dependsOnThrough(item.resource, "metadata", namespace.resource);
}

const kindSelections = new Map<string, (items: StackResource[]) => StackResource[]>();

/** The Kubernetes objects of one API group and kind, in stack order; filtered once per stack (see selection). Callers must not modify the list. */
export function ofKind(items: StackResource[], group: string, kind: string): StackResource[] {
  const key = `${group}/${kind}`;
  let select = kindSelections.get(key);
  if (select === undefined) {
    select = selection((item) => isKind(item.resource.type, group, kind));
    kindSelections.set(key, select);
  }
  return select(items);
}
