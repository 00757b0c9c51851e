/**
 * Structural-schema semantics of the CRD validator on small schemas, each case one behaviour of the
 * API server (FACTs with sources in test/support/crd/*.ts), plus Kubernetes' CEL URL library on the
 * examples its own documentation gives (staging/src/k8s.io/apiserver/pkg/cel/library/urls.go).
 */
import { compileRule, UnsupportedRuleError } from "../support/crd/celRules";
import { escapeCelField } from "../support/crd/celValues";
import { goRegexp, UnsupportedPatternError } from "../support/crd/goRegexp";
import { SchemaNode } from "../support/crd/structuralSchema";
import { UnsupportedFormatError } from "../support/crd/schemaFormats";

type Json = Record<string, any>;

/** Problems and the stored value for `value` under a schema placed at `spec` of a namespaced kind. */
function apply(spec: Json, value: unknown): { problems: string[]; stored: any } {
  const root = new SchemaNode({ type: "object", properties: { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: { type: "object" }, spec } }, "Test");
  const { problems, stored } = root.validateRoot({ apiVersion: "example.com/v1", kind: "Test", metadata: { name: "t", namespace: "n" }, spec: value }, "Namespaced");
  return { problems: problems.map((problem) => `${problem.path}: ${problem.message}`), stored: stored.spec };
}

const ruled = (schema: Json, ...rules: string[]) => ({ ...schema, "x-kubernetes-validations": rules.map((rule) => ({ rule })) });

describe("structural schema semantics", () => {
  it("int-or-string takes an integer or a string, nothing else", () => {
    const schema = { type: "object", properties: { port: { "x-kubernetes-int-or-string": true, anyOf: [{ type: "integer" }, { type: "string" }] } } };
    expect(apply(schema, { port: 8080 }).problems).toEqual([]);
    expect(apply(schema, { port: "http" }).problems).toEqual([]);
    expect(apply(schema, { port: 1.5 }).problems).toEqual(["spec.port: must be an integer or a string, got number", "spec.port: must match at least one schema in anyOf"]);
    expect(apply(schema, { port: true }).problems[0]).toBe("spec.port: must be an integer or a string, got boolean");
  });

  it("prunes a null in a non-nullable property (then defaults it), keeps it where nullable, refuses it as a list item", () => {
    const schema = { type: "object", properties: { a: { type: "string", default: "x" }, b: { type: "string", nullable: true }, c: { type: "array", items: { type: "string" } } } };
    expect(apply(schema, { a: null, b: null })).toEqual({ problems: [], stored: { a: "x", b: null } });
    expect(apply(schema, { c: ["ok", null] }).problems).toEqual(["spec.c[1]: must not be null"]);
  });

  it("refuses unknown fields unless the node preserves them, and then does not look inside", () => {
    const schema = { type: "object", properties: { known: { type: "object", properties: { a: { type: "string" } } }, open: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { a: { type: "string" } } } } };
    expect(apply(schema, { known: { a: "x", b: 1 } }).problems).toEqual(["spec.known.b: unknown field: the schema does not specify it (pruned by the API server)"]);
    expect(apply(schema, { open: { a: "x", anything: { deep: [1] } } }).problems).toEqual([]);
    expect(apply(schema, { open: { a: 1 } }).problems).toEqual(["spec.open.a: must be of type string, got integer"]);
  });

  it("validates map values against additionalProperties", () => {
    const schema = { type: "object", properties: { labels: { type: "object", additionalProperties: { type: "string", maxLength: 3 } } } };
    expect(apply(schema, { labels: { a: "abc" } }).problems).toEqual([]);
    expect(apply(schema, { labels: { a: "abcd", b: 2 } }).problems).toEqual(['spec.labels["a"]: may not be more than 3 characters', 'spec.labels["b"]: must be of type string, got integer']);
  });

  it("fills defaults recursively and validates the result, then checks required", () => {
    const schema = { type: "object", required: ["mode"], properties: { mode: { type: "string", enum: ["A", "B"] }, nested: { type: "object", default: {}, properties: { n: { type: "integer", default: 3 } } } } };
    expect(apply(schema, { mode: "A" })).toEqual({ problems: [], stored: { mode: "A", nested: { n: 3 } } });
    expect(apply(schema, {}).problems).toEqual(["spec.mode: Required value"]);
  });

  it("checks embedded resources for apiVersion, kind and ObjectMeta", () => {
    const schema = { type: "object", properties: { template: { type: "object", "x-kubernetes-embedded-resource": true, "x-kubernetes-preserve-unknown-fields": true } } };
    expect(apply(schema, { template: { apiVersion: "v1", kind: "Pod", metadata: { labels: { a: "b" } }, spec: {} } }).problems).toEqual([]);
    expect(apply(schema, { template: { metadata: { name: "Bad_Name", extra: 1 } } }).problems).toEqual([
      "spec.template.apiVersion: an embedded resource needs apiVersion and kind",
      "spec.template.kind: an embedded resource needs apiVersion and kind",
      "spec.template.metadata.extra: unknown field: ObjectMeta has no such field (dropped)",
      'spec.template.metadata.name: "Bad_Name" is not a DNS-1123 subdomain',
    ]);
  });

  it("enforces list-type set and map uniqueness, item counts, lengths in characters and numeric bounds", () => {
    const schema = { type: "object", properties: {
      set: { type: "array", "x-kubernetes-list-type": "set", maxItems: 3, items: { type: "string" } },
      map: { type: "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], items: { type: "object", properties: { name: { type: "string" }, v: { type: "integer", minimum: 1, maximum: 5 } } } },
      text: { type: "string", minLength: 2 },
    } };
    expect(apply(schema, { set: ["a", "b"], map: [{ name: "x", v: 1 }, { name: "y", v: 5 }], text: "é!" }).problems).toEqual([]);
    expect(apply(schema, { set: ["a", "a", "b", "c"], map: [{ name: "x", v: 0 }, { name: "x", v: 6 }], text: "é" }).problems).toEqual([
      "spec.set: must have at most 3 items",
      'spec.set[1]: Duplicate value: "a"',
      "spec.map[0].v: must be greater than or equal to 1",
      "spec.map[1].v: must be less than or equal to 5",
      'spec.map[1]: Duplicate value: ["x"]',
      "spec.text: must be at least 2 characters",
    ]);
  });

  it("checks the formats the API server keeps (int32, byte, date-time) and ignores the ones it strips", () => {
    const schema = { type: "object", properties: { n: { type: "integer", format: "int32" }, b: { type: "string", format: "byte" }, t: { type: "string", format: "date-time" }, u: { type: "string", format: "https" } } };
    expect(apply(schema, { n: 2147483647, b: "aGk=", t: "2026-01-02T03:04:05Z", u: "not checked" }).problems).toEqual([]);
    expect(apply(schema, { n: 2147483648, b: "hi!", t: "2026-13-02T03:04:05Z" }).problems).toEqual(["spec.n: does not fit int32", "spec.b: is not a valid byte", "spec.t: is not a valid date-time"]);
    expect(() => new SchemaNode({ type: "string", format: "uuid" }, "x")).toThrow(UnsupportedFormatError);
  });

  it("applies allOf, anyOf, oneOf and not as value validations", () => {
    const schema = { type: "object", properties: { a: { type: "string" }, b: { type: "string" } }, oneOf: [{ required: ["a"] }, { required: ["b"] }], not: { required: ["a", "b"] } };
    expect(apply(schema, { a: "x" }).problems).toEqual([]);
    expect(apply(schema, {}).problems).toEqual(["spec: must match exactly one schema in oneOf"]);
    expect(apply(schema, { a: "x", b: "y" }).problems).toEqual(["spec: must match exactly one schema in oneOf", "spec: must not match the schema in not"]);
  });
});

describe("x-kubernetes-validations", () => {
  it("sees integers as int, objects through escaped property names, maps by key", () => {
    const schema = ruled({ type: "object", properties: { namespace: { type: "string" }, "max-size": { type: "integer" }, tags: { type: "object", additionalProperties: { type: "string" } } } },
      "self.__namespace__ == 'team'", "self.max__dash__size < 10", "self.tags.all(k, k != 'x')");
    expect(apply(schema, { namespace: "team", "max-size": 9, tags: { a: "1" } }).problems).toEqual([]);
    expect(apply(schema, { namespace: "other", "max-size": 10, tags: { x: "1" } }).problems).toEqual([
      "spec: Invalid value: failed rule: self.__namespace__ == 'team'",
      "spec: Invalid value: failed rule: self.max__dash__size < 10",
      "spec: Invalid value: failed rule: self.tags.all(k, k != 'x')",
    ]);
  });

  it("fails an object whose rule cannot be evaluated (no such key), and skips null values", () => {
    const schema = { type: "object", properties: { a: ruled({ type: "object", nullable: true, properties: { b: { type: "string" } } }, "self.b == 'x'") } };
    expect(apply(schema, { a: {} }).problems).toEqual(["spec.a: Invalid value: field not found: b evaluating rule: self.b == 'x'"]);
    expect(apply(schema, { a: null }).problems).toEqual([]);
  });

  it("uses the rule's message and fieldPath", () => {
    const schema = { type: "object", properties: { a: { type: "integer" } }, "x-kubernetes-validations": [{ rule: "self.a > 1", message: "a must exceed 1", fieldPath: ".a" }] };
    expect(apply(schema, { a: 1 }).problems).toEqual(["spec.a: Invalid value: a must exceed 1"]);
  });

  it("sees date-time strings as timestamps and byte strings as bytes", () => {
    const schema = { type: "object", properties: { t: ruled({ type: "string", format: "date-time" }, "self > timestamp('2020-01-01T00:00:00Z')"), b: ruled({ type: "string", format: "byte" }, "size(self) == 2") } };
    expect(apply(schema, { t: "2026-01-01T00:00:00Z", b: "aGk=" }).problems).toEqual([]);
    expect(apply(schema, { t: "2019-01-01T00:00:00Z", b: "aGkh" }).problems).toHaveLength(2);
  });

  it("refuses, when compiled, a rule that calls a function this evaluator does not provide", () => {
    expect(() => compileRule({ rule: "quantity(self).isGreaterThan(quantity('1'))" })).toThrow(new UnsupportedRuleError(`rule "quantity(self).isGreaterThan(quantity('1'))" calls isGreaterThan, quantity, which this evaluator does not provide`));
  });
});

describe("Kubernetes' CEL URL library, on the examples urls.go documents", () => {
  const evaluate = (rule: string) => compileRule({ rule }).failure(null);
  it.each([
    // secretlint-disable-next-line -- the example URL of the Kubernetes CEL url library docs, not a credential
    "url('https://user:pass@example.com:80/path?query=val#fragment').getScheme() == 'https'",
    "url('/absolute-path').getScheme() == ''",
    // secretlint-disable-next-line -- the example URL of the Kubernetes CEL url library docs, not a credential
    "isURL('https://user:pass@example.com:80/path?query=val#fragment')",
    "isURL('/absolute-path')",
    "!isURL('https://a:b:c/')",
    "!isURL('../relative-path')",
    "url('https://example.com:80/').getHost() == 'example.com:80'",
    "url('https://[::1]:80/').getHost() == '[::1]:80'",
    "url('https://[::1]:80/').getHostname() == '::1'",
    "url('https://example.com:80/').getPort() == '80'",
    "url('https://example.com/').getPort() == ''",
    "url('https://example.com/path with spaces/').getEscapedPath() == '/path%20with%20spaces/'",
    "url('https://example.com').getEscapedPath() == ''",
    "url('https://example.com/path?k1=a&k2=b&k2=c').getQuery() == {'k1': ['a'], 'k2': ['b', 'c']}",
    "url('https://example.com/path?key with spaces=value with spaces').getQuery() == {'key with spaces': ['value with spaces']}",
    "url('https://example.com/path?').getQuery() == {}",
  ])("%s", (rule) => {
    expect(evaluate(rule)).toBeUndefined();
  });

  it("fails url() of a string ParseRequestURI refuses", () => {
    expect(evaluate("url('https://a:b:c/').getScheme() == 'https'")).toMatch(/invalid port ":c" after host/);
  });
});

describe("RE2 patterns", () => {
  it("translates a leading (?i) and refuses RE2 syntax JavaScript lacks", () => {
    expect(goRegexp("^(?i)(abort|warn)?$").test("WARN")).toBe(true);
    expect(() => goRegexp("^a\\z")).toThrow(UnsupportedPatternError);
    expect(() => goRegexp("(?P<name>a)")).toThrow(UnsupportedPatternError);
  });

  it("escapes CEL field names as Kubernetes does", () => {
    expect(["namespace", "a__b", "x.y/z-w", "9lives", "ok_1", "a b"].map(escapeCelField)).toEqual(["__namespace__", "a__underscores__b", "x__dot__y__slash__z__dash__w", undefined, "ok_1", undefined]);
  });
});
