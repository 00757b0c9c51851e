import type * as k8s from "@pulumi/kubernetes";
import { LABELS, WORKLOAD_ROLES } from "./labels";
import { BASELINE_NETWORK_POLICIES, byNamespaceName, egressTo, tcp } from "./namespaceDefaults";
import { COLLECTIVE_PORTS } from "./trainingTraffic";

type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;

export interface EgressTarget {
  name: string;
  cidr: string;
  ports: number[];
  /** Names clients use for it (TLS SNI); the mesh's ServiceEntry for the target lists them. */
  hosts: string[];
  /** TLS (matched by SNI, the default) or plain TCP (matched by address and port only). */
  protocol?: "TLS" | "TCP";
}

export interface TeamNetworkSettings {
  trainingPorts: number[];
  servingPort: number;
  meshIngressNamespace: string;
  /** Set when pods carry Istio sidecars, which must reach istiod. */
  meshControlPlaneNamespace?: string;
  /** Namespace of the Prometheus that scrapes the sidecars' merged metrics; set with sidecars. */
  monitoringNamespace?: string;
  /** The collector the sidecars send access logs to (namespace and OTLP port); set when the mesh ships them. */
  accessLogCollector?: { namespace: string; port: number };
  egress: EgressTarget[];
}

const trainingPods = { matchLabels: { [LABELS.workloadRole]: WORKLOAD_ROLES.training } };
const servingPods = { matchLabels: { [LABELS.workloadRole]: WORKLOAD_ROLES.serving } };

/** istiod's port for xDS configuration and workload certificates. */
const ISTIOD_XDS_PORT = 15012;
/** The Istio agent's status port, which serves Envoy's and the application's metrics merged (/stats/prometheus). */
export const MERGED_METRICS_PORT = 15020;

/**
 * The team's NetworkPolicies, keyed by object name: deny everything, then open exactly DNS, the
 * training rendezvous and collective ports between the team's own training pods, the configured
 * storage/Vault endpoints, istiod for sidecars, the merged metrics port to Prometheus, and inference
 * traffic from the mesh ingress to serving pods.
 */
export function teamNetworkPolicies(settings: TeamNetworkSettings): Record<string, NetworkPolicySpec> {
  const collectivePorts = [{ protocol: "TCP", port: COLLECTIVE_PORTS.first, endPort: COLLECTIVE_PORTS.last }];
  const policies: Record<string, NetworkPolicySpec> = {
    ...BASELINE_NETWORK_POLICIES,
    "allow-training-rendezvous": {
      podSelector: trainingPods,
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ podSelector: trainingPods }], ports: settings.trainingPorts.map(tcp) }],
      egress: [{ to: [{ podSelector: trainingPods }], ports: settings.trainingPorts.map(tcp) }],
    },
    "allow-training-collectives": {
      podSelector: trainingPods,
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ podSelector: trainingPods }], ports: collectivePorts }],
      egress: [{ to: [{ podSelector: trainingPods }], ports: collectivePorts }],
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
  if (settings.monitoringNamespace) {
    policies["allow-metrics-scrape"] = {
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: byNamespaceName(settings.monitoringNamespace) }], ports: [tcp(MERGED_METRICS_PORT)] }],
    };
  }
  if (settings.accessLogCollector) {
    // Envoy sends from the pod's address, so the pod's egress policy must let its own proxy's access logs out.
    policies["allow-access-log-shipping"] = {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ to: [{ namespaceSelector: byNamespaceName(settings.accessLogCollector.namespace) }], ports: [tcp(settings.accessLogCollector.port)] }],
    };
  }
  for (const target of settings.egress) policies[`allow-egress-${target.name}`] = egressTo(target.cidr, target.ports);
  return policies;
}
