import type * as k8s from "@pulumi/kubernetes";
import { LABELS, WORKLOAD_ROLES } from "./labels";
import { BASELINE_NETWORK_POLICIES, byNamespaceName, egressTo, tcp } from "./namespaceDefaults";

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

const trainingPods = { matchLabels: { [LABELS.workloadRole]: WORKLOAD_ROLES.training } };
const servingPods = { matchLabels: { [LABELS.workloadRole]: WORKLOAD_ROLES.serving } };

/** istiod's port for xDS configuration and workload certificates. */
const ISTIOD_XDS_PORT = 15012;

/**
 * The team's NetworkPolicies, keyed by object name: deny everything, then open exactly DNS, the
 * training rendezvous between the team's own training pods, the configured storage/Vault endpoints,
 * istiod for sidecars, and inference traffic from the mesh ingress to serving pods.
 */
export function teamNetworkPolicies(settings: TeamNetworkSettings): Record<string, NetworkPolicySpec> {
  const policies: Record<string, NetworkPolicySpec> = {
    ...BASELINE_NETWORK_POLICIES,
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
  for (const target of settings.egress) policies[`allow-egress-${target.name}`] = egressTo(target.cidr, target.ports);
  return policies;
}
