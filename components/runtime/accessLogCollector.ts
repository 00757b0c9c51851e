import type { SecurityEventSink } from "./securityEventSink";

/** The collector's namespace: restricted Pod Security, no sidecars, default-deny. */
export const ACCESS_LOG_NAMESPACE = "mesh-access-logs";
export const COLLECTOR_NAME = "otel-collector";
/** OTLP over gRPC, where Envoy's OpenTelemetry access logger sends. */
export const OTLP_GRPC_PORT = 4317;
/** FACT (collector-contrib healthcheckextension): serves 200 on / at its endpoint once the pipelines run. */
export const HEALTH_PORT = 13133;
export const CONFIG_FILE = "collector.yaml";

/**
 * The collector's exporter for the sink.
 * FACT (opentelemetry-collector-contrib 0.159.0, exporter/syslogexporter config.go and README): keys
 * endpoint, port, network (tcp|udp) and protocol (rfc5424|rfc3164); for tcp TLS is on unless
 * tls.insecure is true. Each syslog message's text is the log record's `message` attribute (not its
 * body), its header fields the attributes appname, hostname, priority, msg_id and proc_id.
 * FACT (opentelemetry-collector 0.159.0, exporter/otlphttpexporter config.go): logs_endpoint is the
 * full URL logs are POSTed to; encoding json or proto (default proto).
 */
function sinkExporter(sink: SecurityEventSink): Record<string, Record<string, unknown>> {
  if ("syslog" in sink) {
    const { host, port, protocol } = sink.syslog;
    // Plain TCP or UDP, as falcosidekick and Vault's socket device send to the same sink (a private CIDR).
    return { syslog: { endpoint: host, port, network: protocol, protocol: "rfc5424", ...(protocol === "tcp" ? { tls: { insecure: true } } : {}) } };
  }
  return { otlphttp: { logs_endpoint: sink.http.url, encoding: "json" } };
}

/**
 * The collector's whole configuration: OTLP/gRPC in, a memory limit and batching, the sink out. Only
 * a logs pipeline: nothing else is received, so nothing else can be sent through it.
 * FACT (collector 0.159.0, memorylimiterprocessor): limit_percentage and spike_limit_percentage are
 * of the container's memory limit (cgroup), checked every check_interval; it must come first.
 */
export function collectorConfig(sink: SecurityEventSink): Record<string, unknown> {
  const exporters = sinkExporter(sink);
  return {
    receivers: { otlp: { protocols: { grpc: { endpoint: `\${env:MY_POD_IP}:${OTLP_GRPC_PORT}` } } } },
    processors: {
      memory_limiter: { check_interval: "1s", limit_percentage: 80, spike_limit_percentage: 20 },
      batch: {},
    },
    exporters,
    extensions: { health_check: { endpoint: `\${env:MY_POD_IP}:${HEALTH_PORT}` } },
    service: {
      extensions: ["health_check"],
      pipelines: { logs: { receivers: ["otlp"], processors: ["memory_limiter", "batch"], exporters: Object.keys(exporters) } },
      // The collector's own metrics would need a scrape path through default-deny; its logs go to stdout.
      telemetry: { metrics: { level: "none" } },
    },
  };
}
