import { crdsFor, type CrdVersion } from "./crdCatalog";
import type { Problem } from "./problems";
import type { SkippedRule } from "./structuralSchema";

export interface CrdVerdict {
  crd: CrdVersion;
  problems: Problem[];
  /** Transition rules: the API server runs them only on update. */
  skipped: SkippedRule[];
}

/**
 * Validates a custom resource against every CRD under ../shared that serves its apiVersion and kind
 * (the Sigstore CRD comes twice: the release's and the chart's). Empty when ../shared has none.
 *
 * FACT: with the status subresource enabled, the main resource endpoint ignores `status` on create.
 * kubernetes/kubernetes staging/src/k8s.io/apiextensions-apiserver/pkg/registry/customresource/strategy.go
 * (PrepareForCreate resets status).
 */
export function validateCustomResource(object: Record<string, unknown>): CrdVerdict[] {
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== "string" || typeof kind !== "string") return [];
  return crdsFor(apiVersion, kind).map((crd) => {
    const { problems, skipped } = crd.schema().validateRoot(object, crd.scope);
    if (crd.statusSubresource && object.status !== undefined) problems.push({ path: "status", message: "set on create, but the status subresource makes the API server discard it" });
    return { crd, problems, skipped };
  });
}
