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

interface NamespaceIndex {
  byName: Map<string, StackResource[]>;
  /** Objects whose namespace is unknown until apply: in a Namespace only through their metadata's dependencies. */
  unnamed: StackResource[];
  order: Map<StackResource, number>;
}

const namespaceIndexes = new WeakMap<StackResource[], NamespaceIndex>();

function namespaceIndex(objects: StackResource[]): NamespaceIndex {
  let index = namespaceIndexes.get(objects);
  if (index === undefined) {
    index = { byName: new Map(), unnamed: [], order: new Map(objects.map((item, position) => [item, position])) };
    for (const item of objects) {
      const name = namespaceName(item);
      if (name === undefined) index.unnamed.push(item);
      else addTo(index.byName, name, item);
    }
    namespaceIndexes.set(objects, index);
  }
  return index;
}

interface NameIndex {
  byName: Map<string, StackResource[]>;
  byUrn: Map<string, StackResource>;
  order: Map<StackResource, number>;
}

const nameIndexes = new WeakMap<StackResource[], NameIndex>();

/**
 * The objects of a kind (see ofKind) named `name` or that `resource`'s input `property` was computed
 * from (see dependsOnThrough), in stack order: looked up, not scanned, so resolving every binding's
 * role does not scan every role once per binding.
 */
export function ofKindNamedOrReferenced(items: StackResource[], group: string, kind: string, name: string | undefined, resource: PolicyResource, property: string): StackResource[] {
  const objects = ofKind(items, group, kind);
  let index = nameIndexes.get(objects);
  if (index === undefined) {
    index = { byName: new Map(), byUrn: new Map(objects.map((item) => [item.resource.urn, item])), order: new Map(objects.map((item, position) => [item, position])) };
    for (const item of objects) {
      const objectNamed = objectName(item);
      if (objectNamed !== undefined) addTo(index.byName, objectNamed, item);
    }
    nameIndexes.set(objects, index);
  }
  const referenced = (resource.propertyDependencies[property] ?? []).map((dependency) => index.byUrn.get(dependency.urn)).filter((item): item is StackResource => item !== undefined);
  const found = new Set([...(name === undefined ? [] : index.byName.get(name) ?? []), ...referenced]);
  return [...found].sort((a, b) => index.order.get(a)! - index.order.get(b)!);
}

/**
 * The objects of a kind (see ofKind) that live in the given Namespace resource (see isInNamespace), in
 * stack order: looked up by namespace name, so checking every team namespace does not scan every object once per team.
 */
export function ofKindInNamespace(items: StackResource[], group: string, kind: string, namespace: StackResource): StackResource[] {
  const objects = ofKind(items, group, kind);
  const wanted = objectName(namespace);
  if (wanted === undefined) return objects.filter((item) => isInNamespace(item, namespace));
  const index = namespaceIndex(objects);
  const found = [...(index.byName.get(wanted) ?? []), ...index.unnamed.filter((item) => isInNamespace(item, namespace))];
  return found.sort((a, b) => index.order.get(a)! - index.order.get(b)!);
}
