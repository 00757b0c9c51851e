import { JWT_PAYLOAD_METADATA } from "./rateLimit";

/** The extension provider that sends every sidecar's access log to the security-event collector. */
export const SIEM_ACCESS_LOG_PROVIDER = "siem-access-log";

export interface AccessLogCollector {
  /** The collector's namespace, which sending pods' NetworkPolicies open egress to. */
  namespace: string;
  /** The collector's Service host, `<name>.<namespace>.svc.cluster.local`. */
  host: string;
  /** Its OTLP/gRPC port. */
  port: number;
}

/** The caller a request was authenticated as: the validated token's subject, as rate limiting keys on it. */
const CALLER_SUBJECT = `%DYNAMIC_METADATA(${JWT_PAYLOAD_METADATA.key}:${JWT_PAYLOAD_METADATA.path.map((step) => step.key).join(":")})%`;

/**
 * The syslog line: Istio's own default access-log text (pilot/pkg/model/telemetry_logging.go,
 * EnvoyTextLogFormat, istio/istio 1.30.0) with the caller and the peer's identity in front, so a SIEM
 * parser for Istio logs reads the rest unchanged. No request header that carries a credential is logged.
 */
const MESSAGE = `caller=${CALLER_SUBJECT} peer=%DOWNSTREAM_PEER_URI_SAN% [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" `
  + "%RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% \"%UPSTREAM_TRANSPORT_FAILURE_REASON%\" "
  + "%BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% \"%REQ(X-FORWARDED-FOR)%\" \"%REQ(USER-AGENT)%\" "
  + "\"%REQ(X-REQUEST-ID)%\" \"%REQ(:AUTHORITY)%\" \"%UPSTREAM_HOST%\" %UPSTREAM_CLUSTER_RAW% %UPSTREAM_LOCAL_ADDRESS% "
  + "%DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%";

/**
 * The log record's attributes, each an Envoy format string.
 * FACT (istio 1.30.0 telemetry_logging.go ConvertStructToAttributeKeyValues): a label becomes a
 * string attribute from its string value only; any other value type is sent as "". FACT: the
 * collector's syslog exporter builds the message from the attributes `message`, `appname`,
 * `hostname` and `proc_id` (see components/runtime/accessLogCollector). FACT (Istio's injection
 * template files/injection-template.yaml): the istio-proxy container has POD_NAME and POD_NAMESPACE;
 * FACT (Envoy access-log command operators): %ENVIRONMENT(X)% is the proxy's environment variable X.
 */
export const ACCESS_LOG_ATTRIBUTES: Record<string, string> = {
  message: MESSAGE,
  appname: "istio-proxy",
  hostname: "%ENVIRONMENT(POD_NAME)%.%ENVIRONMENT(POD_NAMESPACE)%",
  // The same facts as separate attributes, for a SIEM that takes OTLP (the http sink).
  "caller.subject": CALLER_SUBJECT,
  "source.principal": "%DOWNSTREAM_PEER_URI_SAN%",
  "k8s.namespace.name": "%ENVIRONMENT(POD_NAMESPACE)%",
  "k8s.pod.name": "%ENVIRONMENT(POD_NAME)%",
  "http.request.method": "%REQ(:METHOD)%",
  "url.path": "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%",
  "http.response.status_code": "%RESPONSE_CODE%",
  "envoy.response_flags": "%RESPONSE_FLAGS%",
  "request.id": "%REQ(X-REQUEST-ID)%",
};

/**
 * The mesh config that ships access logs: one envoyOtelAls provider and the mesh's default providers.
 * FACT (istio 1.30.0 pilot/pkg/networking/core/accesslog.go, model/telemetry.go AccessLogging): once
 * defaultProviders.accessLogging (or a Telemetry) names providers, meshConfig.accessLogFile is no
 * longer used, so the built-in `envoy` provider (pkg/config/mesh/mesh.go: file /dev/stdout, formatted
 * from meshConfig) stays listed to keep the pods' own logs. FACT (istio-discovery 1.30.0
 * templates/configmap.yaml, "default-prometheus" in _helpers.tpl): the chart sets
 * defaultProviders.metrics to prometheus only while .Values.meshConfig.defaultProviders is unset, so
 * setting it must name prometheus again, or istio_requests_total (every model alert) disappears.
 * FACT (pkg/config/mesh/mesh.go ApplyMeshConfig): extension providers are merged with the built-in
 * ones by name. FACT (model/telemetry_logging.go LookupCluster): the provider's service is looked up
 * in the mesh's registry by host name; istiod rebuilds access-log settings when services change.
 */
export function accessLogMeshConfig(collector: AccessLogCollector): Record<string, unknown> {
  return {
    extensionProviders: [{
      name: SIEM_ACCESS_LOG_PROVIDER,
      envoyOtelAls: { service: collector.host, port: collector.port, logFormat: { labels: ACCESS_LOG_ATTRIBUTES } },
    }],
    defaultProviders: { metrics: ["prometheus"], accessLogging: ["envoy", SIEM_ACCESS_LOG_PROVIDER] },
  };
}
