import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { parsePlatformConfig, type RawStackConfig } from "../../config";
import { jwtAuthentication, maxRequestBody } from "../../components/mesh/istioObjects";
import { localRateLimit, localRateLimitConfig, NO_SUBJECT_CALLER, perCallerInFlightBound, type EndpointRateLimits } from "../../components/mesh/rateLimit";
import { liveReplicas, perReplicaAlertRate, rateLimitRules } from "../../components/monitoring/alertRules";
import { applyInboundHttpFilterPatches, ISTIO_1_30_INBOUND_HTTP_FILTERS, type EnvoyFilterSpec } from "../support/istioInboundChain";
import { LocalRateLimiterModel, requestDescriptors, type LocalRateLimitConfig, type ModelRequest } from "../support/localRateLimitModel";
import { REPO_ROOT } from "../support/planCli";
import { describeWithShared } from "../support/upstream";
import { upstreamCrdProblems } from "../support/upstreamCrdSchema";
import { configProblems } from "../support/configProblems";

const P = "secure-ml-platform";
const SELECTOR = { "mlops.io/model-name": "classifier", "mlops.io/role": "serving" };
const LIMITS: EndpointRateLimits = { requestsPerSecond: 12, burst: 30, perCaller: { requestsPerSecond: 2, burst: 4, maxRequestSeconds: 5, maxInFlight: 14, maxCallers: 3 } };
const JWT = { issuer: "https://login.example.com", jwksUri: "https://login.example.com/jwks.json", audiences: ["ml-inference"] };

const filterOf = (limits: EndpointRateLimits) => ({ ...localRateLimit(SELECTOR, limits), metadata: { name: "classifier-rate-limit", namespace: "vision" } });
const typedConfig = (limits: EndpointRateLimits) => localRateLimitConfig(limits) as unknown as LocalRateLimitConfig & Record<string, unknown>;
/** A request as the sidecar's jwt_authn leaves it after validating a token with these claims. */
const validated = (claims: Record<string, unknown>, headers: Record<string, string> = {}): ModelRequest => ({ headers, dynamicMetadata: { "envoy.filters.http.jwt_authn": { payload: { iss: JWT.issuer, aud: "ml-inference", ...claims } } } });
const admitted = (limiter: LocalRateLimiterModel, request: ModelRequest, count: number) => Array.from({ length: count }, () => limiter.allows(request)).filter(Boolean).length;

describe("the per-caller limit's Envoy configuration", () => {
  it("keys one wildcard descriptor on the caller, with the caller's bucket, under the endpoint's bucket", () => {
    const config = typedConfig(LIMITS);
    expect(config.descriptors).toEqual([{ entries: [{ key: "caller", value: "" }], token_bucket: { max_tokens: 4, tokens_per_fill: 2, fill_interval: "1s" } }]);
    expect(config.token_bucket).toEqual({ max_tokens: 30, tokens_per_fill: 12, fill_interval: "1s" });
    expect(config).toMatchObject({ always_consume_default_token_bucket: true, local_rate_limit_per_downstream_connection: false, max_dynamic_descriptors: 3 });
  });

  it("derives the caller from the subject of the token jwt_authn validated, never from a request header", () => {
    const config = typedConfig(LIMITS);
    expect(config.rate_limits).toEqual([{
      actions: [{ metadata: { descriptor_key: "caller", metadata_key: { key: "envoy.filters.http.jwt_authn", path: [{ key: "payload" }, { key: "sub" }] }, default_value: NO_SUBJECT_CALLER, source: "DYNAMIC" } }],
    }]);
    expect(requestDescriptors(config, validated({ sub: "client-7" }))).toEqual([[{ key: "caller", value: "client-7" }]]);
    expect(JSON.stringify(config.rate_limits)).not.toContain("request_headers");
  });

  it("a client's own headers change nothing: a forged caller header lands in the token subject's bucket", () => {
    const limiter = new LocalRateLimiterModel(typedConfig(LIMITS));
    expect(admitted(limiter, validated({ sub: "attacker" }), 4)).toBe(4);
    const forgeries: Record<string, string>[] = [{ "x-caller": "victim" }, { "x-jwt-sub": "victim" }, { sub: "victim" }];
    for (const forged of forgeries) {
      expect(requestDescriptors(typedConfig(LIMITS), validated({ sub: "attacker" }, forged))).toEqual([[{ key: "caller", value: "attacker" }]]);
      expect(limiter.allows(validated({ sub: "attacker" }, forged))).toBe(false);
    }
  });

  it("no claim is copied into a header, so there is no client copy to strip (jwt_authn strips claim headers itself)", () => {
    // FACT: jwt_authn removes every claim_to_headers and forward_payload_header name from the request
    // before it extracts the token (envoyproxy/envoy source/extensions/filters/http/jwt_authn/extractor.cc
    // addProvider/sanitizeHeaders), and Istio 1.30.0's ingress integration test expects a client's copy
    // of an outputClaimToHeaders header deleted or replaced (tests/integration/pilot/common/routing.go).
    expect(jwtAuthentication(SELECTOR, JWT).spec?.jwtRules?.[0]).not.toHaveProperty("outputClaimToHeaders");
    expect(jwtAuthentication(SELECTOR, JWT).spec?.jwtRules?.[0]).not.toHaveProperty("outputPayloadToHeader");
  });

  it("limits each caller to its burst while another caller still gets its own", () => {
    const limiter = new LocalRateLimiterModel(typedConfig(LIMITS));
    expect(admitted(limiter, validated({ sub: "client-a" }), 10)).toBe(4);
    expect(admitted(limiter, validated({ sub: "client-b" }), 10)).toBe(4);
  });

  it("does not let a throttled caller drain the endpoint's backstop: refused requests take no endpoint token", () => {
    const limiter = new LocalRateLimiterModel(typedConfig({ ...LIMITS, burst: 12, perCaller: { ...LIMITS.perCaller, maxCallers: 10 } }));
    expect(admitted(limiter, validated({ sub: "greedy" }), 50)).toBe(4);
    // 12 endpoint tokens - 4 used by greedy: two fresh callers get their 4 each, the next only what is left.
    expect([admitted(limiter, validated({ sub: "b" }), 4), admitted(limiter, validated({ sub: "c" }), 4), admitted(limiter, validated({ sub: "d" }), 4)]).toEqual([4, 4, 0]);
  });

  it("puts tokens without a subject in one shared bucket, so dropping the claim buys no extra budget", () => {
    const limiter = new LocalRateLimiterModel(typedConfig(LIMITS));
    expect(requestDescriptors(typedConfig(LIMITS), validated({}))).toEqual([[{ key: "caller", value: NO_SUBJECT_CALLER }]]);
    expect(admitted(limiter, validated({}), 3) + admitted(limiter, validated({ scope: "other" }), 3)).toBe(4);
  });

  it("bounds the callers one replica tracks; past the bound the least recently seen caller's bucket starts full again", () => {
    const limiter = new LocalRateLimiterModel(typedConfig(LIMITS));
    expect(admitted(limiter, validated({ sub: "first" }), 4)).toBe(4);
    for (const sub of ["second", "third", "fourth"]) limiter.allows(validated({ sub }));
    expect(limiter.trackedCallers).toBe(3);
    expect(admitted(limiter, validated({ sub: "first" }), 10)).toBe(4);
  });

  it("answers a refusal with 429 and Retry-After, and tells every client its budget", () => {
    const config = typedConfig(LIMITS);
    expect(config.status).toEqual({ code: "TooManyRequests" });
    expect(config.response_headers_to_add).toEqual([{ header: { key: "retry-after", value: "1" }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" }]);
    expect(config.enable_x_ratelimit_headers).toBe("DRAFT_VERSION_03");
    // FACT: both default to 0% (local_rate_limit.proto): without them nothing is limited.
    expect(config.filter_enabled).toEqual({ runtime_key: "local_rate_limit_enabled", default_value: { numerator: 100, denominator: "HUNDRED" } });
    expect(config.filter_enforced).toEqual({ runtime_key: "local_rate_limit_enforced", default_value: { numerator: 100, denominator: "HUNDRED" } });
  });

  it("caps a caller's requests in flight: each request lives at most maxRequestSeconds at the proxy", () => {
    const patch = localRateLimit(SELECTOR, LIMITS).spec?.configPatches?.[1];
    expect(patch).toEqual({
      applyTo: "NETWORK_FILTER",
      match: { context: "SIDECAR_INBOUND", listener: { filterChain: { filter: { name: "envoy.filters.network.http_connection_manager" } } } },
      patch: {
        operation: "MERGE",
        value: {
          name: "envoy.filters.network.http_connection_manager",
          typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager", common_http_protocol_options: { max_stream_duration: "5s" } },
        },
      },
    });
    expect(perCallerInFlightBound(LIMITS.perCaller)).toBe(4 + 2 * 5);
  });
});

describe("where the limit runs in the sidecar's inbound chain", () => {
  const chain = (...filters: EnvoyFilterSpec[]) => applyInboundHttpFilterPatches(ISTIO_1_30_INBOUND_HTTP_FILTERS, filters);
  const rateLimit = localRateLimit(SELECTOR, LIMITS).spec as EnvoyFilterSpec;
  const bodyLimit = maxRequestBody(SELECTOR, 1 << 20).spec as EnvoyFilterSpec;

  it("runs after jwt_authn (the subject exists) and both RBAC filters (only authorized calls spend tokens), before the body buffer", () => {
    for (const filters of [chain(bodyLimit, rateLimit), chain(rateLimit, bodyLimit)]) {
      const at = filters.indexOf("envoy.filters.http.local_ratelimit");
      expect(at).toBeGreaterThan(filters.indexOf("envoy.filters.http.jwt_authn"));
      expect(at).toBeGreaterThan(filters.lastIndexOf("envoy.filters.http.rbac"));
      expect(filters[at + 1]).toBe("envoy.filters.http.buffer");
      expect(filters.filter((name) => name === "envoy.filters.http.local_ratelimit")).toHaveLength(1);
    }
  });
});

describe("rate-limit config", () => {
  const mesh = (rateLimit?: unknown) => ({ install: false, jwt: JWT, ...(rateLimit === undefined ? {} : { rateLimit }) });
  const raw = (rateLimit?: unknown): RawStackConfig => ({
    values: {
      "aws:region": "us-west-2",
      [`${P}:environment`]: "staging",
      [`${P}:teams`]: JSON.stringify([{ name: "vision", group: "ml-vision", quota: { cpu: "8", memory: "32Gi", gpu: 2 } }]),
      [`${P}:mesh`]: JSON.stringify(mesh(rateLimit)),
    },
    secretKeys: new Set(),
  });
  const problems = (rateLimit: unknown): string[] => {
    return configProblems(raw(rateLimit));
  };

  it("is on with documented defaults whenever a mesh is configured", () => {
    expect(parsePlatformConfig(raw()).mesh?.rateLimit).toEqual({
      requestsPerSecond: 50, burst: 100, perCaller: { requestsPerSecond: 5, burst: 10, maxRequestSeconds: 10, maxInFlight: 60, maxCallers: 1000 },
    });
    expect(parsePlatformConfig(raw({ perCaller: { requestsPerSecond: 8, burst: 8, maxInFlight: 88 } })).mesh?.rateLimit.perCaller).toMatchObject({ requestsPerSecond: 8, maxInFlight: 88, maxCallers: 1000 });
  });

  it.each([
    [{ requestsPerSecond: 0 }, "mesh.rateLimit.requestsPerSecond = 0: must be at least 1"],
    [{ perCaller: { burst: 2.5 } }, "mesh.rateLimit.perCaller.burst = 2.5: must be a whole number"],
    [{ perCaller: { maxCallers: 0 } }, "mesh.rateLimit.perCaller.maxCallers = 0: must be at least 1"],
    [{ requestsPerSecond: 60, burst: 50 }, "mesh.rateLimit.burst = 50: must be at least requestsPerSecond (60): a smaller bucket caps the rate at 50 a second"],
    [{ perCaller: { requestsPerSecond: 6, burst: 5, maxInFlight: 100 } }, "mesh.rateLimit.perCaller.burst = 5: must be at least requestsPerSecond (6)"],
    [{ requestsPerSecond: 4, burst: 100 }, "mesh.rateLimit.perCaller.requestsPerSecond = 5: must be at most the endpoint's requestsPerSecond (4): a caller's limit above it is never reached"],
    [{ burst: 50, requestsPerSecond: 50, perCaller: { burst: 60, maxInFlight: 200 } }, "mesh.rateLimit.perCaller.burst = 60: must be at most the endpoint's burst (50)"],
    [{ perCaller: { maxRequestSeconds: 30 } }, "mesh.rateLimit.perCaller.maxInFlight = 60: is below the 160 requests a caller can have in flight per replica (burst 10 + requestsPerSecond 5 × maxRequestSeconds 30); raise it or lower those"],
    [{ perCallers: {} }, "perCallers"],
  ])("refuses %j", (rateLimit, message) => {
    expect(problems(rateLimit).join("\n")).toContain(message);
  });

  it("accepts limits exactly at their bounds", () => {
    expect(() => parsePlatformConfig(raw({ requestsPerSecond: 5, burst: 10, perCaller: { requestsPerSecond: 5, burst: 10, maxRequestSeconds: 10, maxInFlight: 60 } }))).not.toThrow();
  });
});

describe("the stacks", () => {
  /** A stack file's config as the engine hands it over (secure values stand in as secret placeholders). */
  const stack = (file: string): RawStackConfig => {
    const config = (parse(fs.readFileSync(path.join(REPO_ROOT, file), "utf8")) as { config: Record<string, unknown> }).config;
    const secure = Object.keys(config).filter((key) => typeof config[key] === "object" && config[key] !== null && "secure" in (config[key]));
    const values = Object.fromEntries(Object.entries(config).map(([key, value]) => [key, secure.includes(key) ? "placeholder" : typeof value === "string" ? value : JSON.stringify(value)]));
    return { values, secretKeys: new Set(secure) };
  };

  it("prod limits every endpoint per caller", () => {
    expect(parsePlatformConfig(stack("Pulumi.prod.yaml")).mesh?.rateLimit.perCaller).toEqual({ requestsPerSecond: 5, burst: 10, maxRequestSeconds: 10, maxInFlight: 60, maxCallers: 1000 });
  });

  it("staging, which configures no mesh yet, gets the defaults as soon as it does", () => {
    const staging = stack("Pulumi.staging.yaml");
    expect(staging.values[`${P}:mesh`]).toBeUndefined();
    const withMesh = { ...staging, values: { ...staging.values, [`${P}:mesh`]: JSON.stringify({ install: false, jwt: JWT }) } };
    expect(parsePlatformConfig(withMesh).mesh?.rateLimit.perCaller.requestsPerSecond).toBe(5);
  });
});

describe("rate-limit alerts account for replicas", () => {
  const endpoint = { namespace: "vision", name: "classifier" };
  const rules = rateLimitRules(endpoint, { ...LIMITS, requestsPerSecond: 50, perCaller: { ...LIMITS.perCaller, requestsPerSecond: 5 } }, { latencyP95Ms: 1, errorRatePercent: 1, authFailuresPerMinute: 1, callerRequestsPerSecond: 1, gpuQuotaPercent: 1, rateLimitUsePercent: 80 });
  const rule = (name: string) => rules.find((candidate) => candidate.alert === name)!;
  /** The threshold a rule compares with, for a given live replica count (the scalar kube-state-metrics gives). */
  const thresholdAt = (expr: string, replicas: number) => {
    const [, factor, scalar] = /> ([\d.]+) \* (scalar\(.*\))$/.exec(expr)!;
    expect(scalar).toBe(liveReplicas(endpoint));
    return Number(factor) * replicas;
  };

  it("scales the endpoint backstop alert with the replicas serving: 80% of 50/s per replica", () => {
    expect(thresholdAt(rule("ModelEndpointNearRateLimitBackstop").expr as string, 1)).toBe(40);
    expect(thresholdAt(rule("ModelEndpointNearRateLimitBackstop").expr as string, 3)).toBe(120);
  });

  it("scales the per-caller alert the same way, per caller label, counting only admitted requests", () => {
    const expr = rule("ModelEndpointCallerNearRateLimit").expr as string;
    expect(expr).toMatch(/^sum by \(request_principal\) \(rate\(istio_requests_total\{.*request_principal!~"\|unknown", response_flags!="RL"\}\[5m\]\)\) > /);
    expect(thresholdAt(expr, 4)).toBe(16);
  });

  it("reads the live replicas of either runtime's workload", () => {
    expect(liveReplicas(endpoint)).toBe('scalar(sum(kube_deployment_status_replicas_available{namespace="vision", deployment=~"classifier(-predictor)?"}))');
    expect(perReplicaAlertRate(7, 33)).toBe(2.31);
  });

  it("raises a per-caller alert for callers the limit keeps refusing", () => {
    expect(rule("ModelEndpointCallerRateLimited").expr).toContain('response_code="429", response_flags="RL"');
  });
});

describeWithShared("the rate-limit EnvoyFilter against Istio 1.30's CRD", ["upstream/istio/manifests_charts_base_files_crd-all.gen.yaml"], () => {
  it("fits networking.istio.io/v1alpha3 EnvoyFilter, with no field the API server would drop", () => {
    expect(upstreamCrdProblems(filterOf(LIMITS))).toEqual([]);
  });
});
