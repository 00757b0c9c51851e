import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { CONTAINER_SECURITY_CONTEXT, POD_SECURITY_CONTEXT } from "../kubernetes/securityContexts";
import type { AccessLogCollector } from "../mesh/accessLogProvider";
import { LABELS, MANAGED_BY } from "../tenancy/labels";
import { byNamespaceName, tcp } from "../tenancy/namespaceDefaults";
import { PlatformNamespace } from "../tenancy/platformNamespace";
import { ACCESS_LOG_NAMESPACE, COLLECTOR_NAME, CONFIG_FILE, collectorConfig, HEALTH_PORT, OTLP_GRPC_PORT } from "./accessLogCollector";
import { sinkEndpoint, type SecurityEventSink } from "./securityEventSink";

export interface MeshAccessLogShippingArgs {
  environment: string;
  podSecurityVersion: string;
  /** otel/opentelemetry-collector-contrib (the distribution with the syslog exporter), pinned by digest. */
  collectorImage: string;
  sink: SecurityEventSink;
  /** The mesh ingress gateway's namespace: its proxy sends access logs too. */
  ingressNamespace: string;
}

const COLLECTOR_PODS = { matchLabels: { "app.kubernetes.io/name": COLLECTOR_NAME } };
/** FACT (istiod chart: sidecar injection): namespaces whose pods carry sidecars are labelled istio-injection=enabled. */
const MESHED_NAMESPACES = { matchLabels: { "istio-injection": "enabled" } };
const MEMORY_LIMIT = "512Mi";

/** The collector's Service, as Envoy's access-log cluster names it. */
export const accessLogCollector: AccessLogCollector = { namespace: ACCESS_LOG_NAMESPACE, host: `${COLLECTOR_NAME}.${ACCESS_LOG_NAMESPACE}.svc.cluster.local`, port: OTLP_GRPC_PORT };

/** The collector namespace's openings: OTLP from meshed namespaces and the ingress gateway's, and out to the sink. */
function collectorNetworkPolicies(args: MeshAccessLogShippingArgs): Record<string, k8s.types.input.networking.v1.NetworkPolicySpec> {
  const sink = sinkEndpoint(args.sink);
  return {
    "allow-otlp-from-mesh": {
      podSelector: COLLECTOR_PODS,
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: MESHED_NAMESPACES }, { namespaceSelector: byNamespaceName(args.ingressNamespace) }], ports: [tcp(OTLP_GRPC_PORT)] }],
    },
    "allow-collector-to-siem": {
      podSelector: COLLECTOR_PODS,
      policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock: { cidr: sink.cidr } }], ports: [{ protocol: sink.protocol, port: sink.port }] }],
    },
  };
}

/**
 * Ships the mesh's access logs to the SIEM: an OpenTelemetry Collector (two replicas, restricted,
 * read-only, no API token) in its own default-deny namespace receives every sidecar's access log over
 * OTLP and forwards it to the sink (syslog or OTLP/HTTP). istiod's mesh config points the sidecars
 * at it (components/mesh/accessLogProvider). The collector is written out rather than installed
 * from the upstream chart: the chart's default config also opens Jaeger, Zipkin and Prometheus
 * receivers, and writing the pod keeps it under the same ml-guard and admission rules as ours.
 */
export class MeshAccessLogShipping extends pulumi.ComponentResource {
  readonly namespaceName: pulumi.Output<string>;

  constructor(name: string, args: MeshAccessLogShippingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-ml:runtime:MeshAccessLogShipping", name, {}, opts);
    const namespace = new PlatformNamespace(`${name}-namespace`, {
      namespace: ACCESS_LOG_NAMESPACE,
      environment: args.environment,
      podSecurityVersion: args.podSecurityVersion,
      cpu: "2",
      memory: "2Gi",
      networkPolicies: collectorNetworkPolicies(args),
    }, { parent: this });
    const labels = { ...COLLECTOR_PODS.matchLabels, [LABELS.environment]: args.environment, [LABELS.managedBy]: MANAGED_BY };
    const metadata = { name: COLLECTOR_NAME, namespace: namespace.namespaceName, labels };
    const inNamespace = { parent: this, dependsOn: [namespace] };

    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-service-account`, { metadata, automountServiceAccountToken: false }, inNamespace);
    const configText = stringify(collectorConfig(args.sink));
    const config = new k8s.core.v1.ConfigMap(`${name}-config`, { metadata, data: { [CONFIG_FILE]: configText } }, inNamespace);
    new k8s.apps.v1.Deployment(`${name}-collector`, {
      metadata,
      spec: {
        replicas: 2,
        selector: COLLECTOR_PODS,
        template: {
          // The collector reads its config once: a changed config rolls the pods.
          metadata: { labels, annotations: { "checksum/config": createHash("sha256").update(configText).digest("hex") } },
          spec: {
            serviceAccountName: serviceAccount.metadata.name,
            automountServiceAccountToken: false,
            securityContext: POD_SECURITY_CONTEXT,
            containers: [{
              name: COLLECTOR_NAME,
              image: args.collectorImage,
              args: [`--config=/conf/${CONFIG_FILE}`],
              env: [
                { name: "MY_POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
                // Go's soft limit under the container's, so the collector collects garbage before it is killed.
                { name: "GOMEMLIMIT", value: "400MiB" },
              ],
              ports: [{ name: "otlp-grpc", containerPort: OTLP_GRPC_PORT, protocol: "TCP" }],
              resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: MEMORY_LIMIT } },
              securityContext: CONTAINER_SECURITY_CONTEXT,
              livenessProbe: { httpGet: { path: "/", port: HEALTH_PORT } },
              readinessProbe: { httpGet: { path: "/", port: HEALTH_PORT } },
              volumeMounts: [{ name: "config", mountPath: "/conf", readOnly: true }],
            }],
            volumes: [{ name: "config", configMap: { name: config.metadata.name } }],
          },
        },
      },
    }, inNamespace);
    new k8s.core.v1.Service(`${name}-service`, {
      metadata,
      spec: { selector: COLLECTOR_PODS.matchLabels, ports: [{ name: "grpc-otlp", port: OTLP_GRPC_PORT, targetPort: OTLP_GRPC_PORT, appProtocol: "grpc" }] },
    }, inNamespace);

    this.namespaceName = namespace.namespaceName;
    this.registerOutputs({ namespaceName: this.namespaceName });
  }
}
