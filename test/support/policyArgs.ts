import type { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
// The proxy module alone: the package index loads the Pulumi SDK (about 1 s per Jest run, which
// mutation testing pays once per mutant).
import { unknownCheckingProxy } from "@pulumi/policy/proxy";
import { policies } from "../../policypacks/ml-guard/policies";

/** How the engine encodes a value that is unknown until apply (first preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface Reported {
  message: string;
  urn?: string;
  /** `advisory` when the rule downgraded its finding (a value unknown in preview). */
  level: "policy" | "advisory";
}

export function policyNamed(name: string): ResourceValidationPolicy & StackValidationPolicy {
  const found = policies.find((policy) => policy.name === name);
  if (!found) throw new Error(`no policy named ${name}`);
  return found as ResourceValidationPolicy & StackValidationPolicy;
}

function recorder(reported: Reported[]) {
  return (message: string | { message: string; urn?: string; enforcementLevel: string }, urn?: string) => {
    if (typeof message === "string") reported.push({ message, urn, level: "policy" });
    else reported.push({ message: message.message, urn: message.urn, level: message.enforcementLevel === "advisory" ? "advisory" : "policy" });
  };
}

const notApplicable = (reason?: string): never => {
  throw new Error(`not applicable: ${reason ?? ""}`);
};

/**
 * Runs a resource policy the way the policy server does: props behind `unknownCheckingProxy`, the
 * policy's config as `getConfig` returns it. Returns what it reported.
 */
export function validateResource(policyName: string, type: string, props: Record<string, unknown>, config: Record<string, unknown> = {}, stackTags: Record<string, string> = {}): Reported[] {
  const { reported, pending } = startValidation(policyName, type, props, config, stackTags);
  if (pending.length > 0) throw new Error(`${policyName} validates asynchronously: use validateResourceAsync`);
  return reported;
}

/** For rules that validate asynchronously (e.g. parse HCL): waits for them as the policy server does. */
export async function validateResourceAsync(policyName: string, type: string, props: Record<string, unknown>, config: Record<string, unknown> = {}): Promise<Reported[]> {
  const { reported, pending } = startValidation(policyName, type, props, config, {});
  await Promise.all(pending);
  return reported;
}

function startValidation(policyName: string, type: string, props: Record<string, unknown>, config: Record<string, unknown>, stackTags: Record<string, string>): { reported: Reported[]; pending: Promise<void>[] } {
  const policy = policyNamed(policyName);
  const reported: Reported[] = [];
  const proxied = unknownCheckingProxy<Record<string, unknown>>(props);
  const args: ResourceValidationArgs = {
    type,
    props: proxied,
    urn: `urn:pulumi:test::test::${type}::resource`,
    name: "resource",
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    stackTags: new Map(Object.entries(stackTags)),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => config as T,
    notApplicable,
  };
  const validate = policy.validateResource;
  const pending: Promise<void>[] = [];
  for (const fn of Array.isArray(validate) ? validate : [validate]) {
    const result = fn?.(args, recorder(reported));
    if (result instanceof Promise) pending.push(result);
  }
  return { reported, pending };
}

/** A resource of a fake stack; `dependsOn` names, per input property, the resources it was computed from. */
export interface FakeResource {
  type: string;
  name: string;
  props: Record<string, unknown>;
  dependsOn?: Record<string, string[]>;
}

export function validateStack(policyName: string, resources: FakeResource[], config: Record<string, unknown> = {}): Reported[] {
  const { reported, result } = startStackValidation(policyName, resources, config);
  void result;
  return reported;
}

/** For stack rules that validate asynchronously (e.g. parse HCL): waits for them as the policy server does. */
export async function validateStackAsync(policyName: string, resources: FakeResource[], config: Record<string, unknown> = {}): Promise<Reported[]> {
  const { reported, result } = startStackValidation(policyName, resources, config);
  await result;
  return reported;
}

function startStackValidation(policyName: string, resources: FakeResource[], config: Record<string, unknown>): { reported: Reported[]; result: unknown } {
  const policy = policyNamed(policyName);
  const reported: Reported[] = [];
  const built: PolicyResource[] = resources.map((resource) => ({
    type: resource.type,
    name: resource.name,
    urn: `urn:pulumi:test::test::${resource.type}::${resource.name}`,
    props: unknownCheckingProxy<Record<string, unknown>>(resource.props),
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  }));
  const byName = new Map(built.map((resource) => [resource.name, resource]));
  resources.forEach((resource, index) => {
    for (const [property, names] of Object.entries(resource.dependsOn ?? {})) {
      built[index].propertyDependencies[property] = names.map((name) => byName.get(name)!);
    }
  });
  const args: StackValidationArgs = { resources: built, getConfig: <T extends object>() => config as T, stackTags: new Map(), notApplicable };
  return { reported, result: policy.validateStack(args, recorder(reported)) };
}

export const messages = (reported: Reported[]) => reported.map((item) => item.message);
export const enforced = (reported: Reported[]) => reported.filter((item) => item.level === "policy");
export const advisories = (reported: Reported[]) => reported.filter((item) => item.level === "advisory");
