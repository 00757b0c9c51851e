import { AnalysisWhileRegistering, PolicyPackSession } from "../../tools/analyzer/runPolicies";
import type { StackContext } from "../../tools/analyzer/requests";
import { runProgram } from "../../tools/plan/runProgram";
import { readProjectStack } from "../../tools/plan/stackFile";
import { REPO_ROOT } from "../support/planCli";
import { PACK_DIR } from "../support/stackRun";

/*
 * `npm run plan` starts the pack beside the program and analyzes each resource as it is registered,
 * as the engine does. The verdicts must be those of analyzing the recorded stack afterwards, and a
 * program that fails must not wait for (or leave behind) a pack still starting.
 */
const stack = readProjectStack(REPO_ROOT, "dev");
const context: StackContext = {
  project: stack.project, stack: "dev", organization: "organization", dryRun: true,
  config: stack.config.values, secretKeys: [...stack.config.secretKeys], tags: {},
};

it("gives the verdicts of analyzing the recorded stack afterwards, resources registered before the pack was up included", async () => {
  const analysis = new AnalysisWhileRegistering(PACK_DIR, context);
  // The program runs (and registers everything) long before the pack has type-checked and started.
  const run = await runProgram(REPO_ROOT, stack, "preview", {}, analysis.add);
  const streamed = await analysis.finish(run.resources);
  const session = await PolicyPackSession.start(PACK_DIR);
  try {
    const afterwards = await session.analyze(run.resources, context);
    expect(streamed.violations).toEqual(afterwards.violations);
    expect(streamed.violations.length).toBeGreaterThan(0);
    expect(streamed.policies).toEqual(afterwards.policies);
  } finally {
    await session.stop();
  }
}, 180_000);

it("stops a pack that is still starting when the program fails, without waiting for it", async () => {
  const analysis = new AnalysisWhileRegistering(PACK_DIR, context);
  const started = Date.now();
  await analysis.abandon();
  // Starting takes 10-20 s (the pack is type-checked); stopping it early takes a moment.
  expect(Date.now() - started).toBeLessThan(5_000);
  await expect(analysis.finish([])).rejects.toThrow();
}, 60_000);
