import type { PolicyConfigSchema } from "@pulumi/policy";

/** Namespaces the Kubernetes control plane owns; workload rules skip them unless configured otherwise. */
export const DEFAULT_EXEMPT_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease"];

export const exemptNamespacesSchema: PolicyConfigSchema = {
  properties: {
    exemptNamespaces: {
      type: "array",
      items: { type: "string" },
      default: DEFAULT_EXEMPT_NAMESPACES,
      description: "Namespaces this rule does not apply to.",
    },
  },
};

export interface ExemptNamespacesConfig {
  exemptNamespaces?: string[];
}

/** A workload is exempt only when it names an exempt namespace; no namespace means `default`. */
export function isExemptNamespace(namespace: string | undefined, config: ExemptNamespacesConfig): boolean {
  return (config.exemptNamespaces ?? DEFAULT_EXEMPT_NAMESPACES).includes(namespace ?? "default");
}
