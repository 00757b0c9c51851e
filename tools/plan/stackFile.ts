import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import type { RawStackConfig } from "../../config/load";

export class StackFileError extends Error {}

export interface ProjectStack {
  project: string;
  stack: string;
  /** The program's entry file (Pulumi.yaml `main`, default index.ts). */
  main: string;
  config: RawStackConfig;
}

function readYaml(file: string): unknown {
  if (!fs.existsSync(file)) throw new StackFileError(`${file}: not found`);
  try {
    return parseYaml(fs.readFileSync(file, "utf8"), { maxAliasCount: 100 });
  } catch (error) {
    throw new StackFileError(`${file}: not valid YAML (${(error as Error).message.split("\n")[0]})`);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Offline, a `secure:` value cannot be decrypted (no passphrase or Pulumi Cloud), so it becomes a
 * placeholder that is stable per ciphertext and still flows through the program as a secret.
 */
function placeholderFor(ciphertext: string): string {
  return `offline-secret-${createHash("sha256").update(ciphertext).digest("hex").slice(0, 12)}`;
}

/** Replaces `{secure: ...}` leaves; reports whether any were found. */
function resolveSecure(value: unknown): { value: unknown; secret: boolean } {
  if (isRecord(value)) {
    if (Object.keys(value).length === 1 && typeof value.secure === "string") return { value: placeholderFor(value.secure), secret: true };
    let secret = false;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      const resolved = resolveSecure(inner);
      out[key] = resolved.value;
      secret ||= resolved.secret;
    }
    return { value: out, secret };
  }
  if (Array.isArray(value)) {
    const resolved = value.map(resolveSecure);
    return { value: resolved.map((item) => item.value), secret: resolved.some((item) => item.secret) };
  }
  return { value, secret: false };
}

/**
 * Reads `Pulumi.yaml` and `Pulumi.<stack>.yaml` the way the Pulumi CLI hands config to a program:
 * keys namespaced (`project:key` for un-namespaced ones), structured values as JSON, scalars as strings,
 * `secure:` values marked secret.
 */
export function readProjectStack(projectDir: string, stack: string): ProjectStack {
  const projectFile = readYaml(path.join(projectDir, "Pulumi.yaml"));
  if (!isRecord(projectFile) || typeof projectFile.name !== "string") {
    throw new StackFileError(`${path.join(projectDir, "Pulumi.yaml")}: has no project name`);
  }
  const project = projectFile.name;
  const stackPath = path.join(projectDir, `Pulumi.${stack}.yaml`);
  const stackFile = readYaml(stackPath) ?? {};
  if (!isRecord(stackFile)) throw new StackFileError(`${stackPath}: must be a mapping with a config section`);
  const rawConfig = stackFile.config ?? {};
  if (!isRecord(rawConfig)) throw new StackFileError(`${stackPath}: config must be a mapping of keys to values`);

  const values: Record<string, string> = {};
  const secretKeys = new Set<string>();
  for (const [rawKey, rawValue] of Object.entries(rawConfig)) {
    const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
    const { value, secret } = resolveSecure(rawValue);
    values[key] = typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
    if (secret) secretKeys.add(key);
  }
  return { project, stack, main: typeof projectFile.main === "string" ? projectFile.main : "index.ts", config: { values, secretKeys } };
}
