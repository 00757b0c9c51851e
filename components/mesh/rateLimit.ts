/**
 * The inference rate limit of a model endpoint's sidecar: a token bucket per caller (the validated
 * token's subject), an endpoint-wide bucket as a backstop, and a bound on how long a request may
 * hold the proxy, which with the caller's bucket caps how many of a caller's requests can be in
 * flight. Everything here is per Envoy instance, that is per replica.
 *
 * FACT: Istio 1.30.0 ships the Envoy 1.37 API (istio/istio go.mod: go-control-plane/envoy
 * v1.37.1-0.20260409...). Every Envoy field below exists in it.
 */
import type { IEnvoyFilter } from "@kubernetes-models/istio/networking.istio.io/v1alpha3/EnvoyFilter" with { "resolution-mode": "import" };
import { HTTP_CONNECTION_MANAGER, inboundHttpFilter, RATE_LIMIT_PLACEMENT } from "./istioObjects";

export interface TokenBucketLimit {
  /** Sustained requests a second. */
  requestsPerSecond: number;
  /** Requests allowed at once after a quiet spell (the bucket's size); at least requestsPerSecond. */
  burst: number;
}

export interface PerCallerLimit extends TokenBucketLimit {
  /** Longest a request may take at the proxy before Envoy resets it, in seconds. */
  maxRequestSeconds: number;
  /** The per-caller concurrency cap; burst + requestsPerSecond × maxRequestSeconds must not exceed it. */
  maxInFlight: number;
  /** Callers whose buckets one replica keeps (least recently seen evicted first). */
  maxCallers: number;
}

/** Limits of one endpoint, per replica: the endpoint-wide backstop (top level) and each caller's share. */
export interface EndpointRateLimits extends TokenBucketLimit {
  perCaller: PerCallerLimit;
}

export const LOCAL_RATE_LIMIT = "envoy.filters.http.local_ratelimit";
/** The descriptor key the caller's subject is filed under. */
export const CALLER_DESCRIPTOR_KEY = "caller";
/** Where a validated token's claims are: jwt_authn's dynamic metadata, under the key Istio gives it. */
export const JWT_PAYLOAD_METADATA = { key: "envoy.filters.http.jwt_authn", path: [{ key: "payload" }, { key: "sub" }] };
/** The bucket shared by validated tokens without a `sub` claim, so leaving the claim out buys no extra budget. */
export const NO_SUBJECT_CALLER = "token-without-subject";

/**
 * The in-flight bound a per-caller limit gives: in any window of maxRequestSeconds a token bucket
 * admits at most its size plus what refills meanwhile, and every request admitted earlier has ended
 * (or been reset) by then.
 */
export const perCallerInFlightBound = (limit: Omit<PerCallerLimit, "maxInFlight" | "maxCallers">) => limit.burst + limit.requestsPerSecond * limit.maxRequestSeconds;

const oneSecondBucket = (limit: TokenBucketLimit) => ({ max_tokens: limit.burst, tokens_per_fill: limit.requestsPerSecond, fill_interval: "1s" });
const always = { numerator: 100, denominator: "HUNDRED" };

/**
 * The local_ratelimit filter's configuration.
 * FACT: envoy.filters.http.local_ratelimit (Envoy 1.37, local_rate_limit.proto and
 * source/extensions/filters/http/local_ratelimit/local_ratelimit.cc):
 * - `rate_limits` (in the filter since Envoy 1.32, data-plane-api d75ce20c) builds the request's
 *   descriptors itself, so no route needs patching; it is only consulted when `descriptors` is non-empty.
 * - a descriptor entry with an empty value is a wildcard: each distinct value gets its own bucket
 *   (dynamic token buckets, Envoy 1.34.0 changelog), kept in an LRU of `max_dynamic_descriptors`
 *   (default 20) per wildcard descriptor; past it the least recently used caller's bucket is dropped
 *   and comes back full (common/local_ratelimit/dynamic_descriptor.cc addOrGetDescriptor). Wildcards
 *   do not work with `local_rate_limit_per_downstream_connection`.
 * - matching descriptor buckets are consumed first and a refusal stops there; the default
 *   `token_bucket` is then consumed too when `always_consume_default_token_bucket` (default true)
 *   (common/local_ratelimit/local_ratelimit_impl.cc requestAllowed): a throttled caller does not
 *   drain the endpoint's backstop.
 * - `filter_enabled`/`filter_enforced` default to 0%; a refusal is a local reply with `status`
 *   (default 429) plus `response_headers_to_add`; the filter adds no Retry-After itself, and sets the
 *   response flag RateLimited ("RL" in istio_requests_total's response_flags).
 * - descriptor fill intervals must be multiples of the default bucket's; fill_interval >= 50ms.
 * FACT: the route `metadata` action (route_components.proto RateLimit.Action.MetaData) reads a string
 * from dynamic metadata by key and path; when absent it uses `default_value`, else drops the descriptor.
 * FACT: Istio sets jwt_authn's payload_in_metadata to "payload" for every RequestAuthentication rule
 * (pilot/pkg/security/authn/policy_applier.go, pilot/pkg/xds/filters/filters.go EnvoyJwtFilterPayload,
 * Istio 1.30.0), and jwt_authn stores a token's claims there only once its signature validates.
 */
export function localRateLimitConfig(limits: EndpointRateLimits): Record<string, unknown> {
  return {
    "@type": "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
    stat_prefix: "inference_rate_limit",
    status: { code: "TooManyRequests" },
    token_bucket: oneSecondBucket(limits),
    filter_enabled: { runtime_key: "local_rate_limit_enabled", default_value: always },
    filter_enforced: { runtime_key: "local_rate_limit_enforced", default_value: always },
    always_consume_default_token_bucket: true,
    local_rate_limit_per_downstream_connection: false,
    max_dynamic_descriptors: limits.perCaller.maxCallers,
    descriptors: [{ entries: [{ key: CALLER_DESCRIPTOR_KEY, value: "" }], token_bucket: oneSecondBucket(limits.perCaller) }],
    rate_limits: [{
      actions: [{ metadata: { descriptor_key: CALLER_DESCRIPTOR_KEY, metadata_key: JWT_PAYLOAD_METADATA, default_value: NO_SUBJECT_CALLER, source: "DYNAMIC" } }],
    }],
    // Buckets refill continuously at requestsPerSecond (Envoy >= 1.34 has only the timer-less token
    // bucket), so a token is back within 1/requestsPerSecond <= 1 s of a refusal.
    response_headers_to_add: [{ header: { key: "retry-after", value: "1" }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" }],
    enable_x_ratelimit_headers: "DRAFT_VERSION_03",
  };
}

/**
 * Bounds every inbound request's life on the selected pods.
 * FACT: HttpProtocolOptions.max_stream_duration (config/core/v3/protocol.proto, Envoy 1.37): "Total
 * duration to keep alive an HTTP request/response stream. If the time limit is reached the stream
 * will be reset independent of any other timeouts"; the HTTP connection manager takes it in
 * common_http_protocol_options. FACT: an EnvoyFilter NETWORK_FILTER MERGE merges the value into the
 * matched filter's typed_config (istio/istio pilot/pkg/networking/core/envoyfilter/listener_patch.go
 * patchNetworkFilter, Istio 1.30.0).
 */
function streamDurationPatch(maxRequestSeconds: number) {
  return {
    applyTo: "NETWORK_FILTER" as const,
    match: { context: "SIDECAR_INBOUND" as const, listener: { filterChain: { filter: { name: HTTP_CONNECTION_MANAGER } } } },
    patch: {
      operation: "MERGE" as const,
      value: {
        name: HTTP_CONNECTION_MANAGER,
        typed_config: {
          "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
          common_http_protocol_options: { max_stream_duration: `${maxRequestSeconds}s` },
        },
      },
    },
  };
}

/**
 * The EnvoyFilter limiting the selected workloads' authorized inbound requests (after jwt_authn and
 * RBAC, before the body buffer), per replica.
 *
 * Envoy has no per-caller concurrency limit: local_ratelimit counts arrivals, never completions, and
 * adaptive_concurrency, admission_control and circuit breakers are per filter or per cluster, not per
 * descriptor. The closest honest control is the one here: the per-caller bucket plus a hard request
 * lifetime, which caps a caller's in-flight requests at perCallerInFlightBound per replica.
 */
export function localRateLimit(selector: Record<string, string>, limits: EndpointRateLimits): Omit<IEnvoyFilter, "metadata"> {
  const filter = inboundHttpFilter(selector, LOCAL_RATE_LIMIT, localRateLimitConfig(limits), RATE_LIMIT_PLACEMENT);
  return { ...filter, spec: { ...filter.spec, configPatches: [...(filter.spec?.configPatches ?? []), streamDurationPatch(limits.perCaller.maxRequestSeconds)] } };
}
