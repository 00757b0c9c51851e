import { ConfigError, parsePlatformConfig, type RawStackConfig } from "../../config";

/** The problems the config loader names for a stack config it must refuse (fails the test if it accepts it). */
export function configProblems(config: RawStackConfig): string[] {
  try {
    parsePlatformConfig(config);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected the config to be rejected");
}
