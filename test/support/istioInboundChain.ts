/**
 * The HTTP filter chain of a sidecar's inbound listener, as Istio 1.30 builds it and as its
 * EnvoyFilter HTTP_FILTER patches change it, so tests can see where an added filter really runs.
 */

/**
 * FACT: Istio 1.30.0 builds a sidecar's inbound HTTP filters in this order (no CUSTOM authorization,
 * no WasmPlugins): metadata exchange, the RequestAuthentication filter (jwt_authn), the
 * AuthorizationPolicy filters (one RBAC filter per action: DENY before ALLOW), grpc_stats, fault,
 * cors, the Telemetry stats filter, router last. istio/istio pilot/pkg/networking/core/listener_builder.go
 * (buildHTTPConnectionManager, appendMxFilter), pilot/pkg/security/authz/builder/builder.go (build:
 * DENY then ALLOW), pilot/pkg/xds/filters/filters.go and pkg/wellknown/wellknown.go (names), tag 1.30.0.
 */
export const ISTIO_1_30_INBOUND_HTTP_FILTERS = [
  "istio.metadata_exchange",
  "envoy.filters.http.jwt_authn",
  "envoy.filters.http.rbac",
  "envoy.filters.http.rbac",
  "envoy.filters.http.grpc_stats",
  "envoy.filters.http.fault",
  "envoy.filters.http.cors",
  "istio.stats",
  "envoy.filters.http.router",
];

interface HttpFilterPatch {
  applyTo?: string;
  match?: { context?: string; listener?: { filterChain?: { filter?: { name?: string; subFilter?: { name?: string } } } } };
  patch?: { operation?: string; value?: { name?: string } };
}

export interface EnvoyFilterSpec {
  priority?: number;
  configPatches?: HttpFilterPatch[];
}

/**
 * Applies the SIDECAR_INBOUND HTTP_FILTER patches of some EnvoyFilters (given in creation order) to a
 * chain of filter names.
 * FACT: istiod applies EnvoyFilters by ascending priority, then creation time
 * (pilot/pkg/model/push_context.go), and patches HTTP filters so (pilot/pkg/networking/core/envoyfilter/
 * listener_patch.go patchHTTPFilters, util.go insertBeforeFunc): ADD appends; INSERT_FIRST prepends;
 * INSERT_BEFORE with no subFilter prepends ("same as insert in the beginning"), with a subFilter
 * inserts before its first match and does nothing without one; INSERT_AFTER with no subFilter
 * appends, with one inserts after its first match. Istio 1.30.0.
 */
export function applyInboundHttpFilterPatches(chain: string[], envoyFilters: EnvoyFilterSpec[]): string[] {
  const ordered = envoyFilters.map((spec, index) => ({ spec, index })).sort((a, b) => (a.spec.priority ?? 0) - (b.spec.priority ?? 0) || a.index - b.index);
  let filters = [...chain];
  for (const { spec } of ordered) {
    for (const patch of spec.configPatches ?? []) {
      if (patch.applyTo !== "HTTP_FILTER" || !["SIDECAR_INBOUND", "ANY"].includes(patch.match?.context ?? "ANY")) continue;
      const name = patch.patch?.value?.name ?? "";
      const sub = patch.match?.listener?.filterChain?.filter?.subFilter?.name;
      const at = sub === undefined ? -1 : filters.indexOf(sub);
      switch (patch.patch?.operation) {
        case "ADD":
          filters = [...filters, name];
          break;
        case "INSERT_FIRST":
          filters = [name, ...filters];
          break;
        case "INSERT_BEFORE":
          if (sub === undefined) filters = [name, ...filters];
          else if (at >= 0) filters = [...filters.slice(0, at), name, ...filters.slice(at)];
          break;
        case "INSERT_AFTER":
          if (sub === undefined) filters = [...filters, name];
          else if (at >= 0) filters = [...filters.slice(0, at + 1), name, ...filters.slice(at + 1)];
          break;
        default:
          throw new Error(`patch operation ${patch.patch?.operation} is not modelled`);
      }
    }
  }
  return filters;
}
