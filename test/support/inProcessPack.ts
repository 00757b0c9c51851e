import { unknownCheckingProxy, type PolicyResource, type ResourceValidationPolicy, type StackValidationPolicy } from "@pulumi/policy";
import { policies } from "../../policypacks/ml-guard/policies";
import type { RegisteredResource } from "../../tools/plan/runProgram";

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Wire properties as the policy server hands them to rules: secrets unwrapped, unknowns kept. */
function deserialize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(deserialize);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (SECRET_SIG in record) return deserialize(record.value);
  return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, deserialize(inner)]));
}

export interface Finding {
  policy: string;
  level: string;
  message: string;
  /** The resource the finding is about: the validated resource, or the URN a stack rule named. */
  urn?: string;
}

/**
 * Every ml-guard rule over a recorded stack, in this process, as the policy server runs them (one
 * rule's failure to resolve a value is its own concern). Fast enough to check thousands of stacks;
 * the gRPC path is tested separately.
 */
export async function analyzeInProcess(resources: RegisteredResource[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  const report = (policy: ResourceValidationPolicy | StackValidationPolicy, resourceUrn?: string) => (message: string | { message: string; urn?: string; enforcementLevel: string }, urn?: string) => {
    findings.push(typeof message === "string"
      ? { policy: policy.name, level: policy.enforcementLevel ?? "advisory", message, urn: urn ?? resourceUrn }
      : { policy: policy.name, level: message.enforcementLevel, message: message.message, urn: message.urn ?? resourceUrn });
  };
  const base = { opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] }, isType: () => false, asType: () => undefined };
  const built = resources.map((resource): PolicyResource => ({
    ...base, type: resource.type, name: resource.name, urn: resource.urn,
    props: unknownCheckingProxy(deserialize(resource.custom ? resource.outputs : resource.inputs)) as Record<string, unknown>,
    dependencies: [], propertyDependencies: {},
  }));
  const byUrn = new Map(built.map((resource) => [resource.urn, resource]));
  resources.forEach((resource, index) => {
    for (const [property, urns] of Object.entries(resource.propertyDependencies)) {
      built[index].propertyDependencies[property] = urns.map((urn) => byUrn.get(urn)).filter((item): item is PolicyResource => item !== undefined);
    }
  });
  for (const policy of policies) {
    const getConfig = <T extends object>() => ({}) as T;
    const notApplicable = (): never => { throw new Error("not applicable"); };
    if ("validateResource" in policy && policy.validateResource) {
      const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
      for (const resource of resources) {
        const props = unknownCheckingProxy(deserialize(resource.inputs)) as Record<string, unknown>;
        for (const validate of validations) {
          await validate({ ...base, type: resource.type, name: resource.name, urn: resource.urn, props, stackTags: new Map(), getConfig, notApplicable }, report(policy, resource.urn));
        }
      }
    }
    if ("validateStack" in policy) {
      await policy.validateStack({ resources: built, getConfig, stackTags: new Map(), notApplicable }, report(policy));
    }
  }
  return findings;
}
