import type * as k8s from "@pulumi/kubernetes";

type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;

/** Pod Security Admission labels: enforce, audit and warn `restricted`, each pinned to a version. */
export function restrictedPodSecurityLabels(version: string): Record<string, string> {
  return Object.fromEntries(
    ["enforce", "audit", "warn"].flatMap((mode) => [
      [`pod-security.kubernetes.io/${mode}`, "restricted"],
      [`pod-security.kubernetes.io/${mode}-version`, version],
    ]),
  );
}

export const byNamespaceName = (namespace: string) => ({ matchLabels: { "kubernetes.io/metadata.name": namespace } });
export const tcp = (port: number) => ({ protocol: "TCP", port });

/** Every namespace of the platform starts closed: deny all traffic, then allow DNS lookups only. */
export const BASELINE_NETWORK_POLICIES: Record<string, NetworkPolicySpec> = {
  "default-deny-all": { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
  "allow-dns": {
    podSelector: {},
    policyTypes: ["Egress"],
    egress: [{
      to: [{ namespaceSelector: byNamespaceName("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
      ports: [{ protocol: "UDP", port: 53 }, tcp(53)],
    }],
  },
};

/** Egress from the selected pods to one CIDR on the given TCP ports. */
export const egressTo = (cidr: string, ports: number[], podSelector: k8s.types.input.meta.v1.LabelSelector = {}): NetworkPolicySpec => ({
  podSelector,
  policyTypes: ["Egress"],
  egress: [{ to: [{ ipBlock: { cidr } }], ports: ports.map(tcp) }],
});
