import * as pulumi from "@pulumi/pulumi";
import { parsePlatformConfig, type RawStackConfig } from "./load";
import type { PlatformConfig } from "./schema";

export { ConfigError } from "./errors";
export { parsePlatformConfig, PROJECT, type RawStackConfig } from "./load";
export * from "./schema";

/**
 * Whether the engine marked a key secret. The SDK has no public call for this; its own Config class
 * uses this runtime function, which reads the secret-key list the engine hands over with the config.
 */
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret: (key: string) => boolean };

/** Reads the stack config the engine handed to this program, exactly as `pulumi up` sets it. */
export function readRawStackConfig(): RawStackConfig {
  const values = pulumi.runtime.allConfig();
  return { values, secretKeys: new Set(Object.keys(values).filter((key) => runtimeConfig.isConfigSecret(key))) };
}

/** Loads and validates the stack config; throws a ConfigError before anything is registered. */
export function loadPlatformConfig(): PlatformConfig {
  return parsePlatformConfig(readRawStackConfig());
}
