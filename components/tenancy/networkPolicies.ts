import type * as k8s from "@pulumi/kubernetes";
import { LABELS, WORKLOAD_ROLES } from "./labels";

type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;

export interface EgressTarget {
  name: string;
  cidr: string;
  ports: number[];
}

export interface TeamNetworkSettings {
  trainingPorts: number[];
  servingPort: number;
  meshIngressNamespace: string;
  /** Set when pods carry Istio sidecars, which must reach istiod. */
  meshControlPlaneNamespace?: string;
  egress: EgressTarget[];
}

const byNamespaceName = (namespace: string) => ({ matchLabels: { "kubernetes.io/metadata.name": namespace } });
const trainingPods = { matchLabels: { [LABELS.workloadRole]: WORKLOAD_ROLES.training } };
const servingPods = { matchLabels: { [LABELS.workloadRole]: WORKLOAD_ROLES.serving } };
const tcp = (port: number) => ({ protocol: "TCP", port });

/** istiod's port for xDS configuration and workload certificates. */
const ISTIOD_XDS_PORT = 15012;

/**
 * The team's NetworkPolicies, keyed by object name: deny everything, then open exactly DNS, the
 * training rendezvous between the team's own training pods, the configured storage/Vault endpoints,
 * istiod for sidecars, and inference traffic from the mesh ingress to serving pods.
 */
export function teamNetworkPolicies(settings: TeamNetworkSettings): Record<string, NetworkPolicySpec> {
  const policies: Record<string, NetworkPolicySpec> = {
    "default-deny-all": { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    "allow-dns": {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{
        to: [{ namespaceSelector: byNamespaceName("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
        ports: [{ protocol: "UDP", port: 53 }, tcp(53)],
      }],
    },
    "allow-training-rendezvous": {
      podSelector: trainingPods,
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ podSelector: trainingPods }], ports: settings.trainingPorts.map(tcp) }],
      egress: [{ to: [{ podSelector: trainingPods }], ports: settings.trainingPorts.map(tcp) }],
    },
    "allow-serving-from-mesh-ingress": {
      podSelector: servingPods,
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: byNamespaceName(settings.meshIngressNamespace) }], ports: [tcp(settings.servingPort)] }],
    },
  };
  if (settings.meshControlPlaneNamespace) {
    policies["allow-mesh-control-plane"] = {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ to: [{ namespaceSelector: byNamespaceName(settings.meshControlPlaneNamespace) }], ports: [tcp(ISTIOD_XDS_PORT)] }],
    };
  }
  for (const target of settings.egress) {
    policies[`allow-egress-${target.name}`] = {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock: { cidr: target.cidr } }], ports: target.ports.map(tcp) }],
    };
  }
  return policies;
}
