/**
 * "The pack judges what the engine gives it": for every stack of the repository (dev, staging,
 * prod, and the team stack on the dev platform's outputs), in a first preview and after `pulumi up`,
 * every ml-guard rule gives the same verdicts on the inputs the program registered (what the offline
 * plan hands the pack) and on the inputs after the providers' Check (what the engine hands it).
 * FACTs for the engine and each provider transformation: engineShape.ts, kubernetesCheck.ts, bridgeCheck.ts.
 */
import type { RegisteredResource } from "../../tools/plan/runProgram";
import { recordEveryStack, type StackRecording } from "../support/programStacks";
import { engineShaped, verdicts } from "./engineShape";

const recordings: Record<"preview" | "update", StackRecording[]> = { preview: [], update: [] };

beforeAll(async () => {
  recordings.preview = await recordEveryStack("preview");
  recordings.update = await recordEveryStack("update");
}, 180_000);

/** The registered inputs' verdicts, computed once per recording (three tests compare against them). */
const registered = new Map<RegisteredResource[], Promise<string[]>>();
const registeredVerdicts = (resources: RegisteredResource[]) => {
  if (!registered.has(resources)) registered.set(resources, verdicts(resources));
  return registered.get(resources)!;
};

const changed = (plan: RegisteredResource[], engine: RegisteredResource[]) =>
  engine.filter((resource, index) => JSON.stringify(resource.inputs) !== JSON.stringify(plan[index].inputs)).map((resource) => resource.type);

describe.each(["preview", "update"] as const)("every stack, %s", (mode) => {
  it("passes every mandatory rule of ml-guard (the offline plan's verdict, in process)", async () => {
    for (const { label, run } of recordings[mode]) {
      expect([label, (await registeredVerdicts(run.resources)).filter((verdict) => verdict.split(" ")[1] === "mandatory")]).toEqual([label, []]);
    }
  });

  it.each([
    ["Server-Side Apply (the default)", true],
    ["Client-Side Apply", false],
  ])("the checked inputs get the same verdicts as the registered ones, kubernetes provider in %s", async (_label, serverSideApply) => {
    for (const { label, run } of recordings[mode]) {
      const engine = engineShaped(run.resources, { mode, serverSideApply });
      expect([label, await verdicts(engine)]).toEqual([label, await registeredVerdicts(run.resources)]);
    }
  });

  it("is not a comparison of equal inputs: Check changes AWS resources of every stack and Kubernetes objects under Client-Side Apply", () => {
    for (const { label, run } of recordings[mode]) {
      const aws = run.resources.some((resource) => resource.type.startsWith("aws:"));
      if (aws) expect([label, changed(run.resources, engineShaped(run.resources, { mode, serverSideApply: true })).some((type) => type.startsWith("aws:"))]).toEqual([label, true]);
      expect([label, changed(run.resources, engineShaped(run.resources, { mode, serverSideApply: false })).some((type) => type.startsWith("kubernetes:"))]).toEqual([label, true]);
    }
  });
});
