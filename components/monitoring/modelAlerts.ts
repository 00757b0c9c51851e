import * as pulumi from "@pulumi/pulumi";
import type { ITelemetry } from "@kubernetes-models/istio/telemetry.istio.io/v1/Telemetry" with { "resolution-mode": "import" };
import type { IPrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule" with { "resolution-mode": "import" };
import { customResource } from "../kubernetes/customResource";
import { LABELS, MANAGED_BY, WORKLOAD_ROLES } from "../tenancy/labels";
import type { EndpointRateLimits } from "../mesh/rateLimit";
import { CALLER_TAG, endpointRules, gpuQuotaRule, rateLimitRules, type AlertThresholds } from "./alertRules";

/**
 * The caller, for the stats filter: the `sub` claim of the token jwt_authn validated, from the
 * payload it stores in the request's dynamic metadata. Only a token signed by the issuer sets it, so
 * no client can choose the label (there is no header to spoof or strip) and its values are bounded by
 * the issuer's subjects; a request without a valid token fails the lookup and is labelled "unknown".
 * (request.auth.principal is an AuthorizationPolicy attribute the stats filter cannot evaluate.)
 */
const CALLER_EXPRESSION = "metadata.filter_metadata['envoy.filters.http.jwt_authn']['payload']['sub']";

export interface ModelAlertsTeam {
  name: string;
  namespace: pulumi.Input<string>;
  /** Names of the team's model endpoints. */
  endpoints: string[];
}

export interface ModelAlertsArgs {
  thresholds: AlertThresholds;
  teams: ModelAlertsTeam[];
  /** The endpoints' rate limits (per replica), when they have any: adds alerts on their use. */
  rateLimit?: EndpointRateLimits;
}

/**
 * Runtime alerts per team (PrometheusRule, picked up by the Prometheus Operator): latency, errors,
 * 401/403 spikes and per-caller request spikes for every endpoint, use of its rate limits (when given),
 * GPU quota near exhaustion; and the Istio Telemetry that labels serving pods' request counts with
 * the caller's validated token subject so spikes are per caller.
 */
export class ModelAlerts extends pulumi.ComponentResource {
  constructor(name: string, args: ModelAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-ml:monitoring:ModelAlerts", name, {}, opts);
    const limits = args.rateLimit;
    for (const team of args.teams) {
      const labels = { [LABELS.team]: team.name, [LABELS.managedBy]: MANAGED_BY };
      customResource<ITelemetry>(`${name}-${team.name}-caller-metrics`, {
        apiVersion: "telemetry.istio.io/v1",
        kind: "Telemetry",
        metadata: { name: "caller-principal", namespace: team.namespace, labels },
        spec: {
          selector: { matchLabels: { [LABELS.workloadRole]: WORKLOAD_ROLES.serving } },
          metrics: [{
            providers: [{ name: "prometheus" }],
            overrides: [{ match: { metric: "REQUEST_COUNT", mode: "SERVER" }, tagOverrides: { [CALLER_TAG]: { value: CALLER_EXPRESSION } } }],
          }],
        },
      }, { parent: this });
      customResource<IPrometheusRule>(`${name}-${team.name}-rules`, {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: "ml-platform-alerts", namespace: team.namespace, labels },
        spec: {
          groups: [
            { name: "model-endpoints", rules: team.endpoints.flatMap((endpoint) => endpointRules({ namespace: team.name, name: endpoint }, args.thresholds)) },
            { name: "gpu-quota", rules: [gpuQuotaRule(team.name, args.thresholds)] },
            ...(limits ? [{ name: "rate-limits", rules: team.endpoints.flatMap((endpoint) => rateLimitRules({ namespace: team.name, name: endpoint }, limits, args.thresholds)) }] : []),
          ],
        },
      }, { parent: this });
    }
    this.registerOutputs({});
  }
}
