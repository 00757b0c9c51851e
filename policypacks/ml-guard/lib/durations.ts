/**
 * Durations as Vault and External Secrets accept them: a number of seconds, a string of digits
 * (seconds), or a Go-style duration such as `45m`, `1h30m`, `900s` (Vault also takes `d` for days).
 */
const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, "µs": 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400 };
const DURATION = /^((\d+(\.\d+)?)(ns|us|µs|ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/g;

/** Seconds, or undefined when the value is not a duration. */
export function durationSeconds(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const text = value.trim().toLowerCase();
  if (/^\d+$/.test(text)) return Number(text);
  if (!DURATION.test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(PART)) total += Number(match[1]) * UNIT_SECONDS[match[2]];
  return total;
}

/** `3600` -> `3600s (1h)`, for messages. */
export function describeSeconds(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds}s (${seconds / 3600}h)`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds}s (${seconds / 60}m)`;
  return `${seconds}s`;
}
