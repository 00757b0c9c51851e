/**
 * Istio security objects (security.istio.io/v1, networking.istio.io/v1 and v1alpha3) as their
 * published CRD types describe them. Pure builders: MeshAuth and ModelEndpoint create them.
 */
import type { IServiceEntry } from "@kubernetes-models/istio/networking.istio.io/v1/ServiceEntry" with { "resolution-mode": "import" };
import type { IEnvoyFilter } from "@kubernetes-models/istio/networking.istio.io/v1alpha3/EnvoyFilter" with { "resolution-mode": "import" };
import type { IAuthorizationPolicy } from "@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy" with { "resolution-mode": "import" };
import type { IPeerAuthentication } from "@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication" with { "resolution-mode": "import" };
import type { IRequestAuthentication } from "@kubernetes-models/istio/security.istio.io/v1/RequestAuthentication" with { "resolution-mode": "import" };
import type { EgressTarget } from "../tenancy/networkPolicies";

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

/**
 * Validates tokens of the issuer on the selected workloads, taken only from `Authorization: Bearer`:
 * with no location given, Envoy also reads the `access_token` query parameter, and a token in the URL
 * ends up in access logs. The original token is not forwarded to the model server.
 */
export function jwtAuthentication(selector: Labels, jwt: JwtSettings): WithoutMetadata<IRequestAuthentication> {
  return {
    apiVersion: "security.istio.io/v1",
    kind: "RequestAuthentication",
    spec: {
      selector: { matchLabels: selector },
      jwtRules: [{
        issuer: jwt.issuer, jwksUri: jwt.jwksUri, audiences: jwt.audiences, forwardOriginalToken: false,
        fromHeaders: [{ name: "Authorization", prefix: "Bearer " }],
      }],
    },
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

/** Lets the named workload identities (and only them) reach the selected workloads, on the given ports. */
export function allowPeers(selector: Labels, principals: string[], ports: number[]): WithoutMetadata<IAuthorizationPolicy> {
  return {
    apiVersion: "security.istio.io/v1",
    kind: "AuthorizationPolicy",
    spec: { selector: { matchLabels: selector }, action: "ALLOW", rules: [{ from: [{ source: { principals } }], to: [{ operation: { ports: ports.map(String) } }] }] },
  };
}

export interface InferenceAccess {
  selector: Labels;
  /** The ingress gateway's identity: requests must come through it. */
  gatewayPrincipal: string;
  issuer: string;
  port: number;
  /** Claims the token must carry (claim name -> accepted values); a dotted name is a nested claim. */
  requiredClaims?: Record<string, string[]>;
}

/** Istio reads `request.auth.claims[a][b]` as the nested claim a.b; `[a.b]` would be a claim literally named "a.b". */
export const claimKey = (claim: string) => `request.auth.claims[${claim.split(".").join("][")}]`;

/**
 * Allows inference calls only through the ingress gateway, with a valid token from the issuer, and
 * (when asked) the required claims.
 */
export function allowInference(access: InferenceAccess): WithoutMetadata<IAuthorizationPolicy> {
  const when = Object.entries(access.requiredClaims ?? {}).map(([claim, values]) => ({ key: claimKey(claim), values }));
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

/**
 * Where an added HTTP filter goes: immediately before `before` in the selected workloads' inbound
 * chain, after Istio's jwt_authn and RBAC filters, so only authenticated and authorized requests
 * reach it. `priority` orders EnvoyFilters (lower first), so a filter placed before another added
 * one is patched in after that one exists.
 */
export interface Placement {
  before: string;
  priority: number;
}

const ROUTER = "envoy.filters.http.router";
const BUFFER = "envoy.filters.http.buffer";
export const HTTP_CONNECTION_MANAGER = "envoy.filters.network.http_connection_manager";
/** The body limit goes just before the router; the rate limit just before the body limit, so a refused request is never buffered. */
const BODY_LIMIT_PLACEMENT: Placement = { before: ROUTER, priority: 10 };
export const RATE_LIMIT_PLACEMENT: Placement = { before: BUFFER, priority: 20 };

/** An EnvoyFilter adding one HTTP filter to the selected workloads' inbound listener, at an explicit place. */
export function inboundHttpFilter(selector: Labels, filter: string, typedConfig: Record<string, unknown>, placement: Placement): WithoutMetadata<IEnvoyFilter> {
  return {
    apiVersion: "networking.istio.io/v1alpha3",
    kind: "EnvoyFilter",
    spec: {
      workloadSelector: { labels: selector },
      priority: placement.priority,
      configPatches: [{
        applyTo: "HTTP_FILTER",
        match: {
          context: "SIDECAR_INBOUND",
          listener: { filterChain: { filter: { name: HTTP_CONNECTION_MANAGER, subFilter: { name: placement.before } } } },
        },
        patch: { operation: "INSERT_BEFORE", value: { name: filter, typed_config: typedConfig } },
      }],
    },
  };
}

/** Rejects authorized inference requests whose body exceeds the limit at the proxy (413), before the model server sees them. */
export function maxRequestBody(selector: Labels, maxBytes: number): WithoutMetadata<IEnvoyFilter> {
  return inboundHttpFilter(selector, BUFFER, {
    "@type": "type.googleapis.com/envoy.extensions.filters.http.buffer.v3.Buffer",
    max_request_bytes: maxBytes,
  }, BODY_LIMIT_PLACEMENT);
}

/**
 * Registers one egress destination with the mesh (outboundTrafficPolicy REGISTRY_ONLY drops traffic to
 * anything unregistered), exactly as the NetworkPolicy allows it: its CIDR and ports, for TLS only the
 * listed names (SNI). Resolution NONE forwards to the address the client dialled; visible only in the
 * team's namespace.
 */
export function egressServiceEntry(destination: EgressTarget): WithoutMetadata<IServiceEntry> {
  const protocol = destination.protocol ?? "TLS";
  return {
    apiVersion: "networking.istio.io/v1",
    kind: "ServiceEntry",
    spec: {
      hosts: destination.hosts,
      addresses: [destination.cidr],
      ports: destination.ports.map((port) => ({ number: port, name: `${protocol.toLowerCase()}-${port}`, protocol })),
      location: "MESH_EXTERNAL",
      resolution: "NONE",
      exportTo: ["."],
    },
  };
}
