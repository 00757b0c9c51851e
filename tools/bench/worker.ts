/**
 * One measured run, in its own process (the SDK's state is global): the platform program for N teams,
 * its replay floor (the same custom resources with the same inputs, registered as plain values, no
 * components), or the program with ml-guard analyzing each resource as it is registered and the
 * whole stack at the end (`overlapped`, as the engine runs them; the pack is started before the
 * clock). Writes the registered resources and the figures as JSON to the file given.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { withoutStackCapture } from "../plan/stackCapture";
import * as pulumi from "@pulumi/pulumi";
import { MlPlatform } from "../../platform/mlPlatform";
import { runUnderMocks } from "../plan/runProgram";
import { PolicyPackSession } from "../analyzer/runPolicies";
import { BENCH_STACK_CONTEXT, benchmarkConfig } from "./teamsConfig";

/** What the replay registers: a program's custom resources as it recorded them. */
export interface ReplayedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** A recorded custom resource, registered again under its own type token. */
class Replayed extends pulumi.CustomResource {
  constructor(type: string, name: string, inputs: Record<string, unknown>) {
    super(type, name, inputs);
  }
}

/** Registers each recorded resource again, top-level, its inputs as plain values (names made unique without their parents). */
function replay(recorded: ReplayedResource[]): void {
  const seen = new Set<string>();
  recorded.forEach(({ type, name, inputs }, index) => {
    const unique = seen.has(`${type}::${name}`) ? `${name}-${index}` : name;
    seen.add(`${type}::${unique}`);
    new Replayed(type, unique, inputs);
  });
}

const ML_GUARD = path.resolve(__dirname, "../../policypacks/ml-guard");

async function main(): Promise<void> {
  const [kind, teamsText, outFile, replayFile] = process.argv.slice(2);
  const teams = Number(teamsText);
  const { raw, parsed } = benchmarkConfig(teams);
  const settings = { project: "secure-ml-platform", stack: "bench", config: raw, mode: "update" as const };
  const recorded = kind === "replay" ? JSON.parse(fs.readFileSync(replayFile, "utf8")) as ReplayedResource[] : [];
  const session = kind === "overlapped" ? await PolicyPackSession.start(ML_GUARD) : undefined;
  const analysis = session ? await session.begin(BENCH_STACK_CONTEXT, { all: "advisory" }) : undefined;
  const started = process.hrtime.bigint();
  const run = await withoutStackCapture(() => kind === "replay"
    ? runUnderMocks(settings, () => replay(recorded))
    : runUnderMocks(settings, () => {
      // The program's own composition, with the config it would have parsed (modules are loaded before the clock starts).
      new MlPlatform("ml-bench", { ...parsed, databasePassword: pulumi.secret(parsed.databasePassword ?? "") });
    }, analysis?.add.bind(analysis)));
  if (analysis) await analysis.finish(run.resources);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  await session?.stop();
  fs.writeFileSync(outFile, JSON.stringify({ ms, peakRssMb, resources: session ? [] : run.resources }));
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
