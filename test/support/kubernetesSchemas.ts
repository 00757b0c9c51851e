/**
 * Validates Kubernetes objects against the published OpenAPI schemas shipped by kubernetes-models
 * (and @kubernetes-models/* for CRDs), looking the model up from apiVersion and kind.
 */
interface Model {
  validate(): void;
}
type ModelClass = new (data: object) => Model;

/** Packages holding the published CRD schemas, by API group suffix. */
const CRD_PACKAGES: [string, string][] = [
  ["external-secrets.io", "@kubernetes-models/external-secrets"],
  ["istio.io", "@kubernetes-models/istio"],
  ["monitoring.coreos.com", "@kubernetes-models/prometheus-operator"],
];

function modelModule(apiVersion: string): string {
  const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
  const crdPackage = CRD_PACKAGES.find(([suffix]) => group === suffix || group.endsWith(`.${suffix}`))?.[1];
  return `${crdPackage ?? "kubernetes-models"}/${apiVersion}`;
}

export function validateKubernetesObject(object: { apiVersion: string; kind: string }): void {
  const exports = require(modelModule(object.apiVersion)) as Record<string, ModelClass>;
  const ModelOfKind = exports[object.kind];
  if (!ModelOfKind) throw new Error(`no published schema for ${object.apiVersion} ${object.kind}`);
  new ModelOfKind(object).validate();
}
