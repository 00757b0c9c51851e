/**
 * Evaluates ValidatingAdmissionPolicies the way the API server does, with a standard CEL engine:
 * the policy's resource rules select the request, the binding's namespace selector the namespace,
 * then match conditions, variables (in order, each seeing the earlier ones) and every validation.
 * An expression that errors or yields a non-boolean fails the test: the API server would deny the
 * request with an error (failurePolicy Fail), never what the rule means.
 */
import { celEnv, isCelError, parse, plan } from "@bufbuild/cel";

export interface PolicySpec {
  matchConstraints: { resourceRules: { apiGroups: string[]; apiVersions: string[]; operations: string[]; resources: string[] }[] };
  matchConditions?: { name: string; expression: string }[];
  variables?: { name: string; expression: string }[];
  validations: { expression: string; message: string }[];
}

export interface LabelSelector {
  matchExpressions: { key: string; operator: string; values?: string[] }[];
}

export interface AdmissionRequest {
  group: string;
  resource: string;
  subResource?: string;
  operation: "CREATE" | "UPDATE";
  namespace: string;
  object: Record<string, unknown>;
  oldObject?: Record<string, unknown>;
}

/** JSON as CEL sees a Kubernetes object: objects become maps. */
export const toCel = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(toCel) : value !== null && typeof value === "object" ? new Map(Object.entries(value).map(([key, inner]) => [key, toCel(inner)])) : value;

type Program = ReturnType<typeof plan>;
const programs = new Map<string, Program>();

/** Parsed and planned once per expression: the suites evaluate the same policies on many objects. */
function programOf(expression: string): Program {
  let program = programs.get(expression);
  if (program === undefined) {
    program = plan(celEnv(), parse(expression));
    programs.set(expression, program);
  }
  return program;
}

function evaluate(expression: string, activation: Record<string, unknown>): unknown {
  let result: unknown;
  try {
    result = programOf(expression)(activation as Parameters<Program>[0]);
  } catch (error) {
    throw new Error(`CEL error in ${expression}: ${(error as Error).message}`);
  }
  if (isCelError(result)) throw new Error(`CEL error in ${expression}: ${result.message}`);
  return result;
}

const boolean = (expression: string, activation: Record<string, unknown>): boolean => {
  const result = evaluate(expression, activation);
  if (typeof result !== "boolean") throw new Error(`CEL expression yields ${String(result)}, not a boolean: ${expression}`);
  return result;
};

/** Whether a policy's resource rules select the request (the API group's version is not compared: matchPolicy Equivalent). */
export function selects(spec: PolicySpec, request: AdmissionRequest): boolean {
  const resource = request.subResource ? `${request.resource}/${request.subResource}` : request.resource;
  return spec.matchConstraints.resourceRules.some((rule) =>
    rule.apiGroups.includes(request.group) && rule.resources.includes(resource) && rule.operations.includes(request.operation));
}

/** Whether a label selector of matchExpressions (Exists, NotIn, In) selects a namespace with these labels. */
export function selectsNamespace(selector: LabelSelector, labels: Record<string, string>): boolean {
  return selector.matchExpressions.every(({ key, operator, values = [] }) => {
    if (operator === "Exists") return key in labels;
    if (operator === "In") return key in labels && values.includes(labels[key]);
    if (operator === "NotIn") return !(key in labels) || !values.includes(labels[key]);
    throw new Error(`selector operator ${operator} is not modelled`);
  });
}

export type Verdict = "not matched" | { denied: string[] };

/** The policy's verdict on a request it selects: not matched (a match condition is false), or the messages of the failed validations. */
export function evaluatePolicy(spec: PolicySpec, request: AdmissionRequest): Verdict {
  const base: Record<string, unknown> = {
    object: toCel(request.object),
    oldObject: request.oldObject === undefined ? null : toCel(request.oldObject),
    request: toCel({ operation: request.operation, namespace: request.namespace, subResource: request.subResource ?? "", resource: { group: request.group, resource: request.resource } }),
  };
  if ((spec.matchConditions ?? []).some((condition) => !boolean(condition.expression, base))) return "not matched";
  const variables = new Map<string, unknown>();
  for (const variable of spec.variables ?? []) variables.set(variable.name, evaluate(variable.expression, { ...base, variables }));
  return { denied: spec.validations.filter((validation) => !boolean(validation.expression, { ...base, variables })).map((validation) => validation.message) };
}

export interface InstalledPolicy {
  name: string;
  spec: PolicySpec;
  namespaceSelector: LabelSelector;
}

/** What every installed policy whose rules and binding select the request says about it: the denial messages, by policy. */
export function admissionDenials(policies: InstalledPolicy[], request: AdmissionRequest, namespaceLabels: Record<string, string>): Record<string, string[]> {
  const labels = { "kubernetes.io/metadata.name": request.namespace, ...namespaceLabels };
  const denials: Record<string, string[]> = {};
  for (const policy of policies) {
    if (!selects(policy.spec, request) || !selectsNamespace(policy.namespaceSelector, labels)) continue;
    const verdict = evaluatePolicy(policy.spec, request);
    if (verdict !== "not matched" && verdict.denied.length > 0) denials[policy.name] = verdict.denied;
  }
  return denials;
}
