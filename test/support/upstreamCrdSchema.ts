import Ajv, { type ValidateFunction } from "ajv";
import { parseAllDocuments } from "yaml";
import { readSharedText } from "./upstream";

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
}

interface CrdDocument {
  kind?: string;
  spec?: { names?: { kind?: string }; versions?: { name: string; schema?: { openAPIV3Schema?: Schema } }[] };
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const compiled = new Map<string, { schema: Schema; validate: ValidateFunction }>();

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Fields the API server would drop. FACT: apiextensions-apiserver removes every object field not
 * specified in the structural schema (root metadata excepted), unless x-kubernetes-preserve-unknown-fields
 * keeps a subtree: k8s.io/apiextensions-apiserver pkg/apiserver/schema/pruning/algorithm.go,
 * PruneWithOptions (v0.33.4); KEP-2332. A pruned field is a setting that silently does nothing.
 */
function prunedFields(schema: Schema | undefined, value: unknown, path: string): string[] {
  if (!schema || schema["x-kubernetes-preserve-unknown-fields"]) return [];
  if (Array.isArray(value)) return value.flatMap((item, index) => prunedFields(schema.items, item, `${path}/${index}`));
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    if (path === "" && ["apiVersion", "kind", "metadata"].includes(key)) return [];
    const declared = schema.properties?.[key];
    if (declared) return prunedFields(declared, child, `${path}/${key}`);
    if (isObject(schema.additionalProperties)) return prunedFields(schema.additionalProperties, child, `${path}/${key}`);
    return schema.additionalProperties === true ? [] : [`${path}/${key} is not in the schema (the API server would drop it)`];
  });
}

/**
 * The structural schema (openAPIV3Schema) of one kind and version of a CRD under ../shared/upstream,
 * as a validator returning the problems of an object: schema errors and fields the API server would
 * prune (empty when it fits). CEL rules (x-kubernetes-validations) are not evaluated here.
 */
export function upstreamCrdValidator(file: string, kind: string, version: string): (object: unknown) => string[] {
  const key = `${file}#${kind}/${version}`;
  let entry = compiled.get(key);
  if (!entry) {
    const crd = parseAllDocuments(readSharedText(file))
      .map((document) => document.toJS() as CrdDocument | null)
      .find((document) => document?.kind === "CustomResourceDefinition" && document.spec?.names?.kind === kind);
    const schema = crd?.spec?.versions?.find((candidate) => candidate.name === version)?.schema?.openAPIV3Schema;
    if (!schema) throw new Error(`${file} has no ${kind} ${version} schema`);
    entry = { schema, validate: ajv.compile(schema) };
    compiled.set(key, entry);
  }
  const { schema, validate } = entry;
  return (object) => [
    ...(validate(object) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message ?? ""}`)),
    ...prunedFields(schema, object, ""),
  ];
}
