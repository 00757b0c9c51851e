/**
 * Istio security objects (security.istio.io/v1, networking.istio.io/v1alpha3) as their published CRD
 * types describe them. Pure builders: MeshAuth and ModelEndpoint create them.
 */
import type { IEnvoyFilter } from "@kubernetes-models/istio/networking.istio.io/v1alpha3/EnvoyFilter" with { "resolution-mode": "import" };
import type { IAuthorizationPolicy } from "@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy" with { "resolution-mode": "import" };
import type { IPeerAuthentication } from "@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication" with { "resolution-mode": "import" };
import type { IRequestAuthentication } from "@kubernetes-models/istio/security.istio.io/v1/RequestAuthentication" with { "resolution-mode": "import" };

type WithoutMetadata<T> = Omit<T, "metadata">;
type Labels = Record<string, string>;

export interface JwtSettings {
  issuer: string;
  jwksUri: string;
  audiences: string[];
}

/** SPIFFE-style identity Istio gives a service account: `<trust domain>/ns/<namespace>/sa/<account>`. */
export const workloadPrincipal = (trustDomain: string, namespace: string, serviceAccount: string) => `${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;

/** Only mutual TLS between sidecars, for every port. */
export function strictPeerAuthentication(): WithoutMetadata<IPeerAuthentication> {
  return { apiVersion: "security.istio.io/v1", kind: "PeerAuthentication", spec: { mtls: { mode: "STRICT" } } };
}

/** Validates tokens of the issuer on the selected workloads; the original token is not forwarded to the model server. */
export function jwtAuthentication(selector: Labels, jwt: JwtSettings): WithoutMetadata<IRequestAuthentication> {
  return {
    apiVersion: "security.istio.io/v1",
    kind: "RequestAuthentication",
    spec: { selector: { matchLabels: selector }, jwtRules: [{ issuer: jwt.issuer, jwksUri: jwt.jwksUri, audiences: jwt.audiences, forwardOriginalToken: false }] },
  };
}

/** An ALLOW policy with no rules matches nothing: every request to the namespace is denied unless another policy allows it. */
export function allowNothing(): WithoutMetadata<IAuthorizationPolicy> {
  return { apiVersion: "security.istio.io/v1", kind: "AuthorizationPolicy", spec: {} };
}

/** Refuses any request to the selected workloads that carries no valid token. */
export function denyWithoutToken(selector: Labels): WithoutMetadata<IAuthorizationPolicy> {
  return {
    apiVersion: "security.istio.io/v1",
    kind: "AuthorizationPolicy",
    spec: { selector: { matchLabels: selector }, action: "DENY", rules: [{ from: [{ source: { notRequestPrincipals: ["*"] } }] }] },
  };
}

/** Lets the named workload identities (and only them) reach the selected workloads. */
export function allowPeers(selector: Labels, principals: string[]): WithoutMetadata<IAuthorizationPolicy> {
  return {
    apiVersion: "security.istio.io/v1",
    kind: "AuthorizationPolicy",
    spec: { selector: { matchLabels: selector }, action: "ALLOW", rules: [{ from: [{ source: { principals } }] }] },
  };
}

export interface InferenceAccess {
  selector: Labels;
  /** The ingress gateway's identity: requests must come through it. */
  gatewayPrincipal: string;
  issuer: string;
  port: number;
  /** Claims the token must carry (claim name -> accepted values). */
  requiredClaims?: Record<string, string[]>;
}

/**
 * Allows inference calls only through the ingress gateway, with a valid token from the issuer, and
 * (when asked) the required claims.
 */
export function allowInference(access: InferenceAccess): WithoutMetadata<IAuthorizationPolicy> {
  const when = Object.entries(access.requiredClaims ?? {}).map(([claim, values]) => ({ key: `request.auth.claims[${claim}]`, values }));
  return {
    apiVersion: "security.istio.io/v1",
    kind: "AuthorizationPolicy",
    spec: {
      selector: { matchLabels: access.selector },
      action: "ALLOW",
      rules: [{
        from: [{ source: { principals: [access.gatewayPrincipal], requestPrincipals: [`${access.issuer}/*`] } }],
        to: [{ operation: { methods: ["GET", "POST"], ports: [String(access.port)] } }],
        ...(when.length > 0 ? { when } : {}),
      }],
    },
  };
}

/** An EnvoyFilter adding one HTTP filter to the selected workloads' inbound listener. */
function inboundHttpFilter(selector: Labels, filter: string, typedConfig: Record<string, unknown>): WithoutMetadata<IEnvoyFilter> {
  return {
    apiVersion: "networking.istio.io/v1alpha3",
    kind: "EnvoyFilter",
    spec: {
      workloadSelector: { labels: selector },
      configPatches: [{
        applyTo: "HTTP_FILTER",
        match: { context: "SIDECAR_INBOUND", listener: { filterChain: { filter: { name: "envoy.filters.network.http_connection_manager" } } } },
        patch: { operation: "INSERT_BEFORE", value: { name: filter, typed_config: typedConfig } },
      }],
    },
  };
}

/** Envoy's local rate limit on the selected workloads' inbound traffic: a token bucket per pod. */
export function localRateLimit(selector: Labels, requestsPerSecond: number, burst: number): WithoutMetadata<IEnvoyFilter> {
  return inboundHttpFilter(selector, "envoy.filters.http.local_ratelimit", {
    "@type": "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
    stat_prefix: "inference_rate_limit",
    token_bucket: { max_tokens: burst, tokens_per_fill: requestsPerSecond, fill_interval: "1s" },
    filter_enabled: { runtime_key: "local_rate_limit_enabled", default_value: { numerator: 100, denominator: "HUNDRED" } },
    filter_enforced: { runtime_key: "local_rate_limit_enforced", default_value: { numerator: 100, denominator: "HUNDRED" } },
  });
}

/** Rejects inference requests whose body exceeds the limit at the proxy (413), before the model server sees them. */
export function maxRequestBody(selector: Labels, maxBytes: number): WithoutMetadata<IEnvoyFilter> {
  return inboundHttpFilter(selector, "envoy.filters.http.buffer", {
    "@type": "type.googleapis.com/envoy.extensions.filters.http.buffer.v3.Buffer",
    max_request_bytes: maxBytes,
  });
}
