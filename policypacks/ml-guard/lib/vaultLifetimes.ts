import { describeSeconds, durationSeconds } from "./durations";
import type { StackResource } from "./stack";
import { asArray, asRecord, isRecord, isUnknown } from "./values";

/**
 * How long Vault makes a token or a lease live, computed as Vault computes it (sdk/framework
 * CalculateTTL): the role's TTL, else the mount's default, else the server's; capped by the role's
 * max TTL and the mount's max (else the server's). A mount outside the stack counts as untuned.
 */

/** The Vault server's own default_lease_ttl and max_lease_ttl (768h unless its config says otherwise). */
export interface ServerLeaseDefaults {
  defaultSeconds: number;
  maxSeconds: number;
}

export const VAULT_SERVER_DEFAULT_SECONDS = 768 * 3600;

export type Lifetime =
  | { seconds: number; /** Where the figure comes from, for messages: `tokenTtl capped by tokenMaxTtl`. */ source: string }
  | { unknown: string };

interface Cap {
  seconds: number;
  what: string;
}

/** A field that is 0 or absent means "not set" to Vault; undefined here. */
function setSeconds(value: unknown): number | undefined {
  const seconds = durationSeconds(value);
  return seconds === undefined || seconds === 0 ? undefined : seconds;
}

/** A cap from a field that is set (0 or absent caps nothing). */
const capFrom = (value: unknown, what: string): Cap[] => {
  const seconds = setSeconds(value);
  return seconds === undefined ? [] : [{ seconds, what }];
};

function resolve(initial: Cap, caps: Cap[]): Lifetime {
  const lowest = caps.reduce((best, cap) => (cap.seconds < best.seconds ? cap : best));
  return lowest.seconds < initial.seconds
    ? { seconds: lowest.seconds, source: `${initial.what} capped by ${lowest.what}` }
    : { seconds: initial.seconds, source: initial.what };
}

/** `600s (10m), from tokenTtl`, for messages. */
export const describeLifetime = (lifetime: { seconds: number; source: string }) => `${describeSeconds(lifetime.seconds)}, from ${lifetime.source}`;

/** The first of `fields` (resource fields, a tune's fields) that is unknown until apply, if any. */
const unknownField = (source: Record<string, unknown>, fields: string[], prefix = "") =>
  fields.filter((field) => isUnknown(source[field])).map((field) => `${prefix}${field}`)[0];

/** The tune block of an auth mount (an object, or a one-element list in older providers). */
const tuneOf = (mount: StackResource | undefined): Record<string, unknown> =>
  asRecord(isRecord(mount?.props.tune) ? mount?.props.tune : asArray(mount?.props.tune)[0]);

/** The initial lifetime of a token issued by an auth role (ESO never renews it, so also its whole life). */
export function tokenLifetime(role: StackResource, mount: StackResource | undefined, server: ServerLeaseDefaults): Lifetime {
  const props = role.props;
  const tune = tuneOf(mount);
  const unknown = unknownField(props, ["tokenTtl", "tokenMaxTtl", "tokenExplicitMaxTtl", "tokenPeriod"]) ??
    (isUnknown(mount?.props.tune) ? "the auth mount's tune" : unknownField(tune, ["defaultLeaseTtl", "maxLeaseTtl"], "the auth mount's tune."));
  if (unknown) return { unknown };
  const mountDefault = setSeconds(tune.defaultLeaseTtl);
  const mountMax = setSeconds(tune.maxLeaseTtl);
  const caps: Cap[] = [
    mountMax !== undefined ? { seconds: mountMax, what: "the auth mount's tune.maxLeaseTtl" } : { seconds: server.maxSeconds, what: "the Vault server's max_lease_ttl" },
    ...capFrom(props.tokenMaxTtl, "tokenMaxTtl"),
    ...capFrom(props.tokenExplicitMaxTtl, "tokenExplicitMaxTtl"),
  ];
  const period = setSeconds(props.tokenPeriod);
  const ttl = setSeconds(props.tokenTtl);
  const initial: Cap = period !== undefined ? { seconds: period, what: "tokenPeriod" }
    : ttl !== undefined ? { seconds: ttl, what: "tokenTtl" }
      : mountDefault !== undefined ? { seconds: mountDefault, what: "the auth mount's default (tune.defaultLeaseTtl; tokenTtl is unset)" }
        : { seconds: server.defaultSeconds, what: "the Vault server's default (default_lease_ttl; tokenTtl is unset)" };
  return resolve(initial, caps);
}

/** The lease of credentials from a database role (vault.database.SecretBackendRole) on its mount. */
export function databaseLeaseLifetime(role: StackResource, mount: StackResource | undefined, server: ServerLeaseDefaults): Lifetime {
  const unknown = unknownField(role.props, ["defaultTtl", "maxTtl"]) ?? unknownField(mount?.props ?? {}, ["defaultLeaseTtlSeconds", "maxLeaseTtlSeconds"], "the mount's ");
  if (unknown) return { unknown };
  const mountDefault = setSeconds(mount?.props.defaultLeaseTtlSeconds);
  const mountMax = setSeconds(mount?.props.maxLeaseTtlSeconds);
  const defaultTtl = setSeconds(role.props.defaultTtl);
  const caps: Cap[] = [
    mountMax !== undefined ? { seconds: mountMax, what: "the mount's maxLeaseTtlSeconds" } : { seconds: server.maxSeconds, what: "the Vault server's max_lease_ttl" },
    ...capFrom(role.props.maxTtl, "maxTtl"),
  ];
  const initial: Cap = defaultTtl !== undefined ? { seconds: defaultTtl, what: "defaultTtl" }
    : mountDefault !== undefined ? { seconds: mountDefault, what: "the mount's default (defaultLeaseTtlSeconds; defaultTtl is unset)" }
      : { seconds: server.defaultSeconds, what: "the Vault server's default (default_lease_ttl; defaultTtl is unset)" };
  return resolve(initial, caps);
}
