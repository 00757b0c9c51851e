/**
 * Prometheus alerting rules for model endpoints and GPU quotas, from Istio's standard metrics and
 * kube-state-metrics. Pure builders; ModelAlerts wraps them in PrometheusRule objects.
 */
import type { IPrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule" with { "resolution-mode": "import" };
import type { EndpointRateLimits } from "../mesh/rateLimit";

type RuleGroup = NonNullable<NonNullable<IPrometheusRule["spec"]>["groups"]>[number];
type Rule = NonNullable<RuleGroup["rules"]>[number];

export interface AlertThresholds {
  /** p95 latency above which an endpoint is slow, in milliseconds. */
  latencyP95Ms: number;
  /** Share of 5xx responses, in percent. */
  errorRatePercent: number;
  /** 401/403 responses per minute that suggest token guessing. */
  authFailuresPerMinute: number;
  /** Requests per second from one caller (validated token subject) that suggest model extraction. */
  callerRequestsPerSecond: number;
  /** GPU quota use, in percent, that warns before the team runs out. */
  gpuQuotaPercent: number;
  /** Share of a rate limit whose sustained use raises an alert, in percent. Default 80. */
  rateLimitUsePercent?: number;
}

export interface EndpointRef {
  namespace: string;
  /** Model (endpoint) name; KServe in Standard mode names the workload `<name>-predictor`. */
  name: string;
}

/** The request_count label ModelAlerts' Telemetry adds: the caller's token subject, "unknown" without a valid token. */
export const CALLER_TAG = "request_principal";

const selector = (endpoint: EndpointRef) =>
  `reporter="destination", destination_workload_namespace="${endpoint.namespace}", destination_workload=~"${endpoint.name}(-predictor)?"`;

export function endpointRules(endpoint: EndpointRef, thresholds: AlertThresholds): Rule[] {
  const labels = { severity: "warning", namespace: endpoint.namespace, model: endpoint.name };
  const requests = `sum(rate(istio_requests_total{${selector(endpoint)}}[5m]))`;
  return [
    {
      alert: "ModelEndpointLatencyHigh",
      expr: `histogram_quantile(0.95, sum by (le) (rate(istio_request_duration_milliseconds_bucket{${selector(endpoint)}}[5m]))) > ${thresholds.latencyP95Ms}`,
      for: "10m",
      labels,
      annotations: { summary: `p95 latency of ${endpoint.namespace}/${endpoint.name} above ${thresholds.latencyP95Ms} ms` },
    },
    {
      alert: "ModelEndpointErrorRateHigh",
      expr: `sum(rate(istio_requests_total{${selector(endpoint)}, response_code=~"5.."}[5m])) / ${requests} > ${thresholds.errorRatePercent / 100}`,
      for: "5m",
      labels: { ...labels, severity: "critical" },
      annotations: { summary: `more than ${thresholds.errorRatePercent}% of ${endpoint.namespace}/${endpoint.name} responses are errors` },
    },
    {
      alert: "ModelEndpointAuthFailureSpike",
      expr: `sum(rate(istio_requests_total{${selector(endpoint)}, response_code=~"401|403"}[5m])) * 60 > ${thresholds.authFailuresPerMinute}`,
      for: "5m",
      labels: { ...labels, severity: "critical" },
      annotations: { summary: `${endpoint.namespace}/${endpoint.name} refuses more than ${thresholds.authFailuresPerMinute} requests a minute: token guessing or a broken client` },
    },
    {
      alert: "ModelEndpointCallerRateSpike",
      expr: `max(sum by (${CALLER_TAG}) (rate(istio_requests_total{${selector(endpoint)}, ${CALLER_TAG}!~"|unknown"}[5m]))) > ${thresholds.callerRequestsPerSecond}`,
      for: "10m",
      labels: { ...labels, severity: "critical" },
      annotations: { summary: `one caller sends ${endpoint.namespace}/${endpoint.name} more than ${thresholds.callerRequestsPerSecond} requests a second: possible model extraction` },
    },
  ];
}

export function gpuQuotaRule(namespace: string, thresholds: AlertThresholds): Rule {
  const quota = (type: string) => `kube_resourcequota{namespace="${namespace}", resource="requests.nvidia.com/gpu", type="${type}"}`;
  return {
    alert: "TeamGpuQuotaNearlyExhausted",
    expr: `${quota("used")} / ignoring(type) (${quota("hard")} > 0) > ${thresholds.gpuQuotaPercent / 100}`,
    for: "15m",
    labels: { severity: "warning", namespace },
    annotations: { summary: `team ${namespace} uses more than ${thresholds.gpuQuotaPercent}% of its GPU quota` },
  };
}

/**
 * How many replicas of the endpoint are serving now (kube-state-metrics), as a scalar: the rate
 * limits are per replica (one Envoy each), so what the endpoint as a whole admits scales with it,
 * and an autoscaled endpoint's thresholds follow its replicas.
 */
export const liveReplicas = (endpoint: EndpointRef) =>
  `scalar(sum(kube_deployment_status_replicas_available{namespace="${endpoint.namespace}", deployment=~"${endpoint.name}(-predictor)?"}))`;

/** The per-replica requests a second above which use counts as near a limit. */
export const perReplicaAlertRate = (requestsPerSecond: number, usePercent: number) => Number(((requestsPerSecond * usePercent) / 100).toFixed(3));

/**
 * Alerts on the inference rate limits of one endpoint. Limits are per replica and the gateway
 * spreads a caller's requests over the replicas, so a caller may get up to perCaller.requestsPerSecond
 * × replicas endpoint-wide and the endpoint up to requestsPerSecond × replicas: the thresholds are
 * the per-replica figure times the live replica count. Refused requests (response flag RL) do not
 * count as use.
 */
export function rateLimitRules(endpoint: EndpointRef, limits: EndpointRateLimits, thresholds: AlertThresholds): Rule[] {
  const usePercent = thresholds.rateLimitUsePercent ?? 80;
  const labels = { severity: "warning", namespace: endpoint.namespace, model: endpoint.name };
  const known = `${CALLER_TAG}!~"|unknown"`;
  const byCaller = (filter: string) => `sum by (${CALLER_TAG}) (rate(istio_requests_total{${selector(endpoint)}, ${known}, ${filter}}[5m]))`;
  const where = `${endpoint.namespace}/${endpoint.name}`;
  return [
    {
      alert: "ModelEndpointCallerNearRateLimit",
      expr: `${byCaller('response_flags!="RL"')} > ${perReplicaAlertRate(limits.perCaller.requestsPerSecond, usePercent)} * ${liveReplicas(endpoint)}`,
      for: "10m",
      labels,
      annotations: { summary: `caller {{ $labels.${CALLER_TAG} }} uses more than ${usePercent}% of its limit on ${where} (${limits.perCaller.requestsPerSecond}/s per replica × replicas): possible model extraction` },
    },
    {
      alert: "ModelEndpointCallerRateLimited",
      expr: `${byCaller('response_code="429", response_flags="RL"')} > 0`,
      for: "10m",
      labels,
      annotations: { summary: `${where} has refused caller {{ $labels.${CALLER_TAG} }} with 429 for 10 minutes: a client that ignores Retry-After, or a limit too low for it` },
    },
    {
      alert: "ModelEndpointNearRateLimitBackstop",
      expr: `sum(rate(istio_requests_total{${selector(endpoint)}, response_flags!="RL"}[5m])) > ${perReplicaAlertRate(limits.requestsPerSecond, usePercent)} * ${liveReplicas(endpoint)}`,
      for: "10m",
      labels: { ...labels, severity: "critical" },
      annotations: { summary: `${where} serves more than ${usePercent}% of its endpoint-wide limit (${limits.requestsPerSecond}/s per replica × replicas): every caller is about to be refused; add replicas or raise the limit` },
    },
  ];
}
