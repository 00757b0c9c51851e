/**
 * Validates Kubernetes objects against the published OpenAPI schemas shipped by kubernetes-models
 * (and @kubernetes-models/* for CRDs), looking the model up from apiVersion and kind.
 */
interface Model {
  validate(): void;
}
type ModelClass = new (data: object) => Model;

function modelModule(apiVersion: string): string {
  return `kubernetes-models/${apiVersion}`;
}

export function validateKubernetesObject(object: { apiVersion: string; kind: string }): void {
  const exports = require(modelModule(object.apiVersion)) as Record<string, ModelClass>;
  const ModelOfKind = exports[object.kind];
  if (!ModelOfKind) throw new Error(`no published schema for ${object.apiVersion} ${object.kind}`);
  new ModelOfKind(object).validate();
}
