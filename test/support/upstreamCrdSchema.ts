import { validateCustomResource } from "./crd/validateCustomResource";

/**
 * An object's problems against every CRD under ../shared that serves its apiVersion and kind, as
 * `path: message` lines (structural schema, pruned fields, ObjectMeta and CEL rules; empty when it
 * fits). The CRD conformance suite's validator, for component tests of one object.
 */
export function upstreamCrdProblems(object: unknown): string[] {
  const resource = object as Record<string, unknown>;
  const verdicts = validateCustomResource(resource);
  if (verdicts.length === 0) throw new Error(`no CRD under ../shared serves ${String(resource.apiVersion)} ${String(resource.kind)}`);
  return verdicts.flatMap((verdict) => verdict.problems.map((problem) => `${problem.path}: ${problem.message}`));
}
