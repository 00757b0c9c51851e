import { parsePlatformConfig } from "../../config/load";
import { readProjectStack } from "../../tools/plan/stackFile";
import { REPO_ROOT } from "../support/planCli";
import { runRepoStack } from "../support/stackRun";
import type { NamespaceBudget } from "./charts/resources";
import type { Values } from "./charts/values";

const RELEASE = "kubernetes:helm.sh/v3:Release";

export interface Release {
  name: string;
  chart: string;
  version: string;
  namespace: string;
  values: Values;
}

export interface NetworkPolicy {
  namespace: string;
  name: string;
  spec: Values;
}

/** What one of the repo's stacks installs with Helm, and the namespaces it installs into. */
export interface StackInstall {
  releases: Release[];
  /** Charts the stack's config asks for (mesh.install, externalSecrets.install, supplyChain.install). */
  requestedCharts: string[];
  /** `pod-security.kubernetes.io/enforce` of each namespace the program creates. */
  enforceLevels: Map<string, string>;
  budgets: Map<string, NamespaceBudget>;
  networkPolicies: NetworkPolicy[];
  /** Every Service the program creates outside Helm: where a provider or a policy points must exist. */
  services: { namespace: string; name: string; ports: Values[] }[];
}

/**
 * kube-system is not the program's: it relies on Pod Security Admission's default there.
 * FACT (kubernetes.io/docs/concepts/security/pod-security-admission): a namespace without an enforce
 * label gets the admission configuration's default, `privileged` unless the cluster operator changed it.
 */
export const CLUSTER_NAMESPACE_LEVELS: Record<string, string> = { "kube-system": "privileged" };

type Inputs = Record<string, any>;

/** Runs the stack under the mock runtime (the whole program, as `pulumi up` would) and collects its Helm installs. */
export async function installOf(stack: string): Promise<StackInstall> {
  const config = parsePlatformConfig(readProjectStack(REPO_ROOT, stack).config);
  const { run } = await runRepoStack(stack, "update");
  const ofType = (type: string) => run.resources.filter((resource) => resource.type === type).map((resource) => resource.inputs as Inputs);
  const budgets = new Map<string, NamespaceBudget>();
  const budget = (namespace: string) => budgets.get(namespace) ?? budgets.set(namespace, { namespace }).get(namespace)!;
  for (const limitRange of ofType("kubernetes:core/v1:LimitRange")) {
    const container = (limitRange.spec.limits as Inputs[]).find((limit) => limit.type === "Container");
    if (container) budget(limitRange.metadata.namespace).defaults = { default: container.default ?? {}, defaultRequest: container.defaultRequest ?? {} };
  }
  for (const quota of ofType("kubernetes:core/v1:ResourceQuota")) budget(quota.metadata.namespace).hard = quota.spec.hard;
  return {
    releases: run.resources.filter((resource) => resource.type === RELEASE).map(({ name, inputs }: { name: string; inputs: Inputs }) => ({
      name, chart: inputs.chart, version: inputs.version, namespace: inputs.namespace, values: inputs.values ?? {},
    })),
    requestedCharts: [
      ...(config.mesh?.install ? ["base", "cni", "istiod"] : []),
      ...(config.externalSecrets?.install ? ["external-secrets"] : []),
      ...(config.supplyChain?.install ? ["policy-controller"] : []),
    ].sort(),
    enforceLevels: new Map(ofType("kubernetes:core/v1:Namespace").flatMap((namespace) => {
      const level = namespace.metadata.labels?.["pod-security.kubernetes.io/enforce"];
      return level ? [[namespace.metadata.name as string, level as string]] : [];
    })),
    budgets,
    networkPolicies: ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").map((policy) => ({ namespace: policy.metadata.namespace, name: policy.metadata.name, spec: policy.spec })),
    services: ofType("kubernetes:core/v1:Service").map((service) => ({ namespace: service.metadata.namespace, name: service.metadata.name, ports: service.spec.ports })),
  };
}
