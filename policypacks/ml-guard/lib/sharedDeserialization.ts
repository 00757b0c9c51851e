/**
 * One deserialisation of a resource's properties per request, shared by every rule.
 *
 * FACT (@pulumi/policy 1.21.0 server.js): the Analyze handler calls
 * `deserialize_1.deserializeProperties(req.getProperties(), false)` once per policy and validation,
 * and the AnalyzeStack handler does the same for every resource once per stack policy, so with 70
 * resource and 24 stack rules each resource is rebuilt from its protobuf Struct about a hundred times.
 * `req.getProperties()` returns the same Struct object each time (google-protobuf caches message
 * fields in `wrappers_`), so caching by that object gives each rule an equal value built once.
 * The rules never write to what they are given (test/policies/sharedDeserialization.test.ts holds
 * them to it over every stack); the `proxySecrets` form, used by remediation, is left alone.
 *
 * This leans on the SDK's internals: the same test fails loudly when a new @pulumi/policy stops
 * calling the module's export, so the speed-up cannot silently disappear or go wrong.
 */
import * as sdkDeserialize from "@pulumi/policy/deserialize";

interface DeserializeModule {
  deserializeProperties: (struct: object, proxySecrets: boolean) => Record<string, unknown>;
}

const SHARED = Symbol.for("ml-guard.sharedDeserialization");

/** Replaces the SDK's deserializeProperties with a version cached per Struct; idempotent. */
export function shareDeserialization(module = sdkDeserialize as unknown as DeserializeModule): void {
  const original = module.deserializeProperties;
  if ((original as unknown as Record<symbol, boolean>)[SHARED]) return;
  const cache = new WeakMap<object, Record<string, unknown>>();
  const shared = (struct: object, proxySecrets: boolean): Record<string, unknown> => {
    if (proxySecrets) return original(struct, proxySecrets);
    let props = cache.get(struct);
    if (props === undefined) {
      props = original(struct, false);
      cache.set(struct, props);
    }
    return props;
  };
  (shared as unknown as Record<symbol, boolean>)[SHARED] = true;
  module.deserializeProperties = shared;
}
