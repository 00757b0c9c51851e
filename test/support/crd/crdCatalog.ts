import { parseAllDocuments } from "yaml";
import { readSharedText } from "../upstream";
import { SchemaNode } from "./structuralSchema";

/**
 * The CRDs under ../shared/upstream the program's custom resources are held to (versions and
 * provenance in each folder's PROVENANCE.txt; README.md there lists them).
 */
export const CRD_SOURCES = [
  { family: "KServe", release: "KServe v0.20.0", file: "upstream/kserve/config_crd_full_serving.kserve.io_inferenceservices.yaml" },
  { family: "Kubeflow training-operator", release: "training-operator v1.9.0", file: "upstream/training-operator/manifests_base_crds_kubeflow.org_pytorchjobs.yaml" },
  { family: "Sigstore policy-controller", release: "policy-controller v0.13.1", file: "upstream/policy-controller/config_300-clusterimagepolicy.yaml" },
  { family: "Sigstore policy-controller chart", release: "policy-controller chart 0.10.5", file: "upstream/policy-controller-chart/charts_policy-controller_templates_crds_clusterimagepolicy.yaml" },
  { family: "External Secrets", release: "external-secrets chart 2.9.0", file: "upstream/external-secrets/config_crds_bases_external-secrets.io_externalsecrets.yaml" },
  { family: "External Secrets", release: "external-secrets chart 2.9.0", file: "upstream/external-secrets/config_crds_bases_external-secrets.io_secretstores.yaml" },
  { family: "External Secrets", release: "external-secrets chart 2.9.0", file: "upstream/external-secrets/config_crds_bases_generators.external-secrets.io_vaultdynamicsecrets.yaml" },
  { family: "Istio", release: "Istio 1.30.0", file: "upstream/istio/manifests_charts_base_files_crd-all.gen.yaml" },
  { family: "Prometheus Operator", release: "prometheus-operator v0.93.0", file: "upstream/prometheus-operator/example_prometheus-operator-crd-full_monitoring.coreos.com_prometheusrules.yaml" },
] as const;

export const CRD_FILES = CRD_SOURCES.map((source) => source.file);

export interface CrdVersion {
  family: string;
  release: string;
  file: string;
  group: string;
  kind: string;
  version: string;
  scope: "Namespaced" | "Cluster";
  statusSubresource: boolean;
  /** The version's openAPIV3Schema as published. */
  openApiSchema: Record<string, unknown>;
  /** The compiled openAPIV3Schema (compiled on first use, once). */
  schema(): SchemaNode;
}

interface CrdDocument {
  kind?: string;
  spec: {
    group: string;
    scope: "Namespaced" | "Cluster";
    names: { kind: string };
    versions: { name: string; served: boolean; schema: { openAPIV3Schema: Record<string, unknown> }; subresources?: { status?: unknown } }[];
  };
}

/**
 * Helm renders templates before the CRD reaches the API server; the only expression in the chart's
 * CRD is the conversion webhook's namespace (outside the schema), so any value parses the same schema.
 */
const renderHelmExpressions = (text: string) => text.replace(/\{\{[^}]*\}\}/g, "release-namespace");

function load(): CrdVersion[] {
  return CRD_SOURCES.flatMap((source) =>
    parseAllDocuments(renderHelmExpressions(readSharedText(source.file)))
      .map((document) => document.toJS() as CrdDocument)
      .filter((crd) => crd?.kind === "CustomResourceDefinition")
      .flatMap((crd) => crd.spec.versions.filter((version) => version.served).map((version): CrdVersion => {
        let compiled: SchemaNode | undefined;
        const where = `${crd.spec.names.kind}.${crd.spec.group}/${version.name}`;
        return {
          family: source.family, release: source.release, file: source.file,
          group: crd.spec.group, kind: crd.spec.names.kind, version: version.name, scope: crd.spec.scope,
          statusSubresource: version.subresources?.status !== undefined,
          openApiSchema: version.schema.openAPIV3Schema,
          schema: () => (compiled ??= new SchemaNode(version.schema.openAPIV3Schema, where)),
        };
      })));
}

let catalog: CrdVersion[] | undefined;

/** Every served CRD version under ../shared, parsed once per test file. */
export const crdVersions = (): CrdVersion[] => (catalog ??= load());

/** The served CRD versions (one per source file that defines it) for an object's apiVersion and kind. */
export function crdsFor(apiVersion: string, kind: string): CrdVersion[] {
  return crdVersions().filter((crd) => `${crd.group}/${crd.version}` === apiVersion && crd.kind === kind);
}

/** Whether ../shared holds a CRD for the group and kind (any version). */
export const knownCrdKind = (apiVersion: string, kind: string) =>
  crdVersions().some((crd) => apiVersion.startsWith(`${crd.group}/`) && crd.kind === kind);
