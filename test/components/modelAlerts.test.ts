import { isCelError, run } from "@bufbuild/cel";
import { installRecordingMocks, settle, single } from "../support/pulumiMocks";
import { describeWithShared } from "../support/upstream";
import { upstreamCrdProblems } from "../support/upstreamCrdSchema";

const created = installRecordingMocks();

import { ModelAlerts } from "../../components/monitoring/modelAlerts";

new ModelAlerts("alerts", {
  thresholds: { latencyP95Ms: 500, errorRatePercent: 5, authFailuresPerMinute: 30, callerRequestsPerSecond: 20, gpuQuotaPercent: 90 },
  teams: [{ name: "vision", namespace: "vision", endpoints: ["classifier"] }],
});

type Item = { apiVersion: string; kind: string; metadata: { name: string }; spec: any };
const telemetry = () => single(created, "kubernetes:telemetry.istio.io/v1:Telemetry", "alerts-vision-caller-metrics").inputs as Item;
const callerAlert = () => ((single(created, "kubernetes:monitoring.coreos.com/v1:PrometheusRule", "alerts-vision-rules").inputs as Item).spec.groups as { rules: { alert: string; expr: string }[] }[])
  .flatMap((group) => group.rules).find((rule) => rule.alert === "ModelEndpointCallerRateSpike")!;

/** What istio.stats evaluates the tag against: Envoy's stream attributes, `metadata` being the request's dynamic metadata. */
const attributes = (dynamicMetadata: Record<string, unknown>) => ({ metadata: { filter_metadata: dynamicMetadata }, request: { headers: { "x-caller": "forged" } } });
/** The label istio.stats writes for an expression: its string value, or "unknown" when evaluation fails. */
const labelFor = (expression: string, bindings: Record<string, unknown>) => {
  const value = run(expression, bindings as never);
  if (isCelError(value)) return "unknown";
  if (typeof value !== "string") throw new Error(`the tag evaluated to a ${typeof value}, not a label value`);
  return value;
};

beforeAll(settle);

describe("per-caller request metrics", () => {
  // FACT: the stats filter evaluates a Telemetry tagOverride as CEL over Envoy's stream attributes
  // (request, response, connection, upstream, source, destination, metadata = dynamic metadata,
  // filter_state, xds) and writes "unknown" when evaluation fails; request.auth.* is not among them
  // (it is an AuthorizationPolicy attribute), which is why the old tag was always "unknown".
  // istio/proxy source/extensions/filters/http/istio_stats/istio_stats.cc (StreamOverrides::evaluate,
  // tag 1.30.0); envoyproxy/envoy source/extensions/filters/common/expr/evaluator.cc (StreamActivation,
  // commit 01ea8d2c). A tag that is not a standard one is added as a new label (tag_additions_, istio_stats.cc).
  // FACT: after a token validates, jwt_authn stores its claims as dynamic metadata
  // "envoy.filters.http.jwt_authn" under the key Istio configures, "payload" (envoyproxy/envoy
  // source/extensions/filters/http/jwt_authn/filter.cc setExtractedData, commit 0016b951; istio/istio
  // pilot/pkg/security/authn/policy_applier.go PayloadInMetadata, pilot/pkg/xds/filters/filters.go
  // EnvoyJwtFilterPayload, tag 1.30.0). Without a valid token there is no such metadata.
  const tag = () => telemetry().spec.metrics[0].overrides[0].tagOverrides.request_principal.value as string;

  it("takes the caller from the validated token's subject", () => {
    expect(labelFor(tag(), attributes({ "envoy.filters.http.jwt_authn": { payload: { iss: "https://login.example.com", sub: "client-7", aud: "ml" } } }))).toBe("client-7");
  });

  it("cannot be chosen by the client: a request without a validated token is labelled unknown whatever its headers say", () => {
    expect(labelFor(tag(), attributes({}))).toBe("unknown");
    expect(tag()).not.toContain("request.headers");
  });

  it("the old expression never yields a value in the stats filter's attributes", () => {
    expect(labelFor("request.auth.principal", attributes({ "envoy.filters.http.jwt_authn": { payload: { sub: "client-7" } } }))).toBe("unknown");
  });

  it("labels only the serving pods' inbound request counts", () => {
    expect(telemetry().spec).toEqual({
      selector: { matchLabels: { "mlops.io/role": "serving" } },
      metrics: [{ providers: [{ name: "prometheus" }], overrides: [{ match: { metric: "REQUEST_COUNT", mode: "SERVER" }, tagOverrides: { request_principal: { value: tag() } } }] }],
    });
  });

  it("alerts per known caller, never on the unknown bucket every refused request lands in", () => {
    expect(callerAlert().expr).toBe(
      'max(sum by (request_principal) (rate(istio_requests_total{reporter="destination", destination_workload_namespace="vision", destination_workload=~"classifier(-predictor)?", request_principal!~"|unknown"}[5m]))) > 20',
    );
  });
});

describeWithShared("the Telemetry against Istio 1.30's CRD", ["upstream/istio/manifests_charts_base_files_crd-all.gen.yaml"], () => {
  it("fits the v1 schema, with no field the API server would drop", () => {
    expect(upstreamCrdProblems(telemetry())).toEqual([]);
  });
});
