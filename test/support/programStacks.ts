import * as path from "node:path";
import type { ProgramRun } from "../../tools/plan/runProgram";
import { readProjectStack } from "../../tools/plan/stackFile";
import { REPO_ROOT } from "./planCli";

export const TEAM_STACK_DIR = path.join(REPO_ROOT, "examples/team-stack");

export interface StackRecording {
  /** `dev`, `staging`, `prod`, or `team-stack/dev`. */
  label: string;
  run: ProgramRun;
}

type RunProgram = typeof import("../../tools/plan/runProgram").runProgram;
type WithoutStackCapture = typeof import("../../tools/plan/stackCapture").withoutStackCapture;
type ToDisplayValue = typeof import("../../tools/plan/propertyValues").toDisplayValue;

/**
 * Runs one stack under the mock runtime in a fresh module registry: the SDK keeps its state per
 * registry and a program's entry module runs once per registry, so each stack gets its own.
 */
async function isolatedRun(projectDir: string, stack: string, mode: "preview" | "update", references: Record<string, Record<string, unknown>> = {}): Promise<ProgramRun> {
  let run: ProgramRun | undefined;
  await jest.isolateModulesAsync(async () => {
    const { runProgram } = require("../../tools/plan/runProgram") as { runProgram: RunProgram };
    const { withoutStackCapture } = require("../../tools/plan/stackCapture") as { withoutStackCapture: WithoutStackCapture };
    run = await withoutStackCapture(() => runProgram(projectDir, readProjectStack(projectDir, stack), mode, references));
  });
  return run!;
}

/**
 * Every stack of the repository: the platform's dev, staging and prod, and the example team stack
 * on the dev platform's outputs (read through its StackReference, as `plan --stack-reference` does).
 */
export async function recordEveryStack(mode: "preview" | "update"): Promise<StackRecording[]> {
  const platform: StackRecording[] = [];
  for (const stack of ["dev", "staging", "prod"]) platform.push({ label: stack, run: await isolatedRun(REPO_ROOT, stack, mode) });
  const team = readProjectStack(TEAM_STACK_DIR, "dev");
  const reference = team.config.values[`${team.project}:platformStack`];
  // The team stack reads what `pulumi up` of the platform exported (secrets redacted, as plan --outputs writes them).
  const platformOutputs = mode === "update" ? platform[0].run.outputs : (await isolatedRun(REPO_ROOT, "dev", "update")).outputs;
  const { toDisplayValue } = require("../../tools/plan/propertyValues") as { toDisplayValue: ToDisplayValue };
  const teamRun = await isolatedRun(TEAM_STACK_DIR, "dev", mode, { [reference]: toDisplayValue(platformOutputs) as Record<string, unknown> });
  return [...platform, { label: "team-stack/dev", run: teamRun }];
}
