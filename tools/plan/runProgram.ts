import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { offlineMocks } from "./mocks";
import { StackFileError } from "./stackFile";
import type { ProjectStack } from "./stackFile";

/** One resource registration, as the engine received it (wire-encoded properties). */
export interface RegisteredResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  parent?: string;
  provider?: string;
  dependencies: string[];
  /** For each input property, the URNs its value came from. */
  propertyDependencies: Record<string, string[]>;
  /** Inputs as the engine got them: secrets signed, unknowns as the sentinel. */
  inputs: Record<string, unknown>;
  /** Outputs the (mock) provider answered with, in the same encoding. */
  outputs: Record<string, unknown>;
  options: ResourceOptionsRecord;
}

/** The resource options an analyzer sees. */
export interface ResourceOptionsRecord {
  protect: boolean;
  ignoreChanges: string[];
  deleteBeforeReplace?: boolean;
  additionalSecretOutputs: string[];
  aliases: string[];
  customTimeouts: { create: number; update: number; delete: number };
}

export interface ProgramRun {
  resources: RegisteredResource[];
  /** Stack outputs, wire-encoded: secret outputs stay signed secrets. */
  outputs: Record<string, unknown>;
}

/* The request and response types of the resource monitor's RegisterResource call (generated protobuf classes). */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(fn: (value: { getUrnsList(): string[] }, key: string) => void): void };
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getProtect(): boolean | undefined;
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getDeletebeforereplacedefined(): boolean;
  getAdditionalsecretoutputsList(): string[];
  getAliasurnsList(): string[];
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
}
type Callback = (error: Error | null, response?: { getUrn(): string; getObject(): { toJavaScript(): Record<string, unknown> } | undefined }) => void;

/** Custom timeouts arrive as Go duration strings ("5m", "30s"); analyzers get seconds. */
function seconds(duration: string | undefined): number {
  const match = /^(\d+(?:\.\d+)?)(h|m|s)$/.exec(duration ?? "");
  return match ? Number(match[1]) * { h: 3600, m: 60, s: 1 }[match[2] as "h" | "m" | "s"] : 0;
}

function optionsOf(request: RegisterRequest): ResourceOptionsRecord {
  const timeouts = request.getCustomtimeouts();
  return {
    protect: request.getProtect() ?? false,
    ignoreChanges: request.getIgnorechangesList(),
    deleteBeforeReplace: request.getDeletebeforereplacedefined() ? request.getDeletebeforereplace() : undefined,
    additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
    aliases: request.getAliasurnsList(),
    customTimeouts: { create: seconds(timeouts?.getCreate()), update: seconds(timeouts?.getUpdate()), delete: seconds(timeouts?.getDelete()) },
  };
}
interface MonitorWithRegister {
  registerResource(request: RegisterRequest, callback: Callback): void;
  /** The mock monitor's record; a component's state is what it passed to registerOutputs. */
  getRegisteredResources(): Map<string, { state: { toJavaScript?(): Record<string, unknown> } | Record<string, unknown> }>;
}

/** Wraps the mock monitor so every registration is recorded with its URN, parent and dependencies, and handed on as it happens. */
function recordRegistrations(monitor: MonitorWithRegister, resources: RegisteredResource[], onRegistered: (resource: RegisteredResource) => void): void {
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) =>
    register(request, (error, response) => {
      if (!error && response) {
        const propertyDependencies: Record<string, string[]> = {};
        request.getPropertydependenciesMap().forEach((value, key) => (propertyDependencies[key] = value.getUrnsList()));
        const resource: RegisteredResource = {
          urn: response.getUrn(),
          type: request.getType(),
          name: request.getName(),
          custom: request.getCustom(),
          parent: request.getParent() || undefined,
          provider: request.getProvider() || undefined,
          dependencies: request.getDependenciesList(),
          propertyDependencies,
          inputs: request.getObject()?.toJavaScript() ?? {},
          outputs: response.getObject()?.toJavaScript() ?? {},
          options: optionsOf(request),
        };
        resources.push(resource);
        onRegistered(resource);
      }
      callback(error, response);
    });
}

export interface MockRunSettings {
  project: string;
  stack: string;
  config: { values: Record<string, string>; secretKeys: ReadonlySet<string> };
  mode: "preview" | "update";
  /** Outputs of stacks the program reads through StackReferences, by `org/project/stack`. */
  stackReferences?: Record<string, Record<string, unknown>>;
}

/**
 * Runs a program (any function that registers resources) in this process under the SDK's mock
 * runtime, and returns every resource it registered; `onRegistered` sees each one as it is
 * registered (to analyze it meanwhile, as the engine does). One run per process: the SDK's state is global.
 */
export async function runUnderMocks(settings: MockRunSettings, program: () => unknown, onRegistered: (resource: RegisteredResource) => void = () => {}): Promise<ProgramRun> {
  pulumi.runtime.setAllConfig(settings.config.values, [...settings.config.secretKeys]);
  const references = { outputs: settings.stackReferences ?? {}, missing: new Set<string>() };
  await pulumi.runtime.setMocks(offlineMocks(settings.mode, references), settings.project, settings.stack, settings.mode === "preview");
  const resources: RegisteredResource[] = [];
  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorWithRegister;
  recordRegistrations(monitor, resources, onRegistered);
  const missingReference = () =>
    new StackFileError([...references.missing].map((name) => `the program reads the stack ${name}: pass its outputs with --stack-reference ${name}=<outputs.json> (written by that stack's plan --outputs)`).join("\n"));
  try {
    await pulumi.runtime.runInPulumiStack(() => Promise.resolve(program() as Record<string, unknown>));
    await pulumi.runtime.disconnect();
  } catch (error) {
    // A program fed no outputs for a reference fails in its own way; the missing reference is the real cause.
    if (references.missing.size > 0) throw missingReference();
    throw error;
  }
  if (references.missing.size > 0) throw missingReference();
  const stackUrn = resources.find((resource) => resource.type === "pulumi:pulumi:Stack")?.urn;
  const state = stackUrn ? monitor.getRegisteredResources().get(stackUrn)?.state : undefined;
  const outputs = typeof state?.toJavaScript === "function" ? (state.toJavaScript as () => Record<string, unknown>)() : {};
  return { resources, outputs };
}

/** Runs a Pulumi project's program (its Pulumi.yaml `main`) with a stack's config under the mock runtime. */
export function runProgram(
  projectDir: string,
  stack: ProjectStack,
  mode: "preview" | "update",
  stackReferences: Record<string, Record<string, unknown>> = {},
  onRegistered?: (resource: RegisteredResource) => void,
): Promise<ProgramRun> {
  const entry = path.resolve(projectDir, stack.main);
  return runUnderMocks({ project: stack.project, stack: stack.stack, config: stack.config, mode, stackReferences }, () => require(entry), onRegistered);
}
