import { celEnv, celFunc, celMethod, CelScalar, isCelError, listType, mapType, parse, plan, type CelInput, type CelMap } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import { goRegexp } from "./goRegexp";
import { escapedPath, parseRequestUri, parseUrl, queryValues, splitHostPort, type GoUrl } from "./goUrl";

/**
 * x-kubernetes-validations rules, evaluated with @bufbuild/cel plus the Kubernetes libraries the
 * rules under ../shared call.
 *
 * FACT: CRD rules are compiled in Kubernetes' base CEL environment: cel-go's standard library, the
 * strings extension (version 2), and Kubernetes' URLs, Regex, Lists, Quantity, IP, CIDR, Format and
 * Semver libraries, with `self` (and `oldSelf` for transition rules) bound to the value at the rule's
 * schema node. kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/cel/environment/base.go (002315b9).
 * Of the Kubernetes libraries, the rules under ../shared only call the URLs library (url, isURL,
 * getScheme); it is implemented here. A rule that calls any other function not provided here is
 * refused when compiled (UnsupportedRuleError names it): no rule is skipped silently.
 * FACT: a rule passes only when it evaluates to true; false fails with the rule's message (or
 * "failed rule: <rule>"), and an evaluation error (e.g. "no such key") fails the object too.
 * Transition rules (they read oldSelf) are evaluated only on update unless optionalOldSelf is set.
 * staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/validation.go (00c30b35).
 * Not modelled: the CEL cost budget (a rule that exceeds it is refused by the API server).
 */
export interface RuleSpec {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

export class UnsupportedRuleError extends Error {}

const URL_TYPE = mapType(CelScalar.STRING, CelScalar.STRING);
const URL_MARKER = "__kubernetes.urls__";
const URL_FIELDS = ["scheme", "opaque", "host", "path", "rawQuery"] as const;

/** A URL value: a string map holding url.Parse's components, marked so no other map passes for one. */
function urlValue(text: string): CelMap {
  parseRequestUri(text);
  const url = parseUrl(text);
  return new Map<string, string>([[URL_MARKER, "true"], ...URL_FIELDS.map((field): [string, string] => [field, url[field]])]) as unknown as CelMap;
}

function urlOf(value: CelMap): GoUrl {
  if (value.get(URL_MARKER) !== "true") throw new Error("no such overload: not a URL");
  return Object.fromEntries(URL_FIELDS.map((field) => [field, value.get(field) as string])) as unknown as GoUrl;
}

const isUrl = (text: string) => {
  try {
    parseRequestUri(text);
    return true;
  } catch {
    return false;
  }
};

/** Kubernetes' URLs library (staging/src/k8s.io/apiserver/pkg/cel/library/urls.go). */
const KUBERNETES_URLS = [
  celFunc("url", [CelScalar.STRING], URL_TYPE, urlValue),
  celFunc("isURL", [CelScalar.STRING], CelScalar.BOOL, isUrl),
  celMethod("getScheme", URL_TYPE, [], CelScalar.STRING, function () { return urlOf(this).scheme; }),
  celMethod("getHost", URL_TYPE, [], CelScalar.STRING, function () { return urlOf(this).host; }),
  celMethod("getHostname", URL_TYPE, [], CelScalar.STRING, function () { return splitHostPort(urlOf(this).host).hostname; }),
  celMethod("getPort", URL_TYPE, [], CelScalar.STRING, function () { return splitHostPort(urlOf(this).host).port; }),
  celMethod("getEscapedPath", URL_TYPE, [], CelScalar.STRING, function () { return escapedPath(urlOf(this)); }),
  celMethod("getQuery", URL_TYPE, [], mapType(CelScalar.STRING, listType(CelScalar.STRING)), function () { return new Map([...queryValues(urlOf(this))]); }),
];

const ENV = celEnv({
  variables: { self: CelScalar.DYN, oldSelf: CelScalar.DYN },
  funcs: [...strings, ...KUBERNETES_URLS],
  re2: { compile: (pattern: string) => goRegexp(pattern) },
});

/** Operators the planner implements itself (not looked up as functions). */
const LANGUAGE_OPERATORS = new Set(["_&&_", "_||_", "_?_:_", "_[_]", "@not_strictly_false", "_[?_]", "_?._"]);
const PROVIDED = new Set([...LANGUAGE_OPERATORS, ...[...ENV.funcs].map((func) => func.name)]);

interface ExprNode {
  exprKind: { case: string | undefined; value?: unknown };
}

/** Function names and identifiers an expression uses. */
function walk(node: ExprNode | undefined, functions: Set<string>, identifiers: Set<string>): void {
  if (!node) return;
  const { case: kind, value } = node.exprKind;
  const record = value as Record<string, unknown>;
  if (kind === "callExpr") {
    functions.add(record.function as string);
    walk(record.target as ExprNode | undefined, functions, identifiers);
    (record.args as ExprNode[]).forEach((arg) => walk(arg, functions, identifiers));
  } else if (kind === "identExpr") {
    identifiers.add(record.name as string);
  } else if (kind === "selectExpr") {
    walk(record.operand as ExprNode, functions, identifiers);
  } else if (kind === "listExpr") {
    (record.elements as ExprNode[]).forEach((element) => walk(element, functions, identifiers));
  } else if (kind === "structExpr") {
    (record.entries as { mapKey?: ExprNode; value?: ExprNode }[]).forEach((entry) => { walk(entry.mapKey, functions, identifiers); walk(entry.value, functions, identifiers); });
  } else if (kind === "comprehensionExpr") {
    for (const part of ["iterRange", "accuInit", "loopCondition", "loopStep", "result"]) walk(record[part] as ExprNode, functions, identifiers);
  }
}

type Program = (bindings: Record<string, CelInput>) => unknown;

function compileExpression(source: string, what: string): { program: Program; identifiers: Set<string> } {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source);
  } catch (error) {
    throw new UnsupportedRuleError(`${what} ${JSON.stringify(source)} does not parse: ${(error as Error).message}`);
  }
  const functions = new Set<string>();
  const identifiers = new Set<string>();
  walk(parsed.expr, functions, identifiers);
  const missing = [...functions].filter((name) => !PROVIDED.has(name));
  if (missing.length > 0) throw new UnsupportedRuleError(`${what} ${JSON.stringify(source)} calls ${missing.join(", ")}, which this evaluator does not provide`);
  return { program: plan(ENV, parsed) as unknown as Program, identifiers };
}

export interface CompiledRule {
  spec: RuleSpec;
  /** A transition rule: it reads oldSelf, so on create it is not evaluated (unless optionalOldSelf). */
  usesOldSelf: boolean;
  /** Why the value fails the rule, or undefined when it passes. */
  failure(self: CelInput): string | undefined;
}

const ruleText = (spec: RuleSpec) => (spec.message ? spec.message.trim() : spec.rule.trim());

export function compileRule(spec: RuleSpec): CompiledRule {
  const { program, identifiers } = compileExpression(spec.rule, "rule");
  const message = spec.messageExpression ? compileExpression(spec.messageExpression, "messageExpression").program : undefined;
  const usesOldSelf = identifiers.has("oldSelf");
  return {
    spec,
    usesOldSelf,
    failure(self) {
      const result = program({ self, oldSelf: null });
      if (result === true) return undefined;
      if (isCelError(result)) return `${result.message} evaluating rule: ${ruleText(spec)}`;
      const detail = message?.({ self });
      if (typeof detail === "string" && detail.trim() !== "") return detail.trim();
      return spec.message ? spec.message.trim() : `failed rule: ${ruleText(spec)}`;
    },
  };
}
