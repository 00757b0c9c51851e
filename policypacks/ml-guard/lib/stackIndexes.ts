import type { PolicyResource } from "@pulumi/policy";
import { isInNamespace, namespaceName, objectName, ofKind, type StackResource } from "./stack";

/*
 * Lookups a stack rule makes once per subject (each team namespace, binding or ExternalSecret), built
 * once per stack: scanning the stack once per subject grows with the square of the teams.
 */

/** Appends to a group, making it when it is the first item. */
function addTo(groups: Map<string, StackResource[]>, key: string, item: StackResource): void {
  const group = groups.get(key);
  if (group === undefined) groups.set(key, [item]);
  else group.push(item);
}

/**
 * A selection's items grouped by a key (items without one are left out), once per stack; each group
 * in stack order. For lookups every subject makes by name, which would otherwise scan the selection.
 */
export function groupedBy(select: (items: StackResource[]) => StackResource[], keyOf: (item: StackResource) => string | undefined): (items: StackResource[]) => Map<string, StackResource[]> {
  const grouped = new WeakMap<StackResource[], Map<string, StackResource[]>>();
  return (items) => {
    let groups = grouped.get(items);
    if (groups === undefined) {
      groups = new Map();
      for (const item of select(items)) {
        const key = keyOf(item);
        if (key !== undefined) addTo(groups, key, item);
      }
      grouped.set(items, groups);
    }
    return groups;
  };
}

/** One kind's objects (an ofKind list) indexed once, for the lookups below. */
interface KindIndex {
  order: Map<StackResource, number>;
  byNamespace: Map<string, StackResource[]>;
  /** Objects whose namespace is unknown until apply: in a Namespace only through their metadata's dependencies. */
  withoutNamespace: StackResource[];
  byName: Map<string, StackResource[]>;
  byUrn: Map<string, StackResource>;
}

const kindIndexes = new WeakMap<StackResource[], KindIndex>();

function indexOf(objects: StackResource[]): KindIndex {
  let index = kindIndexes.get(objects);
  if (index === undefined) {
    index = { order: new Map(), byNamespace: new Map(), withoutNamespace: [], byName: new Map(), byUrn: new Map() };
    for (const [position, item] of objects.entries()) {
      index.order.set(item, position);
      index.byUrn.set(item.resource.urn, item);
      const namespace = namespaceName(item);
      if (namespace === undefined) index.withoutNamespace.push(item);
      else addTo(index.byNamespace, namespace, item);
      const name = objectName(item);
      if (name !== undefined) addTo(index.byName, name, item);
    }
    kindIndexes.set(objects, index);
  }
  return index;
}

const inStackOrder = (index: KindIndex, found: Iterable<StackResource>) => [...found].sort((a, b) => index.order.get(a)! - index.order.get(b)!);

/**
 * The objects of a kind (see ofKind) named `name` or that `resource`'s input `property` was computed
 * from (see dependsOnThrough), in stack order: looked up, not scanned, so resolving every binding's
 * role does not scan every role once per binding.
 */
export function ofKindNamedOrReferenced(items: StackResource[], group: string, kind: string, name: string | undefined, resource: PolicyResource, property: string): StackResource[] {
  const index = indexOf(ofKind(items, group, kind));
  const referenced = (resource.propertyDependencies[property] ?? []).map((dependency) => index.byUrn.get(dependency.urn)).filter((item): item is StackResource => item !== undefined);
  return inStackOrder(index, new Set([...(name === undefined ? [] : index.byName.get(name) ?? []), ...referenced]));
}

/**
 * The objects of a kind (see ofKind) that live in the given Namespace resource (see isInNamespace), in
 * stack order: looked up by namespace name, so checking every team namespace does not scan every object once per team.
 */
export function ofKindInNamespace(items: StackResource[], group: string, kind: string, namespace: StackResource): StackResource[] {
  const objects = ofKind(items, group, kind);
  const wanted = objectName(namespace);
  if (wanted === undefined) return objects.filter((item) => isInNamespace(item, namespace));
  const index = indexOf(objects);
  return inStackOrder(index, [...(index.byNamespace.get(wanted) ?? []), ...index.withoutNamespace.filter((item) => isInNamespace(item, namespace))]);
}
