/**
 * Waivers: time-boxed, owned exceptions to a rule for the resources a pattern covers. They live in the
 * policy config of `ml-guard-waivers-valid`, so `pulumi preview --policy-pack-config` carries them and
 * they are reviewed in Git like any other config.
 */
import { memoizedByText } from "./memo";

export interface WaiverMatch {
  urn?: string;
  type?: string;
  name?: string;
  namespace?: string;
}

export interface Waiver {
  /** Exact rule name, or "*" (which never covers a mandatory rule). */
  policy: string;
  match: WaiverMatch;
  owner: string;
  reason: string;
  /** Last day (UTC) the waiver applies, YYYY-MM-DD. */
  expires: string;
}

/** What a waiver is matched against. */
export interface WaivableResource {
  urn: string;
  type: string;
  name: string;
  namespace?: string;
}

export const BLANKET_POLICY = "*";
const MATCH_KEYS = ["urn", "type", "name", "namespace"] as const;

/** The config schema of the waiver list: the engine validates `--policy-pack-config` against it. */
export function waiverListSchema(ruleNames: string[]) {
  const pattern = { type: "string", minLength: 1 } as const;
  return {
    type: "array",
    items: {
      type: "object",
      additionalProperties: false,
      required: ["policy", "match", "owner", "reason", "expires"],
      properties: {
        policy: { type: "string", enum: [BLANKET_POLICY, ...ruleNames] },
        match: { type: "object", additionalProperties: false, minProperties: 1, properties: Object.fromEntries(MATCH_KEYS.map((key) => [key, pattern])) },
        owner: pattern,
        reason: pattern,
        expires: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
      },
    },
  } as const;
}

const globRegExp = memoizedByText((pattern) => new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`));

/** `*` matches any run of characters (also `:` and `/`), everything else literally. */
export const globMatches = (pattern: string, value: string): boolean => globRegExp(pattern).test(value);

export function waiverCovers(waiver: Waiver, resource: WaivableResource): boolean {
  return MATCH_KEYS.every((key) => {
    const pattern = waiver.match[key];
    if (pattern === undefined) return true;
    const value = resource[key];
    return value !== undefined && globMatches(pattern, value);
  });
}

/** A calendar date check: the schema's pattern lets 2026-02-30 through. */
export function expiryProblem(waiver: Waiver): string | undefined {
  const date = new Date(`${waiver.expires}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== waiver.expires) return `expires ${waiver.expires} is not a calendar date (YYYY-MM-DD)`;
  return undefined;
}

/** A waiver applies through the end of its expiry day, UTC. */
export const isExpired = (waiver: Waiver, today: string = new Date().toISOString().slice(0, 10)): boolean => waiver.expires < today;

export const describeWaiver = (waiver: Waiver): string =>
  `waiver of ${waiver.policy} for ${MATCH_KEYS.filter((key) => waiver.match[key] !== undefined).map((key) => `${key}=${waiver.match[key]}`).join(" ")} (owner ${waiver.owner})`;

/** The line appended to a waived finding; tools/plan and tools/check parse it back (parseWaivedLine). */
export const waivedLine = (waiver: Waiver): string => `waived until ${waiver.expires} by ${waiver.owner}: ${waiver.reason}`;

const WAIVED_LINE = /\nwaived until (\d{4}-\d{2}-\d{2}) by (.+?): (.*)$/s;

/** Splits a diagnostic's message into the finding and the waiver that covers it, if any. */
export function parseWaivedMessage(message: string): { message: string; waiver?: { expires: string; owner: string; reason: string } } {
  const found = WAIVED_LINE.exec(message);
  if (!found) return { message };
  return { message: message.slice(0, found.index), waiver: { expires: found[1], owner: found[2], reason: found[3] } };
}
