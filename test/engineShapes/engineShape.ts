import type { RegisteredResource } from "../../tools/plan/runProgram";
import { analyzeInProcess } from "../support/inProcessPack";
import { bridgeCheck, bridgeState, type BridgeCheckContext } from "./bridgeCheck";
import { kubernetesCheck, type KubernetesCheckOptions } from "./kubernetesCheck";

/**
 * The resources of a recorded stack as the Pulumi engine hands them to analyzers, next to the
 * offline plan's shape (the inputs the program registered).
 *
 * FACT: the engine calls the provider's Check on the program's inputs first, then the analyzers'
 * Remediate, then Analyze on the checked (and remediated) inputs; AnalyzeStack gets each resource's
 * outputs (its state). pulumi/pulumi pkg/resource/deploy/step_generator.go at v3.248.0 (a88168d8):
 * `inputs = resp.Properties` after prov.Check (line 1230), analyzer.Remediate (1321),
 * sg.analyzeAll(ctx, analyzers, new, inputs, goal) (1353), and AnalyzeResources: "AnalyzeStack is
 * called on the final outputs of each resource" (3249); unchanged at HEAD (1b594989, v3.259.0+).
 * In preview the state of a resource to create is its checked inputs (outputs unknown until apply).
 */
export interface EngineShapeOptions extends KubernetesCheckOptions, Pick<BridgeCheckContext, "defaultTags"> {
  mode: "preview" | "update";
}

type Json = Record<string, unknown>;

/** What the mocks computed beyond the inputs (ids, ARNs, names chosen at create). */
const computedOnly = (resource: RegisteredResource): Json =>
  Object.fromEntries(Object.entries(resource.outputs).filter(([key]) => !(key in resource.inputs)));

export function engineShaped(resources: RegisteredResource[], options: EngineShapeOptions): RegisteredResource[] {
  return resources.map((resource) => {
    if (!resource.custom || resource.type.startsWith("pulumi:")) return resource;
    const computed = computedOnly(resource);
    if (resource.type.startsWith("kubernetes:")) {
      const inputs = kubernetesCheck(resource.urn, resource.name, resource.inputs, options);
      return { ...resource, inputs, outputs: { ...computed, ...inputs } };
    }
    const inputs = bridgeCheck(resource.type, resource.urn, resource.name, resource.inputs, { defaultTags: options.defaultTags, outputs: resource.outputs });
    return { ...resource, inputs, outputs: options.mode === "update" ? bridgeState(resource.type, inputs, computed) : { ...computed, ...inputs } };
  });
}

/** A rule's verdict on one resource: the policy, the resource it is about, and the enforcement level. */
export async function verdicts(resources: RegisteredResource[]): Promise<string[]> {
  const findings = await analyzeInProcess(resources);
  return [...new Set(findings.map((finding) => `${finding.policy} ${finding.level} ${finding.urn ?? "(stack)"}`))].sort();
}
