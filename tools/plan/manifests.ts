import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { toDisplayValue } from "./propertyValues";
import type { RegisteredResource } from "./runProgram";

/** Kubernetes objects are registered as `kubernetes:<group>/<version>:<Kind>`; Helm releases and providers are not objects. */
export function isKubernetesObject(resource: RegisteredResource): boolean {
  return resource.custom && resource.type.startsWith("kubernetes:") && resource.inputs.kind !== undefined;
}

/**
 * Writes every Kubernetes object as YAML, one multi-document file per namespace (the Namespace object
 * first) and `cluster.yaml` for cluster-scoped objects. Secret values are redacted. Returns the files written.
 */
export function writeManifests(resources: RegisteredResource[], outDir: string): string[] {
  const byFile = new Map<string, unknown[]>();
  for (const resource of resources.filter(isKubernetesObject)) {
    const object = toDisplayValue(resource.inputs) as { kind: string; metadata?: { name?: string; namespace?: string } };
    const file = object.kind === "Namespace" ? object.metadata?.name : object.metadata?.namespace;
    const key = file ?? "cluster";
    byFile.set(key, [...(byFile.get(key) ?? []), object]);
  }
  fs.mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const [file, objects] of [...byFile.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const target = path.join(outDir, `${file}.yaml`);
    fs.writeFileSync(target, objects.map((object) => stringify(object, { lineWidth: 0 })).join("---\n"));
    written.push(target);
  }
  return written;
}
