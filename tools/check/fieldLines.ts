import * as fs from "node:fs";
import * as path from "node:path";
import { isMap, isSeq, LineCounter, parseAllDocuments, type Node } from "yaml";
import type { SourceLocation } from "../analyzer/sarif";

/** `file`, `file#2` (second YAML document), `file.items[0]` (a List's item), `file[3]` (a JSON list entry). */
const SOURCE = /^(.*?\.(?:ya?ml|json))(?:#(\d+))?((?:\.items\[\d+\]|\[\d+\])*)$/;
/** The field path our rules put first on a finding's line: `spec.containers[0].image: ...`. */
const FIELD_PATH = /^([A-Za-z_$][\w$-]*(?:\.[\w$-]+|\[\d+\])*): /m;

const segments = (fieldPath: string): (string | number)[] =>
  [...fieldPath.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((part) => (part[2] !== undefined ? Number(part[2]) : part[1]));

/** The deepest node on the path that exists: a rule may name a field that is absent (e.g. a missing limit). */
function deepest(root: Node | null, route: (string | number)[]): Node | null {
  let node = root;
  for (const key of route) {
    const next = isMap(node) ? node.get(key, true) : isSeq(node) && typeof key === "number" ? node.get(key, true) : undefined;
    if (!next || typeof next !== "object") break;
    node = next;
  }
  return node;
}

/** Finds the file and line of a finding's offending field in the YAML (or JSON) it came from. */
export function locateField(source: string, message: string): SourceLocation {
  const parts = SOURCE.exec(source);
  if (!parts) return { uri: source };
  const [, file, documentNumber, within] = parts;
  const uri = path.relative(process.cwd(), file).split(path.sep).join("/");
  try {
    const lines = new LineCounter();
    const documents = parseAllDocuments(fs.readFileSync(file, "utf8"), { lineCounter: lines });
    const document = Array.isArray(documents) ? documents[documentNumber ? Number(documentNumber) - 1 : 0] : undefined;
    // JSON resource lists keep the object under props; Kubernetes objects are the document itself.
    const prefix = segments(within).concat(file.endsWith(".json") && within ? ["props"] : []);
    const field = FIELD_PATH.exec(message.split("\n").slice(1).join("\n"));
    const node = deepest(document?.contents ?? null, [...prefix, ...(field ? segments(field[1]) : [])]);
    return node?.range ? { uri, startLine: lines.linePos(node.range[0]).line } : { uri };
  } catch {
    return { uri }; // the file was readable moments ago; a location without a line is still a location
  }
}
