import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";

/**
 * A stack config problem the user can fix; one line per offending key. A RunError, so `pulumi up`
 * prints the message alone, without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
  constructor(readonly problems: string[]) {
    super(`Invalid stack config:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** How a schema path is spelled as a Pulumi config key (`project:teams[0].quota.gpu`). */
export type KeyNamer = (path: PropertyKey[]) => string;

const MAX_SHOWN_VALUE = 60;

function describeValue(input: unknown): string {
  if (input === undefined) return "nothing";
  const text = JSON.stringify(input) ?? typeof input;
  return text.length > MAX_SHOWN_VALUE ? `${text.slice(0, MAX_SHOWN_VALUE)}...` : text;
}

function typeOf(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "a list";
  return typeof input === "object" ? "an object" : `a ${typeof input}`;
}

/** Walks the schema to the object at `path`, to list which keys it does allow. */
function allowedKeysAt(schema: z.ZodType, path: PropertyKey[]): string[] {
  // zod 4 exposes every schema's definition on `_zod.def`; wrappers keep the wrapped schema in innerType/in/element.
  let def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
  const unwrap = () => {
    while (["default", "prefault", "optional", "nullable", "pipe"].includes(def.type as string)) {
      const inner = (def.innerType ?? def.in) as { _zod: { def: Record<string, unknown> } };
      def = inner._zod.def;
    }
  };
  unwrap();
  for (const segment of path) {
    if (def.type === "array") def = (def.element as { _zod: { def: Record<string, unknown> } })._zod.def;
    else if (def.type === "object") def = ((def.shape as Record<string, { _zod: { def: Record<string, unknown> } }>)[segment as string])._zod.def;
    unwrap();
  }
  return def.type === "object" ? Object.keys(def.shape as object) : [];
}

function describeIssue(issue: z.core.$ZodIssue, schema: z.ZodType, keyName: KeyNamer, isSecret: (path: PropertyKey[]) => boolean): string[] {
  const input = (issue as { input?: unknown }).input;
  const shown = isSecret(issue.path) ? "[secret]" : describeValue(input);
  switch (issue.code) {
    case "unrecognized_keys": {
      const fields = allowedKeysAt(schema, issue.path);
      // At the top level the allowed keys are config keys themselves (`aws:region`, `project:teams`).
      const allowed = issue.path.length === 0 ? fields.map((field) => keyName([field])) : fields;
      return issue.keys.map(
        (key) => `${keyName([...issue.path, key])}: unknown key; allowed here: ${allowed.join(", ")}`,
      );
    }
    case "invalid_type":
      if (input === undefined) return [`${keyName(issue.path)}: is required (${issue.expected})`];
      // A number that is not an integer is the right type with the wrong value: use the schema's message.
      if (issue.expected === "int" && typeof input === "number") return [`${keyName(issue.path)} = ${shown}: ${issue.message}`];
      return [`${keyName(issue.path)} = ${shown}: expected ${issue.expected}, got ${typeOf(input)}`];
    case "invalid_value":
      return [`${keyName(issue.path)} = ${shown}: must be one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`];
    default:
      return [`${keyName(issue.path)} = ${shown}: ${issue.message}`];
  }
}

/** Turns zod issues into one readable line per problem: key, bad value, what is allowed. */
export function toConfigError(
  error: z.ZodError,
  schema: z.ZodType,
  keyName: KeyNamer,
  isSecret: (path: PropertyKey[]) => boolean,
): ConfigError {
  return new ConfigError(error.issues.flatMap((issue) => describeIssue(issue, schema, keyName, isSecret)));
}
