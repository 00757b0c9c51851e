import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../support/planCli";

/**
 * Input types of Terraform-bridged resources (aws, vault), read from the installed SDKs' .d.ts
 * files: the SDKs are generated from each provider's schema, so a property typed boolean or number
 * there is a TF bool or number attribute, and `string | inputs.x.PolicyDocument` is a JSON document.
 * Versions: @pulumi/aws 7.48.0, @pulumi/vault 7.8.0 (package.json).
 */
export type InputType =
  | { kind: "boolean" | "number" | "string" | "jsonDocument" | "map" | "other" }
  | { kind: "array"; items: InputType }
  | { kind: "object"; properties: () => Map<string, InputType> };

const SDK_DIRS: Record<string, string> = { aws: "node_modules/@pulumi/aws", vault: "node_modules/@pulumi/vault" };
const fileCache = new Map<string, string[]>();

function lines(file: string): string[] {
  let cached = fileCache.get(file);
  if (!cached) fileCache.set(file, (cached = fs.readFileSync(file, "utf8").split("\n")));
  return cached;
}

/** Property name -> type text of the interface starting at `start` (props indented one level deeper). */
function interfaceProperties(source: string[], start: number): Map<string, string> {
  const indent = /^\s*/.exec(source[start])![0];
  const properties = new Map<string, string>();
  for (let i = start + 1; i < source.length && source[i] !== `${indent}}`; i++) {
    const match = /^\s+(\w+)\??: (.+);$/.exec(source[i]);
    if (match && !source[i].trim().startsWith("*") && /^\s*/.exec(source[i])![0].length === indent.length + 4) properties.set(match[1], match[2]);
  }
  return properties;
}

function parseType(text: string, sdk: string): InputType {
  let type = text.trim();
  for (;;) {
    const unwrapped = /^pulumi\.Input<(.*)>$/.exec(type)?.[1] ?? type;
    const cleaned = unwrapped.replace(/\s*\|\s*undefined$/, "").trim();
    if (cleaned === type) break;
    type = cleaned;
  }
  if (type.endsWith("[]")) return { kind: "array", items: parseType(type.slice(0, -2), sdk) };
  if (/^string \| inputs\.\w+\.PolicyDocument$/.test(type)) return { kind: "jsonDocument" };
  if (type === "boolean" || type === "number" || type === "string") return { kind: type };
  if (type.startsWith("{") && type.includes("[key: string]")) return { kind: "map" };
  const nested = /^inputs\.(\w+)\.(\w+)$/.exec(type);
  if (nested) return { kind: "object", properties: () => nestedInput(sdk, nested[1], nested[2]) };
  return { kind: "other" };
}

function nestedInput(sdk: string, namespace: string, name: string): Map<string, InputType> {
  const source = lines(path.join(REPO_ROOT, SDK_DIRS[sdk], "types/input.d.ts"));
  const namespaceStart = source.indexOf(`export declare namespace ${namespace} {`);
  const start = source.indexOf(`    interface ${name} {`, namespaceStart);
  if (namespaceStart < 0 || start < 0) throw new Error(`@pulumi/${sdk} declares no input type ${namespace}.${name}`);
  return new Map([...interfaceProperties(source, start)].map(([key, text]) => [key, parseType(text, sdk)]));
}

/** `aws:s3/bucketPolicy:BucketPolicy` -> the .d.ts file and class name of the resource. */
function resourceFile(typeToken: string): { sdk: string; file: string; className: string } | undefined {
  const match = /^(aws|vault):([\w-]+)\/(\w+):(\w+)$/.exec(typeToken);
  if (!match) return undefined;
  const [, sdk, module, file, className] = match;
  return { sdk, file: path.join(REPO_ROOT, SDK_DIRS[sdk], module === "index" ? "" : module, `${file}.d.ts`), className };
}

const argsCache = new Map<string, Map<string, InputType> | undefined>();

/** The input properties of a bridged resource type, or undefined for other providers. */
export function resourceInputs(typeToken: string): Map<string, InputType> | undefined {
  if (argsCache.has(typeToken)) return argsCache.get(typeToken);
  const located = resourceFile(typeToken);
  let result: Map<string, InputType> | undefined;
  if (located && fs.existsSync(located.file)) {
    const source = lines(located.file);
    const start = source.indexOf(`export interface ${located.className}Args {`);
    if (start >= 0) result = new Map([...interfaceProperties(source, start)].map(([key, text]) => [key, parseType(text, located.sdk)]));
  }
  argsCache.set(typeToken, result);
  return result;
}

/** Whether the resource class has a `tagsAll` output (the tags the provider merges with its default tags). */
export function hasTagsAll(typeToken: string): boolean {
  const located = resourceFile(typeToken);
  return located !== undefined && fs.existsSync(located.file) && lines(located.file).some((line) => line.trim().startsWith("readonly tagsAll: pulumi.Output<"));
}
