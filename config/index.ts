import * as pulumi from "@pulumi/pulumi";
import { parsePlatformConfig, type RawStackConfig } from "./load";
import type { PlatformConfig } from "./schema";

export { ConfigError } from "./errors";
export { parsePlatformConfig, PROJECT, type RawStackConfig } from "./load";
export * from "./schema";

/** The engine stores the list of secret keys next to the config, under this key. */
const SECRET_KEYS_ENTRY = "PULUMI_CONFIG_SECRET_KEYS";

/** Reads the stack config the engine handed to this program, exactly as `pulumi up` sets it. */
export function readRawStackConfig(): RawStackConfig {
  const values = pulumi.runtime.allConfig();
  const secretKeys = new Set<string>(values[SECRET_KEYS_ENTRY] ? (JSON.parse(values[SECRET_KEYS_ENTRY]) as string[]) : []);
  delete values[SECRET_KEYS_ENTRY];
  return { values, secretKeys };
}

/** Loads and validates the stack config; throws a ConfigError before anything is registered. */
export function loadPlatformConfig(): PlatformConfig {
  return parsePlatformConfig(readRawStackConfig());
}
