import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { kubernetesTypeToken } from "../../policypacks/ml-guard/lib/kubernetes";
import type { RegisteredResource } from "../plan/runProgram";

/** Input the checker cannot read: a missing path, a file too large, malformed YAML or JSON. */
export class UnreadableInputError extends Error {}

/** Larger files are refused rather than parsed: a manifest set is never this big. */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;
/** Deeper nesting is refused: no Kubernetes object comes near it, and the gRPC encoding would overflow. */
export const MAX_DEPTH = 100;
/** YAML aliases allowed per document; far below what a "billion laughs" document needs. */
const MAX_ALIASES = 100;
const MANIFEST_EXTENSIONS = new Set([".yaml", ".yml", ".json"]);

export interface CheckedResource extends RegisteredResource {
  /** `file` or `file#document`, for people. */
  source: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Whether a parsed document nests deeper than MAX_DEPTH (walked without recursion). */
function tooDeep(root: unknown): boolean {
  const pending: [unknown, number][] = [[root, 0]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!;
    if (depth > MAX_DEPTH) return true;
    if (value !== null && typeof value === "object") for (const inner of Object.values(value)) pending.push([inner, depth + 1]);
  }
  return false;
}

function checkedDepth<T>(value: T, source: string): T {
  if (tooDeep(value)) throw new UnreadableInputError(`${source}: nested deeper than ${MAX_DEPTH} levels, which no manifest is`);
  return value;
}

/** Every manifest file under the given paths (directories are walked, in sorted order). */
export function manifestFiles(paths: string[]): string[] {
  return paths.flatMap((target) => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(target);
    } catch {
      throw new UnreadableInputError(`${target}: no such file or directory`);
    }
    if (!stat.isDirectory()) return [target];
    return fs.readdirSync(target).sort().flatMap((entry) => {
      const full = path.join(target, entry);
      return fs.statSync(full).isDirectory() ? manifestFiles([full]) : MANIFEST_EXTENSIONS.has(path.extname(entry)) ? [full] : [];
    });
  });
}

function readText(file: string): string {
  const size = fs.statSync(file).size;
  if (size > MAX_FILE_BYTES) throw new UnreadableInputError(`${file}: ${(size / 1024 / 1024).toFixed(1)} MiB is larger than the ${MAX_FILE_BYTES / 1024 / 1024} MiB limit for one manifest file`);
  const buffer = fs.readFileSync(file);
  if (buffer.includes(0)) throw new UnreadableInputError(`${file}: binary data, not YAML or JSON`);
  return buffer.toString("utf8");
}

interface RawObject {
  type: string;
  name: string;
  props: Record<string, unknown>;
  source: string;
}

/** A Kubernetes object (apiVersion + kind), or a `List` of them. */
function kubernetesObjects(document: Record<string, unknown>, source: string): RawObject[] {
  if (document.kind === "List" && Array.isArray(document.items)) {
    return document.items.flatMap((item, index) => kubernetesObjects(isRecord(item) ? item : {}, `${source}.items[${index}]`));
  }
  if (typeof document.apiVersion !== "string" || typeof document.kind !== "string") {
    throw new UnreadableInputError(`${source}: not a Kubernetes object (apiVersion and kind are required)`);
  }
  const metadata = isRecord(document.metadata) ? document.metadata : {};
  const name = [metadata.namespace, metadata.name].filter((part) => typeof part === "string").join("/") || source;
  return [{ type: kubernetesTypeToken(document.apiVersion, document.kind), name, props: document, source }];
}

/** A JSON resource list: `[{ "type": "<pulumi type token>", "name": "...", "props": {...} }]`. */
function resourceList(items: unknown[], source: string): RawObject[] {
  return items.map((item, index) => {
    const entry = isRecord(item) ? item : {};
    if (typeof entry.type !== "string" || !isRecord(entry.props)) {
      throw new UnreadableInputError(`${source}[${index}]: expected { "type": "<pulumi type token>", "name": "...", "props": { ... } }`);
    }
    return { type: entry.type, name: typeof entry.name === "string" ? entry.name : `${source}[${index}]`, props: entry.props, source: `${source}[${index}]` };
  });
}

function parseFile(file: string): RawObject[] {
  const text = readText(file);
  if (path.extname(file) === ".json") {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new UnreadableInputError(`${file}: not valid JSON (${(error as Error).message})`);
    }
    checkedDepth(value, file);
    if (Array.isArray(value)) return resourceList(value, file);
    if (isRecord(value)) return kubernetesObjects(value, file);
    throw new UnreadableInputError(`${file}: expected a JSON resource list or a Kubernetes object`);
  }
  let documents: ReturnType<typeof parseAllDocuments>;
  try {
    documents = parseAllDocuments(text);
  } catch (error) {
    throw new UnreadableInputError(`${file}: not valid YAML (${(error as Error).message.split("\n")[0]})`);
  }
  const list = Array.isArray(documents) ? documents : [documents];
  return list.flatMap((document, index) => {
    const source = list.length > 1 ? `${file}#${index + 1}` : file;
    if (document.errors.length > 0) throw new UnreadableInputError(`${source}: not valid YAML (${document.errors[0].message.split("\n")[0]})`);
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (error) {
      // The yaml library refuses alias expansions beyond the limit (billion laughs) and overly deep nesting.
      throw new UnreadableInputError(`${source}: cannot be expanded safely (${(error as Error).message.split("\n")[0]})`);
    }
    if (value === null || value === undefined) return [];
    checkedDepth(value, source);
    if (!isRecord(value)) throw new UnreadableInputError(`${source}: not a Kubernetes object (a ${Array.isArray(value) ? "list" : typeof value} at the top level)`);
    return kubernetesObjects(value, source);
  });
}

/**
 * Reads manifests and resource lists as the resources of one stack, with URNs the pack can report
 * on. Names are made unique so that every object has its own URN.
 */
export function loadInputs(paths: string[], stack: string, project: string): CheckedResource[] {
  const root: CheckedResource = {
    urn: `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`,
    type: "pulumi:pulumi:Stack", name: `${project}-${stack}`, custom: false, dependencies: [], propertyDependencies: {},
    inputs: {}, outputs: {}, source: "(stack)", options: { protect: false, ignoreChanges: [], additionalSecretOutputs: [], aliases: [], customTimeouts: { create: 0, update: 0, delete: 0 } },
  };
  const seen = new Map<string, number>();
  const objects = manifestFiles(paths).flatMap(parseFile).map((object): CheckedResource => {
    const count = (seen.get(`${object.type}::${object.name}`) ?? 0) + 1;
    seen.set(`${object.type}::${object.name}`, count);
    const name = count === 1 ? object.name : `${object.name}#${count}`;
    return { ...root, urn: `urn:pulumi:${stack}::${project}::${object.type}::${name}`, type: object.type, name, custom: true, parent: root.urn, inputs: object.props, outputs: object.props, source: object.source };
  });
  return [root, ...objects];
}
