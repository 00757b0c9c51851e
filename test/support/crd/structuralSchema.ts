import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { CelInput } from "@bufbuild/cel";
import { compileRule, UnsupportedRuleError, type CompiledRule, type RuleSpec } from "./celRules";
import { escapeCelField } from "./celValues";
import { goRegexp } from "./goRegexp";
import { objectMetaProblems } from "./objectMeta";
import type { Problem } from "./problems";
import { formatCheck, type FormatCheck } from "./schemaFormats";

/**
 * A CRD version's openAPIV3Schema compiled once into a validator that applies it the way the API
 * server does on create: prune, default, validate, then evaluate the CEL rules.
 *
 * FACT (apiextensions-apiserver, kubernetes/kubernetes staging/src/k8s.io/apiextensions-apiserver):
 * - fields the schema does not specify are pruned unless the node has
 *   x-kubernetes-preserve-unknown-fields (pkg/apiserver/schema/pruning/algorithm.go); a request with
 *   fieldValidation=Strict (kubectl's default) is refused for them. A pruned field never takes
 *   effect, so this suite refuses it.
 * - a null in a non-nullable property is pruned before defaulting; `default`s fill missing properties,
 *   recursively (pkg/apiserver/schema/defaulting/algorithm.go, docs "Defaulting and Nullable").
 * - x-kubernetes-int-or-string accepts an integer or a string; x-kubernetes-embedded-resource objects
 *   carry apiVersion, kind and ObjectMeta; allOf/anyOf/oneOf/not hold value validations only
 *   (pkg/apiserver/schema/validation.go, structural schema rules).
 * - x-kubernetes-list-type set needs unique items, map unique x-kubernetes-list-map-keys
 *   (pkg/apiserver/schema/listtype/validation.go).
 * - CEL rules run on non-null values at their node, and on allOf branches, not under anyOf/oneOf/not;
 *   in CEL an object exposes its declared properties (escaped), the resource root and embedded
 *   resources expose apiVersion, kind and metadata.name/generateName only, integers are int,
 *   numbers double, date-time strings timestamps and byte strings bytes
 *   (pkg/apiserver/schema/cel/validation.go; staging/src/k8s.io/apiserver/pkg/cel/common/values.go 7eb7c8b4).
 * - string lengths count characters (runes), as go-openapi does.
 */
type Raw = Record<string, unknown>;
const isRecord = (value: unknown): value is Raw => typeof value === "object" && value !== null && !Array.isArray(value);

/** A transition rule the API server runs only on update: listed, never silently dropped. */
export interface SkippedRule {
  path: string;
  rule: string;
}

interface Context {
  problems: Problem[];
  skipped: SkippedRule[];
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && deepEqual(a[key], b[key]));
  }
  return false;
}

const typeOf = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "array" : typeof value === "number" ? (Number.isInteger(value) ? "integer" : "number") : typeof value === "object" ? "object" : typeof value;

function typeMatches(type: string, value: unknown): boolean {
  const actual = typeOf(value);
  return actual === type || (type === "number" && actual === "integer");
}

export class SchemaNode {
  readonly type?: string;
  readonly nullable: boolean;
  readonly intOrString: boolean;
  readonly preserveUnknown: boolean;
  readonly embedded: boolean;
  readonly properties = new Map<string, SchemaNode>();
  readonly additional?: SchemaNode;
  readonly items?: SchemaNode;
  readonly defaultValue: unknown;
  private readonly required: string[];
  private readonly enumValues?: unknown[];
  private readonly pattern?: RegExp;
  private readonly format?: FormatCheck;
  private readonly allOf: SchemaNode[];
  private readonly anyOf: SchemaNode[];
  private readonly oneOf: SchemaNode[];
  private readonly not?: SchemaNode;
  private readonly rules: CompiledRule[];

  constructor(private readonly raw: Raw, readonly where: string, valueOnly = false) {
    this.type = raw.type as string | undefined;
    this.nullable = raw.nullable === true;
    this.intOrString = raw["x-kubernetes-int-or-string"] === true;
    this.preserveUnknown = raw["x-kubernetes-preserve-unknown-fields"] === true;
    this.embedded = raw["x-kubernetes-embedded-resource"] === true;
    this.defaultValue = raw.default;
    this.required = (raw.required as string[] | undefined) ?? [];
    this.enumValues = raw.enum as unknown[] | undefined;
    this.pattern = typeof raw.pattern === "string" ? goRegexp(raw.pattern) : undefined;
    this.format = formatCheck(this.intOrString ? undefined : this.type, raw.format as string | undefined);
    for (const [name, inner] of Object.entries((raw.properties as Record<string, Raw> | undefined) ?? {})) this.properties.set(name, new SchemaNode(inner, `${where}.${name}`, valueOnly));
    if (isRecord(raw.additionalProperties)) this.additional = new SchemaNode(raw.additionalProperties, `${where}{}`, valueOnly);
    if (isRecord(raw.items)) this.items = new SchemaNode(raw.items, `${where}[]`, valueOnly);
    const junctor = (key: string) => ((raw[key] as Raw[] | undefined) ?? []).map((inner, index) => new SchemaNode(inner, `${where}/${key}[${index}]`, true));
    this.allOf = junctor("allOf");
    this.anyOf = junctor("anyOf");
    this.oneOf = junctor("oneOf");
    this.not = isRecord(raw.not) ? new SchemaNode(raw.not, `${where}/not`, true) : undefined;
    const specs = [raw, ...((raw.allOf as Raw[] | undefined) ?? [])].flatMap((part) => (part["x-kubernetes-validations"] as RuleSpec[] | undefined) ?? []);
    this.rules = valueOnly ? [] : specs.map((spec) => {
      const compiled = compileRule(spec);
      if (compiled.usesOldSelf && spec.optionalOldSelf) throw new UnsupportedRuleError(`${where}: transition rule ${JSON.stringify(spec.rule)} with optionalOldSelf is not modelled`);
      return compiled;
    });
  }

  /** Every CEL rule of this node and below (for reporting what the suite evaluates). */
  allRules(): { where: string; rule: CompiledRule }[] {
    const children = [...this.properties.values(), this.additional, this.items].filter((node): node is SchemaNode => node !== undefined);
    return [...this.rules.map((rule) => ({ where: this.where, rule })), ...children.flatMap((child) => child.allRules())];
  }

  /**
   * Prunes, defaults and validates `value` at `path`; returns the value the API server would store.
   * `structural` is false inside allOf/anyOf/oneOf/not, where only value validations apply.
   */
  apply(value: unknown, path: string, context: Context, structural = true): unknown {
    if (value === null) {
      if (!this.nullable) context.problems.push({ path, message: "must not be null" });
      return value;
    }
    if (this.intOrString) {
      if (!(typeOf(value) === "integer" || typeof value === "string")) context.problems.push({ path, message: `must be an integer or a string, got ${typeOf(value)}` });
    } else if (this.type !== undefined && !typeMatches(this.type, value)) {
      context.problems.push({ path, message: `must be of type ${this.type}, got ${typeOf(value)}` });
      return value;
    }
    let result = value;
    if (isRecord(value) && (this.type === "object" || (this.type === undefined && !this.intOrString))) result = this.applyObject(value, path, context, structural);
    if (Array.isArray(value)) result = this.applyArray(value, path, context, structural);
    this.checkScalar(result, path, context);
    this.checkJunctors(result, path, context);
    if (structural) this.evaluateRules(result, path, context);
    return result;
  }

  private applyObject(value: Raw, path: string, context: Context, structural: boolean): Raw {
    const result: Raw = {};
    for (const [key, inner] of Object.entries(value)) {
      const property = this.properties.get(key);
      const childPath = `${path}.${key}`;
      if (this.embedded && structural && (key === "apiVersion" || key === "kind" || key === "metadata")) {
        result[key] = inner;
      } else if (property) {
        if (inner === null && !property.nullable && structural) continue;
        result[key] = property.apply(inner, childPath, context, structural);
      } else if (this.additional) {
        result[key] = this.additional.apply(inner, `${path}[${JSON.stringify(key)}]`, context, structural);
      } else if (this.preserveUnknown || !structural) {
        result[key] = inner;
      } else {
        context.problems.push({ path: childPath, message: "unknown field: the schema does not specify it (pruned by the API server)" });
      }
    }
    if (structural) {
      for (const [key, property] of this.properties) {
        if (!(key in result) && property.defaultValue !== undefined) result[key] = property.apply(structuredClone(property.defaultValue), `${path}.${key}`, context);
      }
    }
    if (this.embedded && structural) {
      for (const key of ["apiVersion", "kind"]) if (typeof result[key] !== "string" || result[key] === "") context.problems.push({ path: `${path}.${key}`, message: "an embedded resource needs apiVersion and kind" });
      context.problems.push(...objectMetaProblems(result.metadata, `${path}.metadata`, "embedded"));
    }
    for (const key of this.required) if (!(key in result)) context.problems.push({ path: `${path}.${key}`, message: "Required value" });
    const count = Object.keys(result).length;
    if (typeof this.raw.minProperties === "number" && count < this.raw.minProperties) context.problems.push({ path, message: `must have at least ${this.raw.minProperties} properties` });
    if (typeof this.raw.maxProperties === "number" && count > this.raw.maxProperties) context.problems.push({ path, message: `must have at most ${this.raw.maxProperties} properties` });
    return result;
  }

  private applyArray(value: unknown[], path: string, context: Context, structural: boolean): unknown[] {
    const result = this.items ? value.map((item, index) => this.items!.apply(item, `${path}[${index}]`, context, structural)) : value;
    if (typeof this.raw.minItems === "number" && result.length < this.raw.minItems) context.problems.push({ path, message: `must have at least ${this.raw.minItems} items` });
    if (typeof this.raw.maxItems === "number" && result.length > this.raw.maxItems) context.problems.push({ path, message: `must have at most ${this.raw.maxItems} items` });
    const listType = this.raw["x-kubernetes-list-type"];
    const keysOf = (item: unknown): unknown =>
      listType === "map" ? ((this.raw["x-kubernetes-list-map-keys"] as string[] | undefined) ?? []).map((key) => (isRecord(item) ? item[key] : undefined)) : item;
    if (listType === "set" || listType === "map" || this.raw.uniqueItems === true) {
      result.forEach((item, index) => {
        if (result.slice(0, index).some((earlier) => deepEqual(keysOf(earlier), keysOf(item)))) context.problems.push({ path: `${path}[${index}]`, message: `Duplicate value: ${JSON.stringify(keysOf(item))}` });
      });
    }
    return result;
  }

  private checkScalar(value: unknown, path: string, context: Context): void {
    const raw = this.raw;
    if (this.enumValues && !this.enumValues.some((allowed) => deepEqual(allowed, value))) {
      context.problems.push({ path, message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${this.enumValues.map((allowed) => JSON.stringify(allowed)).join(", ")}` });
    }
    if (typeof value === "string") {
      const length = [...value].length;
      if (typeof raw.minLength === "number" && length < raw.minLength) context.problems.push({ path, message: `must be at least ${raw.minLength} characters` });
      if (typeof raw.maxLength === "number" && length > raw.maxLength) context.problems.push({ path, message: `may not be more than ${raw.maxLength} characters` });
      if (this.pattern && !this.pattern.test(value)) context.problems.push({ path, message: `${JSON.stringify(value)} does not match ${JSON.stringify(raw.pattern)}` });
    }
    if (typeof value === "number") {
      if (typeof raw.minimum === "number" && (raw.exclusiveMinimum === true ? value <= raw.minimum : value < raw.minimum)) context.problems.push({ path, message: `must be greater than ${raw.exclusiveMinimum === true ? "" : "or equal to "}${raw.minimum}` });
      if (typeof raw.maximum === "number" && (raw.exclusiveMaximum === true ? value >= raw.maximum : value > raw.maximum)) context.problems.push({ path, message: `must be less than ${raw.exclusiveMaximum === true ? "" : "or equal to "}${raw.maximum}` });
      if (typeof raw.multipleOf === "number" && !Number.isInteger(value / raw.multipleOf)) context.problems.push({ path, message: `must be a multiple of ${raw.multipleOf}` });
    }
    const formatProblem = this.format?.(value);
    if (formatProblem) context.problems.push({ path, message: formatProblem });
  }

  private passes(node: SchemaNode, value: unknown, path: string, context: Context): boolean {
    const inner: Context = { problems: [], skipped: context.skipped };
    node.apply(value, path, inner, false);
    return inner.problems.length === 0;
  }

  private checkJunctors(value: unknown, path: string, context: Context): void {
    for (const node of this.allOf) node.apply(value, path, context, false);
    if (this.anyOf.length > 0 && !this.anyOf.some((node) => this.passes(node, value, path, context))) context.problems.push({ path, message: "must match at least one schema in anyOf" });
    if (this.oneOf.length > 0 && this.oneOf.filter((node) => this.passes(node, value, path, context)).length !== 1) context.problems.push({ path, message: "must match exactly one schema in oneOf" });
    if (this.not && this.passes(this.not, value, path, context)) context.problems.push({ path, message: "must not match the schema in not" });
  }

  private evaluateRules(value: unknown, path: string, context: Context): void {
    if (this.rules.length === 0 || value === null) return;
    const self = this.celValue(value, false);
    for (const rule of this.rules) {
      if (rule.usesOldSelf) {
        context.skipped.push({ path, rule: rule.spec.rule });
        continue;
      }
      const failure = rule.failure(self);
      if (failure) context.problems.push({ path: rule.spec.fieldPath ? `${path}${rule.spec.fieldPath}` : path, message: `Invalid value: ${failure}` });
    }
  }

  /** The value as CEL sees it at this node (values.go UnstructuredToVal). */
  celValue(value: unknown, resourceRoot: boolean): CelInput {
    if (value === null || value === undefined) return null;
    if (this.intOrString) return typeof value === "number" ? BigInt(value) : (value as string);
    if (isRecord(value)) {
      if (this.properties.size > 0 || this.embedded || resourceRoot) {
        const entries: [string, CelInput][] = [];
        for (const [key, inner] of Object.entries(value)) {
          const property = this.properties.get(key);
          const name = escapeCelField(key);
          if (property && name !== undefined) entries.push([name, property.celValue(inner, property.embedded)]);
        }
        if (this.embedded || resourceRoot) {
          const metadata = isRecord(value.metadata) ? value.metadata : {};
          entries.push(...(["apiVersion", "kind"] as const).filter((key) => typeof value[key] === "string").map((key): [string, CelInput] => [key, value[key] as string]));
          entries.push(["metadata", new Map(["name", "generateName"].filter((key) => typeof metadata[key] === "string").map((key) => [key, metadata[key] as string]))]);
        }
        return new Map(entries);
      }
      if (this.additional) return new Map(Object.entries(value).map(([key, inner]) => [key, this.additional!.celValue(inner, this.additional!.embedded)]));
      return new Map();
    }
    if (Array.isArray(value)) return this.items ? value.map((item) => this.items!.celValue(item, this.items!.embedded)) : [];
    if (typeof value === "string" && this.type === "string") {
      const format = typeof this.raw.format === "string" ? this.raw.format.replace(/-/g, "") : "";
      if (format === "datetime" || format === "date") return timestampFromDate(new Date(value));
      if (format === "byte") return new Uint8Array(Buffer.from(value, "base64"));
    }
    if (typeof value === "number" && this.type === "integer") return BigInt(value);
    return value as CelInput;
  }

  /** Validates a whole custom resource at this (root) node: what the API server would report. */
  validateRoot(object: Raw, scope: "Namespaced" | "Cluster"): { problems: Problem[]; skipped: SkippedRule[]; stored: Raw } {
    const context: Context = { problems: objectMetaProblems(object.metadata, "metadata", scope), skipped: [] };
    const { apiVersion, kind, metadata, ...rest } = object;
    const body = this.applyBody(rest, context);
    const stored = { apiVersion, kind, metadata, ...body };
    this.checkJunctors(stored, "", context);
    if (this.rules.length > 0) {
      const self = this.celValue(stored, true);
      for (const rule of this.rules) {
        if (rule.usesOldSelf) context.skipped.push({ path: "", rule: rule.spec.rule });
        else {
          const failure = rule.failure(self);
          if (failure) context.problems.push({ path: rule.spec.fieldPath ?? "", message: `Invalid value: ${failure}` });
        }
      }
    }
    return { ...context, stored };
  }

  /** The root's own fields (spec, status...) through its properties, with the root's rules left to validateRoot. */
  private applyBody(body: Raw, context: Context): Raw {
    const result: Raw = {};
    for (const [key, inner] of Object.entries(body)) {
      const property = this.properties.get(key);
      if (property) {
        if (inner === null && !property.nullable) continue;
        result[key] = property.apply(inner, key, context);
      } else if (this.preserveUnknown) {
        result[key] = inner;
      } else {
        context.problems.push({ path: key, message: "unknown field: the schema does not specify it (pruned by the API server)" });
      }
    }
    for (const [key, property] of this.properties) {
      if (["apiVersion", "kind", "metadata"].includes(key)) continue;
      if (!(key in result) && property.defaultValue !== undefined) result[key] = property.apply(structuredClone(property.defaultValue), key, context);
    }
    for (const key of this.required) if (!(key in result) && !["apiVersion", "kind", "metadata"].includes(key)) context.problems.push({ path: key, message: "Required value" });
    return result;
  }
}
