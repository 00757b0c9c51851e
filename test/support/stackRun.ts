import * as path from "node:path";
import type { StackContext } from "../../tools/analyzer/requests";
import { runProgram, type ProgramRun, type RegisteredResource } from "../../tools/plan/runProgram";
import { readProjectStack } from "../../tools/plan/stackFile";
import { REPO_ROOT } from "./planCli";

export const PACK_DIR = path.join(REPO_ROOT, "policypacks/ml-guard");

/** Runs one of the repo's stacks under the mock runtime (once per test file: the SDK state is global). */
export async function runRepoStack(stack: string, mode: "preview" | "update"): Promise<{ run: ProgramRun; context: StackContext }> {
  const projectStack = readProjectStack(REPO_ROOT, stack);
  const run = await runProgram(REPO_ROOT, projectStack, mode);
  const context: StackContext = {
    project: projectStack.project, stack, organization: "organization", dryRun: mode === "preview",
    config: projectStack.config.values, secretKeys: [...projectStack.config.secretKeys], tags: {},
  };
  return { run, context };
}

/** A resource as an engine registration, for adding hand-written resources to a recorded stack. */
export function extraResource(stackUrn: string, type: string, name: string, inputs: Record<string, unknown>): RegisteredResource {
  const [prefix] = stackUrn.split("::pulumi:pulumi:Stack::");
  return {
    urn: `${prefix}::${type}::${name}`, type, name, custom: true, parent: stackUrn, dependencies: [], propertyDependencies: {},
    inputs, outputs: inputs, options: { protect: false, ignoreChanges: [], additionalSecretOutputs: [], aliases: [], customTimeouts: { create: 0, update: 0, delete: 0 } },
  };
}
