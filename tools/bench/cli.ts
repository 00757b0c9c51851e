/**
 * `npm run bench`: how the program and the ml-guard pack scale with the number of teams, next to the
 * floors they cannot beat (the replay: the program's own resources and inputs registered as plain
 * values under the same mock runtime; a pack with no policies over the same protocol; ml-guard's own
 * policies hollowed, which is what the policy host spends on a pack of its shape) and a peer (Pulumi's
 * AWSGuard on the AWS resources). Packs are timed by wall clock and by their own process's CPU.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Command } from "commander";
import { PolicyPackSession } from "../analyzer/runPolicies";
import type { RegisteredResource } from "../plan/runProgram";
import { processCpuSeconds } from "./processCpu";
import { BENCH_STACK_CONTEXT } from "./teamsConfig";
import type { ReplayedResource } from "./worker";

const REPO_ROOT = path.resolve(__dirname, "../..");
const PACKS = {
  mlGuard: path.join(REPO_ROOT, "policypacks/ml-guard"),
  noop: path.join(__dirname, "packs/noop"),
  hollow: path.join(__dirname, "packs/hollow"),
  awsguard: path.join(__dirname, "packs/awsguard"),
};

interface WorkerResult {
  ms: number;
  peakRssMb: number;
  resources: RegisteredResource[];
}

export interface BenchRow {
  teams: number;
  resources: number;
  planMs: number;
  peakRssMb: number;
  replayMs: number;
  replayPeakRssMb: number;
  planToReplay: number;
  rssToReplay: number;
  perTeamPlanMs: number;
  policyMs: number;
  noopPolicyMs: number;
  policyToNoop: number;
  /** CPU seconds of the pack's own process over one analysis: what the engine's host pays, without this harness's client. */
  policyPackCpuS: number;
  noopPackCpuS: number;
  packCpuToNoop: number;
  /** ml-guard's policies with validations that do nothing: the policy host's per-policy cost alone. */
  hollowPolicyMs: number;
  hollowPackCpuS: number;
  /** ml-guard against its hollow copy, by the packs' CPU: what the rules themselves add. */
  packCpuToHollow: number;
  /** Plan and check overlapped, each resource analyzed as it is registered (the engine's way, and `npm run plan`'s). */
  planAndCheckMs: number;
  /** Plan, then check: the sum of the two measurements above. */
  planThenCheckMs: number;
  awsResources: number;
  mlGuardAwsPolicyMs: number;
  peerPolicyMs: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round = (value: number, digits = 0) => Number(value.toFixed(digits));

function runWorker(kind: "program" | "replay" | "overlapped", teams: number, replayFile = ""): WorkerResult {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-")), "run.json");
  const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "worker.ts"), kind, String(teams), out, replayFile], {
    cwd: REPO_ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
  });
  if (result.status !== 0) throw new Error(`bench worker (${kind}, ${teams} teams) failed:\n${result.stderr}`);
  const parsed = JSON.parse(fs.readFileSync(out, "utf8")) as WorkerResult;
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  return parsed;
}


/** Wall time and the pack process's CPU seconds of one full analysis (Remediate+Analyze per resource, AnalyzeStack), medians of runs. */
async function timePack(session: PolicyPackSession, resources: RegisteredResource[], runs: number): Promise<{ ms: number; cpuS: number }> {
  const times: number[] = [];
  const cpu: number[] = [];
  const packCpu = () => processCpuSeconds(session.pid) ?? NaN;
  for (let run = 0; run < runs; run++) {
    const cpuBefore = packCpu();
    const started = process.hrtime.bigint();
    await session.analyze(resources, BENCH_STACK_CONTEXT, { all: "advisory" });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    cpu.push(packCpu() - cpuBefore);
  }
  return { ms: median(times), cpuS: median(cpu) };
}

async function benchmark(teamCounts: number[], runs: number, log: (line: string) => void): Promise<BenchRow[]> {
  const sessions = {
    mlGuard: await PolicyPackSession.start(PACKS.mlGuard),
    noop: await PolicyPackSession.start(PACKS.noop),
    hollow: await PolicyPackSession.start(PACKS.hollow),
    awsguard: await PolicyPackSession.start(PACKS.awsguard),
  };
  try {
    const rows: BenchRow[] = [];
    for (const teams of teamCounts) {
      log(`${teams} team(s): program...`);
      const programs = Array.from({ length: runs }, () => runWorker("program", teams));
      const resources = programs[0].resources;
      log(`${teams} team(s): replay floor...`);
      const replayFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-replay-")), "resources.json");
      const recorded: ReplayedResource[] = resources.filter((resource) => resource.custom).map(({ type, name, inputs }) => ({ type, name, inputs }));
      fs.writeFileSync(replayFile, JSON.stringify(recorded));
      const replays = Array.from({ length: runs }, () => runWorker("replay", teams, replayFile));
      fs.rmSync(path.dirname(replayFile), { recursive: true, force: true });
      log(`${teams} team(s): plan and check overlapped...`);
      const overlapped = Array.from({ length: runs }, () => runWorker("overlapped", teams));
      log(`${teams} team(s): policy packs...`);
      const aws = resources.filter((resource) => resource.type.startsWith("aws:"));
      const planMs = median(programs.map((run) => run.ms));
      const replayMs = median(replays.map((run) => run.ms));
      const peakRssMb = median(programs.map((run) => run.peakRssMb));
      const replayPeakRssMb = median(replays.map((run) => run.peakRssMb));
      const mlGuard = await timePack(sessions.mlGuard, resources, runs);
      const noop = await timePack(sessions.noop, resources, runs);
      const hollow = await timePack(sessions.hollow, resources, runs);
      rows.push({
        teams,
        resources: resources.length,
        planMs: round(planMs),
        peakRssMb: round(peakRssMb),
        replayMs: round(replayMs),
        replayPeakRssMb: round(replayPeakRssMb),
        planToReplay: round(planMs / replayMs, 2),
        rssToReplay: round(peakRssMb / replayPeakRssMb, 2),
        perTeamPlanMs: round(planMs / teams, 1),
        policyMs: round(mlGuard.ms),
        noopPolicyMs: round(noop.ms),
        policyToNoop: round(mlGuard.ms / noop.ms, 2),
        policyPackCpuS: round(mlGuard.cpuS, 1),
        noopPackCpuS: round(noop.cpuS, 1),
        packCpuToNoop: round(mlGuard.cpuS / noop.cpuS, 2),
        hollowPolicyMs: round(hollow.ms),
        hollowPackCpuS: round(hollow.cpuS, 1),
        packCpuToHollow: round(mlGuard.cpuS / hollow.cpuS, 2),
        planAndCheckMs: round(median(overlapped.map((run) => run.ms))),
        planThenCheckMs: round(planMs + mlGuard.ms),
        awsResources: aws.length,
        mlGuardAwsPolicyMs: round((await timePack(sessions.mlGuard, aws, runs)).ms),
        peerPolicyMs: round((await timePack(sessions.awsguard, aws, runs)).ms),
      });
    }
    return rows;
  } finally {
    await Promise.all(Object.values(sessions).map((session) => session.stop()));
  }
}

function table(rows: BenchRow[]): string {
  const columns: [string, (row: BenchRow) => string][] = [
    ["teams", (r) => String(r.teams)], ["resources", (r) => String(r.resources)],
    ["plan ms", (r) => String(r.planMs)], ["replay ms", (r) => String(r.replayMs)], ["plan/replay", (r) => r.planToReplay.toFixed(2)],
    ["ms/team", (r) => r.perTeamPlanMs.toFixed(1)], ["RSS MB", (r) => String(r.peakRssMb)], ["replay RSS", (r) => String(r.replayPeakRssMb)], ["RSS/replay", (r) => r.rssToReplay.toFixed(2)],
    ["ml-guard ms", (r) => String(r.policyMs)], ["no-op ms", (r) => String(r.noopPolicyMs)], ["guard/no-op", (r) => r.policyToNoop.toFixed(2)],
    ["guard CPU s", (r) => r.policyPackCpuS.toFixed(1)], ["no-op CPU s", (r) => r.noopPackCpuS.toFixed(1)], ["CPU guard/no-op", (r) => r.packCpuToNoop.toFixed(2)],
    ["hollow ms", (r) => String(r.hollowPolicyMs)], ["hollow CPU s", (r) => r.hollowPackCpuS.toFixed(1)], ["CPU guard/hollow", (r) => r.packCpuToHollow.toFixed(2)],
    ["plan+check ms", (r) => String(r.planAndCheckMs)], ["plan then check", (r) => String(r.planThenCheckMs)],
    ["AWS res", (r) => String(r.awsResources)], ["ml-guard AWS ms", (r) => String(r.mlGuardAwsPolicyMs)], ["AWSGuard ms", (r) => String(r.peerPolicyMs)],
  ];
  const cells = [columns.map(([title]) => title), ...rows.map((row) => columns.map(([, value]) => value(row)))];
  const widths = columns.map((_, index) => Math.max(...cells.map((line) => line[index].length)));
  return cells.map((line) => line.map((cell, index) => cell.padStart(widths[index])).join("  ")).join("\n");
}

/** Per-team plan cost at each team count against the 100-team and 10-team runs (1.00 is linear). */
function linearity(rows: BenchRow[]): string[] {
  const at = (teams: number) => rows.find((row) => row.teams === teams)?.perTeamPlanMs;
  return rows.filter((row) => row.teams > 10).map((row) => {
    const against = [100, 10].filter((teams) => teams !== row.teams && at(teams) !== undefined).map((teams) => `${(row.perTeamPlanMs / at(teams)!).toFixed(2)}x the ${teams}-team cost`);
    return `per-team plan cost at ${row.teams} teams: ${row.perTeamPlanMs.toFixed(1)} ms${against.length ? `, ${against.join(", ")}` : ""}`;
  });
}

const program = new Command("bench")
  .description("Benchmark the program and the ml-guard pack against their floors and a peer pack")
  .option("--teams <list>", "team counts, comma-separated", "1,10,100,300")
  .option("--runs <n>", "runs per measurement (the median is reported)", "3")
  .option("--json <file>", "write the rows as JSON")
  .showHelpAfterError();
program.parse();

const options = program.opts<{ teams: string; runs: string; json?: string }>();
const teamCounts = options.teams.split(",").map(Number);
if (teamCounts.some((count) => !Number.isInteger(count) || count < 1) || !(Number(options.runs) >= 1)) {
  console.error("error: --teams takes positive integers separated by commas, --runs a positive integer");
  process.exit(2);
}

benchmark(teamCounts, Number(options.runs), (line) => console.error(line)).then((rows) => {
  console.log(`\nMachine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, ${round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`);
  console.log(table(rows));
  console.log(`\n${linearity(rows).join("\n")}`);
  if (options.json) fs.writeFileSync(options.json, `${JSON.stringify({ machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: round(os.totalmem() / 2 ** 30), node: process.version }, rows }, null, 2)}\n`);
  process.exit(0);
}, (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
