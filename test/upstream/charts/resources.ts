import { describeWorkload, podTemplate, type Workload } from "./workloads";
import { isMap, type Values } from "./values";

type ResourceList = Record<string, string>;
interface Requirements {
  requests: ResourceList;
  limits: ResourceList;
}

/** The LimitRange `Container` entry and ResourceQuota `hard` of a namespace, as the program creates them. */
export interface NamespaceBudget {
  namespace: string;
  defaults?: { default: ResourceList; defaultRequest: ResourceList };
  hard?: ResourceList;
}

const SUFFIXES: Record<string, number> = { m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/** A Kubernetes quantity (`500m`, `2Gi`, `1`) as a number of cores or bytes. */
export function quantity(value: string | number): number {
  const match = /^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(value));
  if (!match) throw new Error(`not a quantity this suite reads: ${JSON.stringify(value)}`);
  return Number(match[1]) * SUFFIXES[match[2] ?? ""];
}

/** A total in the unit a quota is usually written in: cores as millicores, bytes as Mi. */
const shown = (key: string, amount: number): string => (key.endsWith(".cpu") ? `${Math.round(amount * 1000)}m` : `${Math.round(amount / 2 ** 20)}Mi`);

const listOf = (value: unknown): ResourceList => (isMap(value) ? (value as ResourceList) : {});

/**
 * A container's requests and limits once the API server has admitted it.
 * FACT (kubernetes.io/docs/concepts/configuration/manage-resources-containers, "if you specify a limit
 * but no request ... Kubernetes copies the limit"; pkg/apis/core/v1/defaults.go SetDefaults_Pod):
 * defaulting, before admission, sets a missing request to the limit.
 * FACT (kubernetes/kubernetes plugin/pkg/admission/limitranger/admission.go, mergeContainerResources):
 * the LimitRanger then fills every limit and request the container still lacks from the LimitRange's
 * `default` and `defaultRequest`; validation afterwards refuses a request above its limit
 * (kubernetes.io/docs/concepts/policy/limit-range: a 700m request meets a 500m default limit and the
 * pod "is invalid: ... must be less than or equal to cpu limit").
 */
export function admittedRequirements(resources: unknown, budget: NamespaceBudget): Requirements {
  const requests = { ...listOf(isMap(resources) ? resources.requests : undefined) };
  const limits = { ...listOf(isMap(resources) ? resources.limits : undefined) };
  for (const [name, limit] of Object.entries(limits)) requests[name] ??= limit;
  for (const [name, limit] of Object.entries(budget.defaults?.default ?? {})) limits[name] ??= limit;
  for (const [name, request] of Object.entries(budget.defaults?.defaultRequest ?? {})) requests[name] ??= request;
  return { requests, limits };
}

interface ContainerUse {
  name: string;
  requirements: Requirements;
  init: boolean;
}

function containersOf(workload: Workload, budget: NamespaceBudget): ContainerUse[] {
  const spec = podTemplate(workload).spec;
  const list = (field: string, init: boolean) =>
    (Array.isArray(spec[field]) ? (spec[field] as Values[]) : []).map((container) => ({ name: String(container.name), init, requirements: admittedRequirements(container.resources, budget) }));
  return [...list("containers", false), ...list("initContainers", true)];
}

/**
 * What one pod counts against a quota for `requests.cpu`-style keys.
 * FACT (kubernetes.io/docs/concepts/workloads/pods/init-containers, "Resource sharing within
 * containers"): the pod's effective request or limit is the larger of the sum over app containers and
 * the largest init container.
 */
function podUse(containers: ContainerUse[], key: string): number {
  const [kind, resource] = key.split(".") as ["requests" | "limits", string];
  const of = (use: ContainerUse) => quantity(use.requirements[kind][resource] ?? 0);
  const app = containers.filter((use) => !use.init).reduce((total, use) => total + of(use), 0);
  return Math.max(app, ...containers.filter((use) => use.init).map(of));
}

const QUOTA_KEYS = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"];

/**
 * Why the workloads a release starts in one namespace would not be admitted there: a container
 * whose request exceeds its (defaulted) limit, a container without a value the quota counts, or the
 * workloads' peak (every pod of every rollout at once) above the quota. Hook pods run alone.
 */
export function budgetProblems(workloads: Workload[], budget: NamespaceBudget): string[] {
  const problems: string[] = [];
  for (const workload of workloads) {
    for (const { name, requirements } of containersOf(workload, budget)) {
      for (const [resource, request] of Object.entries(requirements.requests)) {
        const limit = requirements.limits[resource];
        if (limit !== undefined && quantity(request) > quantity(limit)) {
          problems.push(`${describeWorkload(workload)} container ${name}: ${resource} request ${request} is above its limit ${limit} (the LimitRange default when the chart sets none): the pod is invalid`);
        }
      }
      for (const key of QUOTA_KEYS.filter((quotaKey) => budget.hard?.[quotaKey] !== undefined)) {
        const [kind, resource] = key.split(".") as ["requests" | "limits", string];
        if (requirements[kind][resource] === undefined) problems.push(`${describeWorkload(workload)} container ${name}: no ${key}, which the namespace's ResourceQuota requires`);
      }
    }
  }
  const scenarios = [workloads.filter((workload) => !workload.hook), ...workloads.filter((workload) => workload.hook).map((hook) => [hook])];
  for (const scenario of scenarios.filter((group) => group.length > 0)) {
    for (const key of QUOTA_KEYS.filter((quotaKey) => budget.hard?.[quotaKey] !== undefined)) {
      const total = scenario.reduce((sum, workload) => sum + workload.peakPods * podUse(containersOf(workload, budget), key), 0);
      const hard = budget.hard![key];
      if (total > quantity(hard) + 1e-9) {
        problems.push(`${budget.namespace}: ${scenario.map(describeWorkload).join(" + ")} need ${key} ${shown(key, total)} at their peak (${scenario.map((workload) => workload.peakPods).join(" + ")} pods), above the ResourceQuota's ${hard}`);
      }
    }
  }
  return problems;
}
