/**
 * One measured run, in its own process (the SDK's state is global): the platform program for N teams,
 * or the floor (as many bare resources), under the mock runtime. Writes the registered resources and
 * the figures as JSON to the file given.
 */
import * as fs from "node:fs";
import { withoutStackCapture } from "../plan/stackCapture";
import * as pulumi from "@pulumi/pulumi";
import { MlPlatform } from "../../platform/mlPlatform";
import { runUnderMocks } from "../plan/runProgram";
import { benchmarkConfig } from "./teamsConfig";

/** A resource with nothing to it: what the SDK costs per registration, whatever the program does. */
class BareResource extends pulumi.CustomResource {
  constructor(name: string) {
    super("bench:index:Bare", name, { value: name });
  }
}

async function main(): Promise<void> {
  const [kind, teamsText, outFile, floorCountText] = process.argv.slice(2);
  const teams = Number(teamsText);
  const { raw, parsed } = benchmarkConfig(teams);
  const settings = { project: "secure-ml-platform", stack: "bench", config: raw, mode: "update" as const };
  const started = process.hrtime.bigint();
  const run = await withoutStackCapture(() => kind === "floor"
    ? runUnderMocks(settings, () => {
      for (let index = 0; index < Number(floorCountText); index++) new BareResource(`bare-${index}`);
    })
    : runUnderMocks(settings, () => {
      // The program's own composition, with the config it would have parsed (modules are loaded before the clock starts).
      new MlPlatform("ml-bench", { ...parsed, databasePassword: pulumi.secret(parsed.databasePassword ?? "") });
    }));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  fs.writeFileSync(outFile, JSON.stringify({ ms, peakRssMb, resources: run.resources }));
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
