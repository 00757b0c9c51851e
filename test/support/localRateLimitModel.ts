/**
 * What one Envoy instance's HTTP local_ratelimit filter decides for a request, given its rendered
 * configuration, so tests can exercise the configuration rather than restate it. Time stands still
 * (no refill): each test sends a burst.
 *
 * FACT (Envoy 1.37; source/extensions/filters/http/local_ratelimit/local_ratelimit.cc,
 * filters/common/local_ratelimit/local_ratelimit_impl.cc and dynamic_descriptor.cc):
 * - the filter-level `rate_limits` build one descriptor per entry from its actions; a `metadata`
 *   action reads a string at metadata_key.path in the request's dynamic metadata
 *   (filter_metadata[key]), else its default_value, else drops that descriptor;
 * - a configured descriptor matches a request descriptor with the same keys in order and equal
 *   values, an empty configured value matching any (a wildcard: one bucket per distinct value, in an
 *   LRU of max_dynamic_descriptors, default 20, whose evicted entry comes back full);
 * - matched descriptor buckets are tried first and a refusal stops there; the default token_bucket
 *   is then consumed when nothing matched or always_consume_default_token_bucket (default true).
 */

interface Entry { key: string; value: string }
interface MetadataAction { descriptor_key: string; metadata_key: { key: string; path: { key: string }[] }; default_value?: string; source?: string }
interface Action { metadata?: MetadataAction; request_headers?: { header_name: string; descriptor_key: string } }
export interface LocalRateLimitConfig {
  token_bucket: { max_tokens: number };
  descriptors?: { entries: Entry[]; token_bucket: { max_tokens: number } }[];
  rate_limits?: { actions: Action[] }[];
  max_dynamic_descriptors?: number;
  always_consume_default_token_bucket?: boolean;
}

export interface ModelRequest {
  headers?: Record<string, string>;
  /** The request's dynamic metadata by filter name, as filters before this one left it. */
  dynamicMetadata?: Record<string, unknown>;
}

function lookup(root: unknown, path: string[]): unknown {
  return path.reduce<unknown>((node, key) => (node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), root);
}

function actionEntry(action: Action, request: ModelRequest): Entry | undefined {
  if (action.metadata) {
    const { metadata_key: where, descriptor_key: key, default_value: fallback } = action.metadata;
    const found = lookup(request.dynamicMetadata?.[where.key], where.path.map((step) => step.key));
    const value = typeof found === "string" && found !== "" ? found : fallback;
    return value ? { key, value } : undefined;
  }
  if (action.request_headers) {
    const value = request.headers?.[action.request_headers.header_name.toLowerCase()];
    return value ? { key: action.request_headers.descriptor_key, value } : undefined;
  }
  throw new Error(`rate limit action ${JSON.stringify(action)} is not modelled`);
}

/** The descriptors the filter's rate_limits produce for a request (what Envoy logs as "populate descriptor"). */
export function requestDescriptors(config: LocalRateLimitConfig, request: ModelRequest): Entry[][] {
  return (config.rate_limits ?? []).flatMap((rateLimit) => {
    const entries = rateLimit.actions.map((action) => actionEntry(action, request));
    return entries.every((entry): entry is Entry => entry !== undefined) ? [entries] : [];
  });
}

const matches = (configured: Entry[], requested: Entry[]) =>
  configured.length === requested.length && configured.every((entry, index) => entry.key === requested[index].key && (entry.value === "" || entry.value === requested[index].value));

/** One Envoy instance's limiter: tokens per bucket, dynamic buckets in LRU order (least recently used first). */
export class LocalRateLimiterModel {
  private globalTokens: number;
  private readonly dynamic = new Map<string, number>();

  constructor(private readonly config: LocalRateLimitConfig) {
    this.globalTokens = config.token_bucket.max_tokens;
  }

  /** Whether the request passes (true) or gets the local reply (false). */
  allows(request: ModelRequest): boolean {
    const requested = requestDescriptors(this.config, request);
    let matched = false;
    for (const descriptor of this.config.descriptors ?? []) {
      const hit = requested.find((entries) => matches(descriptor.entries, entries));
      if (!hit) continue;
      matched = true;
      const id = JSON.stringify(hit);
      const tokens = this.dynamic.has(id) ? this.dynamic.get(id)! : descriptor.token_bucket.max_tokens;
      this.touch(id, tokens);
      if (tokens === 0) return false;
      this.dynamic.set(id, tokens - 1);
    }
    if (matched && this.config.always_consume_default_token_bucket === false) return true;
    if (this.globalTokens === 0) return false;
    this.globalTokens -= 1;
    return true;
  }

  /** Callers with a bucket right now. */
  get trackedCallers(): number {
    return this.dynamic.size;
  }

  private touch(id: string, tokens: number): void {
    this.dynamic.delete(id);
    this.dynamic.set(id, tokens);
    const limit = this.config.max_dynamic_descriptors ?? 20;
    while (this.dynamic.size > limit) this.dynamic.delete(this.dynamic.keys().next().value!);
  }
}
