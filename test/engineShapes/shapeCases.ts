import type { RegisteredResource } from "../../tools/plan/runProgram";
import { engineShaped, verdicts, type EngineShapeOptions } from "./engineShape";

const OPTIONS = { protect: false, ignoreChanges: [], additionalSecretOutputs: [], aliases: [], customTimeouts: { create: 0, update: 0, delete: 0 } };

export const urnOf = (type: string, name: string) => `urn:pulumi:test::shapes::${type}::${name}`;

/** A registered resource; in a first preview its outputs are its inputs (the mocks echo them). */
export function registered(type: string, name: string, inputs: Record<string, unknown>, propertyDependencies: Record<string, string[]> = {}): RegisteredResource {
  return { urn: urnOf(type, name), type, name, custom: true, dependencies: Object.values(propertyDependencies).flat(), propertyDependencies, inputs, outputs: inputs, options: OPTIONS };
}

/** The pack's verdicts on the registered shape and on the engine's (checked) shape of the same resources. */
export async function bothShapes(resources: RegisteredResource[], options: Partial<EngineShapeOptions> = {}): Promise<{ plan: string[]; engine: string[] }> {
  const engine = engineShaped(resources, { mode: "preview", serverSideApply: true, ...options });
  return { plan: await verdicts(resources), engine: await verdicts(engine) };
}

/** `policy level urn`, as verdicts() lists them. */
export const verdict = (policy: string, resource: RegisteredResource, level = "mandatory") => `${policy} ${level} ${resource.urn}`;
