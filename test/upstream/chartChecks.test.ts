import { sharedGuard } from "../support/upstream";
import { budgetProblems, quantity } from "./charts/resources";
import { mergeValues, unreadKeys, type ChartReads } from "./charts/values";
import { deploymentPeakPods, type Workload } from "./charts/workloads";
import { allowsEgress } from "./networkPolicy";

// The checks the chart suites rely on, each with a case it catches and one it passes (no ../shared needed).

const READS: ChartReads = {
  declared: { replicaCount: 1, resources: {}, image: { tag: "" }, podSecurityContext: { enabled: true } },
  templateReads: [{ path: "podSecurityContext", source: "deployment.yaml copies it" }],
  legacyAliases: [{ prefix: "pilot", source: "zzy_descope_legacy.yaml" }],
};

describe("unreadKeys", () => {
  it("passes keys values.yaml declares and keys a template is known to read", () => {
    expect(unreadKeys({ replicaCount: 2, image: { tag: "1.0" }, podSecurityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } } }, READS, "chart 1.0")).toEqual([]);
  });

  it("flags a key nobody reads, under an open map too, and a legacy alias", () => {
    expect(unreadKeys({ replicas: 2, resources: { limits: { cpu: "1" } }, image: { digest: "x" }, pilot: { replicaCount: 2 } }, READS, "chart 1.0")).toEqual([
      "replicas: chart 1.0 does not read it (not in its values.yaml, and no template of the chart reads it)",
      "resources.limits.cpu: chart 1.0 does not read it (not in its values.yaml, and no template of the chart reads it)",
      "image.digest: chart 1.0 does not read it (not in its values.yaml, and no template of the chart reads it)",
      "pilot.replicaCount: chart 1.0 reads it only through a legacy alias (zzy_descope_legacy.yaml); write replicaCount",
    ]);
  });
});

describe("mergeValues (Helm coalescing)", () => {
  it("merges maps, replaces lists and scalars, and deletes on null", () => {
    expect(mergeValues({ a: { b: 1, c: [1, 2] }, d: true, e: "x" }, { a: { c: [3] }, d: false, e: null })).toEqual({ a: { b: 1, c: [3] }, d: false });
  });
});

describe("deploymentPeakPods", () => {
  it("adds the rolling update's surge: 25% rounded up by default, an absolute surge as given, none for Recreate", () => {
    expect(deploymentPeakPods(1, {})).toBe(2);
    expect(deploymentPeakPods(5, { rollingUpdate: { maxSurge: "100%" } })).toBe(10);
    expect(deploymentPeakPods(2, { rollingUpdate: { maxSurge: 1 } })).toBe(3);
    expect(deploymentPeakPods(3, { type: "Recreate" })).toBe(3);
  });
});

const deployment = (resources: Record<string, unknown>, peakPods = 1): Workload => ({
  chart: "c 1", peakPods,
  object: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "ns" }, spec: { template: { spec: { containers: [{ name: "main", resources }] } } } },
});
const BUDGET = { namespace: "ns", defaults: { default: { cpu: "500m", memory: "512Mi" }, defaultRequest: { cpu: "50m", memory: "64Mi" } }, hard: { "requests.cpu": "2", "limits.cpu": "2", "requests.memory": "2Gi", "limits.memory": "2Gi" } };

describe("budgetProblems (LimitRange defaults, then the quota at the workloads' peak)", () => {
  it("passes containers within their limits and a peak within the quota", () => {
    expect(quantity("2Gi")).toBe(2 * 2 ** 30);
    expect(budgetProblems([deployment({ requests: { cpu: "100m", memory: "128Mi" } }, 3)], BUDGET)).toEqual([]);
    // A limit alone becomes the request too, before the LimitRange looks.
    expect(budgetProblems([deployment({ limits: { cpu: "1", memory: "1Gi" } }, 2)], BUDGET)).toEqual([]);
  });

  it("catches a request above the default limit and a peak above the quota", () => {
    expect(budgetProblems([deployment({ requests: { memory: "1Gi" } })], BUDGET)).toEqual([
      "c 1 Deployment ns/d container main: memory request 1Gi is above its limit 512Mi (the LimitRange default when the chart sets none): the pod is invalid",
    ]);
    expect(budgetProblems([deployment({ requests: { cpu: "1" }, limits: { cpu: "1" } }, 3)], BUDGET)).toEqual([
      "ns: c 1 Deployment ns/d need requests.cpu 3000m at their peak (3 pods), above the ResourceQuota's 2",
      "ns: c 1 Deployment ns/d need limits.cpu 3000m at their peak (3 pods), above the ResourceQuota's 2",
    ]);
  });

  it("counts a hook pod on its own, and a container with no limit the quota needs when no LimitRange gives one", () => {
    expect(budgetProblems([deployment({ limits: { cpu: "2", memory: "2Gi" } }), { ...deployment({ limits: { cpu: "2", memory: "2Gi" } }), hook: "post-delete" }], BUDGET)).toEqual([]);
    expect(budgetProblems([deployment({ requests: { cpu: "1", memory: "1Gi" } })], { namespace: "ns", hard: BUDGET.hard })).toEqual([
      "c 1 Deployment ns/d container main: no limits.cpu, which the namespace's ResourceQuota requires",
      "c 1 Deployment ns/d container main: no limits.memory, which the namespace's ResourceQuota requires",
    ]);
  });
});

describe("allowsEgress", () => {
  const policies = [
    { namespace: "ns", name: "deny", spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
    { namespace: "ns", name: "jwks", spec: { podSelector: { matchLabels: { app: "istiod" } }, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "10.0.1.0/28" } }], ports: [{ protocol: "TCP", port: 443 }] }] } },
    { namespace: "ns", name: "idp", spec: { podSelector: { matchLabels: { app: "istiod" } }, policyTypes: ["Egress"], egress: [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "identity" } } }], ports: [{ port: 8443 }] }] } },
  ];
  it("allows what a selecting policy opens, to the CIDR or namespace and port it names", () => {
    expect(allowsEgress(policies, "ns", { app: "istiod" }, { ip: "10.0.1.15", port: 443 })).toBe(true);
    expect(allowsEgress(policies, "ns", { app: "istiod" }, { namespaceLabels: { "kubernetes.io/metadata.name": "identity" }, port: 8443 })).toBe(true);
  });
  it("denies other addresses, ports, namespaces and pods under default-deny; allows everything where no policy selects the pod", () => {
    expect(allowsEgress(policies, "ns", { app: "istiod" }, { ip: "10.0.1.16", port: 443 })).toBe(false);
    expect(allowsEgress(policies, "ns", { app: "istiod" }, { ip: "10.0.1.15", port: 80 })).toBe(false);
    expect(allowsEgress(policies, "ns", { app: "istiod" }, { namespaceLabels: { "kubernetes.io/metadata.name": "other" }, port: 8443 })).toBe(false);
    expect(allowsEgress(policies, "ns", { app: "web" }, { ip: "10.0.1.15", port: 443 })).toBe(false);
    expect(allowsEgress(policies, "elsewhere", { app: "web" }, { ip: "10.0.1.15", port: 443 })).toBe(true);
  });
});

describe("sharedGuard (suites that read ../shared)", () => {
  it("runs when the files are there, skips with the reason when not, and fails in CI", () => {
    expect(sharedGuard(["upstream/README.md"].filter(() => false))).toEqual({ action: "run" });
    expect(sharedGuard(["no/such/file"], {})).toEqual({ action: "skip", reason: expect.stringContaining("lacks no/such/file") });
    expect(sharedGuard(["no/such/file"], { CI: "true" })).toEqual({ action: "fail", reason: expect.stringMatching(/lacks no\/such\/file: CI must provide \.\.\/shared/) });
  });
});
