import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LABELS, MANAGED_BY } from "../tenancy/labels";
import { BASELINE_NETWORK_POLICIES, byNamespaceName, tcp } from "../tenancy/namespaceDefaults";
import { mlRulesFile, type AllowedDestination } from "./falcoRules";
import { FALCO_WEB_PORT, FALCOSIDEKICK_PORT, falcoValues } from "./falcoValues";
import { sinkEndpoint, type SecurityEventSink } from "./securityEventSink";

type NetworkPolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;

/**
 * Falco's namespace. Its pods need host paths (/proc, /etc, the container runtime sockets) and eBPF
 * capabilities, which only Pod Security `privileged` admits: ml-guard's
 * k8s-namespace-missing-restricted-pss exempts exactly this name (privilegedNamespaces).
 */
export const FALCO_NAMESPACE = "falco";
const CHART_REPOSITORY = "https://falcosecurity.github.io/charts";
/** The release name: the chart names its objects after it (falco, falco-falcosidekick). */
const RELEASE_NAME = "falco";
/** Pod labels the charts put on Falco and falcosidekick pods (app.kubernetes.io/name of each chart). */
const FALCO_PODS = { matchLabels: { "app.kubernetes.io/name": "falco" } };
const FALCOSIDEKICK_PODS = { matchLabels: { "app.kubernetes.io/name": "falcosidekick" } };
/** `http://<service>.<namespace>.svc[.<domain>][:port]`: the namespace NetworkPolicies open egress to. */
const IN_CLUSTER_URL = /^https?:\/\/[a-z0-9-]+\.([a-z0-9-]+)\.svc(\.[a-z0-9.-]+)?(:\d{1,5})?\/?$/;

export interface RuntimeDetectionArgs {
  /** falco chart version, pinned. */
  chartVersion: string;
  environment: string;
  /** Pod Security version pinned on the namespace's labels. */
  podSecurityVersion: string;
  /** Alertmanager inside the cluster, e.g. http://alertmanager-operated.monitoring.svc:9093. */
  alertmanagerUrl: string;
  /** The destinations serving pods' NetworkPolicies allow; a connection elsewhere alerts. */
  servingEgress: AllowedDestination[];
  /** Process names expected to read mounted credentials. */
  credentialReaders: string[];
  /** Namespace of the Prometheus that scrapes Falco's metrics; omit to serve none. */
  metricsScrapedFrom?: string;
  /** Where Falco's events are shipped besides Alertmanager (the SIEM). */
  sink?: SecurityEventSink;
}

/** The namespace's own policies: closed, then exactly Falco to falcosidekick, falcosidekick to Alertmanager and the sink, and metrics if scraped. */
export function falcoNetworkPolicies(args: Pick<RuntimeDetectionArgs, "alertmanagerUrl" | "metricsScrapedFrom" | "sink">): Record<string, NetworkPolicySpec> {
  const match = IN_CLUSTER_URL.exec(args.alertmanagerUrl);
  if (!match) throw new Error(`alertmanagerUrl ${args.alertmanagerUrl} must be http(s)://<service>.<namespace>.svc[:port]: the NetworkPolicy opens egress to that namespace`);
  const url = new URL(args.alertmanagerUrl);
  const alertmanagerPort = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const policies: Record<string, NetworkPolicySpec> = {
    ...BASELINE_NETWORK_POLICIES,
    "allow-falco-to-falcosidekick": {
      podSelector: FALCO_PODS,
      policyTypes: ["Egress"],
      egress: [{ to: [{ podSelector: FALCOSIDEKICK_PODS }], ports: [tcp(FALCOSIDEKICK_PORT)] }],
    },
    "allow-falcosidekick-from-falco": {
      podSelector: FALCOSIDEKICK_PODS,
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ podSelector: FALCO_PODS }], ports: [tcp(FALCOSIDEKICK_PORT)] }],
    },
    "allow-falcosidekick-to-alertmanager": {
      podSelector: FALCOSIDEKICK_PODS,
      policyTypes: ["Egress"],
      egress: [{ to: [{ namespaceSelector: byNamespaceName(match[1]) }], ports: [tcp(alertmanagerPort)] }],
    },
  };
  if (args.sink) {
    const sink = sinkEndpoint(args.sink);
    policies["allow-falcosidekick-to-siem"] = {
      podSelector: FALCOSIDEKICK_PODS,
      policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock: { cidr: sink.cidr } }], ports: [{ protocol: sink.protocol, port: sink.port }] }],
    };
  }
  if (args.metricsScrapedFrom) {
    policies["allow-metrics-scrape"] = {
      podSelector: FALCO_PODS,
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: byNamespaceName(args.metricsScrapedFrom) }], ports: [tcp(FALCO_WEB_PORT)] }],
    };
  }
  return policies;
}

/** Pod Security `privileged`, pinned, in all three modes (restricted warnings on every Falco pod would only be noise). */
function privilegedPodSecurityLabels(version: string): Record<string, string> {
  return Object.fromEntries(["enforce", "audit", "warn"].flatMap((mode) => [
    [`pod-security.kubernetes.io/${mode}`, "privileged"],
    [`pod-security.kubernetes.io/${mode}-version`, version],
  ]));
}

/**
 * Runtime threat detection: Falco (pinned chart, modern eBPF probe) as a DaemonSet in its own
 * privileged, default-deny namespace, with the platform's ML rules, its events sent by
 * falcosidekick to Alertmanager with the team and model labels, and to the SIEM when configured.
 */
export class RuntimeDetection extends pulumi.ComponentResource {
  readonly namespaceName: pulumi.Output<string>;

  constructor(name: string, args: RuntimeDetectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-ml:runtime:RuntimeDetection", name, {}, opts);
    const policies = falcoNetworkPolicies(args);
    const labels = { [LABELS.environment]: args.environment, [LABELS.managedBy]: MANAGED_BY };
    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, {
      metadata: { name: FALCO_NAMESPACE, labels: { ...labels, ...privilegedPodSecurityLabels(args.podSecurityVersion) } },
    }, { parent: this });
    const inNamespace = { parent: this, dependsOn: [namespace] };
    const metadata = (objectName: string) => ({ name: objectName, namespace: namespace.metadata.name, labels });
    new k8s.core.v1.ResourceQuota(`${name}-quota`, {
      metadata: metadata("platform-quota"),
      spec: { hard: { "requests.nvidia.com/gpu": "0", "services.loadbalancers": "0", "services.nodeports": "0" } },
    }, inNamespace);
    new k8s.core.v1.LimitRange(`${name}-limits`, {
      metadata: metadata("container-defaults"),
      spec: { limits: [{ type: "Container", defaultRequest: { cpu: "50m", memory: "64Mi" }, default: { cpu: "500m", memory: "512Mi" } }] },
    }, inNamespace);
    const networkPolicies = Object.entries(policies).map(([policyName, spec]) =>
      new k8s.networking.v1.NetworkPolicy(`${name}-${policyName}`, { metadata: metadata(policyName), spec }, inNamespace));

    new k8s.helm.v3.Release(`${name}-falco`, {
      name: RELEASE_NAME,
      chart: "falco",
      version: args.chartVersion,
      repositoryOpts: { repo: CHART_REPOSITORY },
      namespace: namespace.metadata.name,
      atomic: true,
      values: falcoValues({
        rulesFile: mlRulesFile({ servingEgress: args.servingEgress, credentialReaders: args.credentialReaders }),
        alertmanagerUrl: args.alertmanagerUrl,
        metrics: args.metricsScrapedFrom !== undefined,
        sink: args.sink,
      }),
    }, { parent: this, dependsOn: [namespace, ...networkPolicies] });

    this.namespaceName = namespace.metadata.name;
    this.registerOutputs({ namespaceName: this.namespaceName });
  }
}
