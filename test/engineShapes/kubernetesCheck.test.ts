/**
 * Each change the kubernetes provider's Check makes (FACTs in kubernetesCheck.ts and
 * kubernetesQuantity.ts), first as the harness models it, then on a resource that violates a rule:
 * the pack must give the same verdict on the registered and on the checked inputs.
 */
import { SECRET_SIG_KEY } from "../../tools/plan/propertyValues";
import { kubernetesAutoname, kubernetesCheck } from "./kubernetesCheck";
import { canonicalQuantity } from "./kubernetesQuantity";
import { bothShapes, registered, urnOf, verdict } from "./shapeCases";
import { secret, UNKNOWN_VALUE } from "./wireValues";

const SSA = { serverSideApply: true };
const CSA = { serverSideApply: false };

const gpuPod = (name: string, request: unknown, limit: unknown, extra: Record<string, unknown> = {}) => registered("kubernetes:core/v1:Pod", name, {
  apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "vision" },
  spec: { containers: [{ name: "trainer", image: "trainer:1", resources: { requests: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": request }, limits: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": limit } }, ...extra }] },
});

describe("canonical quantities (the examples quantity.go documents)", () => {
  it.each([
    ["1.5", "1500m"], ["1.5Gi", "1536Mi"], ["1000", "1k"], ["0.5", "500m"], ["2048Mi", "2Gi"], ["512Ki", "512Ki"], ["0.5Ki", "512"],
    ["1024", "1024"], ["0.9n", "1n"], ["1e3", "1e3"], ["2.0", "2"], ["0", "0"], ["-1.5", "-1500m"],
  ])("%s -> %s", (given, canonical) => {
    expect(canonicalQuantity(given)).toBe(canonical);
  });

  it("reads a JSON number from its text", () => {
    expect([canonicalQuantity(2), canonicalQuantity(0.25)]).toEqual(["2", "250m"]);
  });
});

describe("the kubernetes provider's Check, as modelled", () => {
  const urn = urnOf("kubernetes:core/v1:Namespace", "research");

  it("autonames an object without metadata.name and marks it autonamed; a named or generateName object keeps its name", () => {
    const checked = kubernetesCheck(urn, "research", { apiVersion: "v1", kind: "Namespace", metadata: { labels: { a: "b" } } }, SSA);
    expect(checked.metadata).toEqual({ name: kubernetesAutoname(urn, "research"), labels: { a: "b" }, annotations: { "pulumi.com/autonamed": "true" } });
    expect(kubernetesAutoname(urn, "research")).toMatch(/^research-[0-9a-f]{8}$/);
    expect(kubernetesCheck(urn, "research", { apiVersion: "v1", kind: "Namespace", metadata: { name: UNKNOWN_VALUE } }, SSA).metadata).toEqual({ name: UNKNOWN_VALUE });
    expect(kubernetesCheck(urn, "research", { apiVersion: "v1", kind: "Namespace", metadata: { generateName: "research-" } }, SSA).metadata).toEqual({ generateName: "research-" });
  });

  it("adds the managed-by label under Client-Side Apply only, and not into unknown labels", () => {
    const namespace = { apiVersion: "v1", kind: "Namespace", metadata: { name: "research" } };
    expect(kubernetesCheck(urn, "research", namespace, CSA).metadata).toEqual({ name: "research", labels: { "app.kubernetes.io/managed-by": "pulumi" } });
    expect(kubernetesCheck(urn, "research", namespace, SSA).metadata).toEqual({ name: "research" });
    expect(kubernetesCheck(urn, "research", { ...namespace, metadata: { name: "research", labels: UNKNOWN_VALUE } }, CSA).metadata).toEqual({ name: "research", labels: UNKNOWN_VALUE });
  });

  it("removes read-only metadata", () => {
    const checked = kubernetesCheck(urn, "research", { apiVersion: "v1", kind: "Namespace", metadata: { name: "research", uid: "u", resourceVersion: "7", generation: 2, creationTimestamp: "2026-01-01T00:00:00Z", managedFields: [] } }, SSA);
    expect(checked.metadata).toEqual({ name: "research" });
  });

  it("moves a Secret's stringData into data, base64-encoded, and keeps both secret", () => {
    const checked = kubernetesCheck(urn, "db", { apiVersion: "v1", kind: "Secret", metadata: { name: "db" }, data: { user: "YWRtaW4=" }, stringData: secret({ password: "hunter2", user: "root" }) }, SSA);
    expect(checked).toEqual({ apiVersion: "v1", kind: "Secret", metadata: { name: "db" }, data: secret({ user: Buffer.from("root").toString("base64"), password: Buffer.from("hunter2").toString("base64") }) });
  });

  it("canonicalises quantities of built-in kinds only, and not when anything in the object is unknown", () => {
    const pod = gpuPod("trainer", "2", "2.0").inputs;
    const containerOf = (object: Record<string, any>) => object.spec.containers[0].resources;
    expect(containerOf(kubernetesCheck(urn, "trainer", pod, SSA))).toEqual({ requests: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": "2" }, limits: { cpu: "1", memory: "1Gi", "nvidia.com/gpu": "2" } });
    const withUnknown = structuredClone(pod) as Record<string, any>;
    withUnknown.spec.containers[0].image = UNKNOWN_VALUE;
    expect(containerOf(kubernetesCheck(urn, "trainer", withUnknown, SSA)).limits["nvidia.com/gpu"]).toBe("2.0");
    const job = { apiVersion: "kubeflow.org/v1", kind: "PyTorchJob", metadata: { name: "j", namespace: "vision" }, spec: { pytorchReplicaSpecs: { Worker: { template: { spec: pod.spec } } } } };
    expect(JSON.stringify(kubernetesCheck(urn, "j", job, SSA))).toContain('"nvidia.com/gpu":"2.0"');
    const unparsable = structuredClone(pod) as Record<string, any>;
    unparsable.spec.containers[0].resources.requests.cpu = "lots";
    expect(containerOf(kubernetesCheck(urn, "trainer", unparsable, SSA)).limits["nvidia.com/gpu"]).toBe("2.0");
  });

  it("leaves a Helm release (no kind) as given", () => {
    const release = { chart: "istio-base", namespace: "istio-system" };
    expect(kubernetesCheck(urnOf("kubernetes:helm.sh/v3:Release", "base"), "base", release, CSA)).toBe(release);
  });
});

describe("every rule gives the checked Kubernetes inputs the verdict it gives the registered ones", () => {
  it("autonamed Namespace without the restricted Pod Security label (and one whose resource name is an exempt namespace's)", async () => {
    const team = registered("kubernetes:core/v1:Namespace", "research", { apiVersion: "v1", kind: "Namespace", metadata: { labels: { "istio-injection": "disabled" } } });
    const lookalike = registered("kubernetes:core/v1:Namespace", "kube-system", { apiVersion: "v1", kind: "Namespace", metadata: {} });
    for (const options of [SSA, CSA]) {
      const { plan, engine } = await bothShapes([team, lookalike], options);
      expect(engine).toEqual(plan);
      expect(plan).toEqual(expect.arrayContaining([
        verdict("k8s-namespace-missing-restricted-pss", team), verdict("istio-namespace-disallow-injection-disabled", team),
        verdict("k8s-namespace-missing-restricted-pss", lookalike), verdict("k8s-namespace-missing-default-deny", team),
      ]));
    }
  });

  it("an autonamed Namespace whose quota, limit range and default deny name it only through their dependency", async () => {
    const team = registered("kubernetes:core/v1:Namespace", "research", { apiVersion: "v1", kind: "Namespace", metadata: { labels: { "pod-security.kubernetes.io/enforce": "restricted" } } });
    const inTeam = (type: string, name: string, kind: string, spec: Record<string, unknown>) =>
      registered(type, name, { apiVersion: type.includes("networking") ? "networking.k8s.io/v1" : "v1", kind, metadata: { name, namespace: UNKNOWN_VALUE }, spec }, { metadata: [team.urn] });
    const quota = inTeam("kubernetes:core/v1:ResourceQuota", "quota", "ResourceQuota", { hard: { "requests.nvidia.com/gpu": 0 } });
    const limits = inTeam("kubernetes:core/v1:LimitRange", "limits", "LimitRange", { limits: [{ type: "Container", default: { cpu: "500m" } }] });
    const denyIngress = inTeam("kubernetes:networking.k8s.io/v1:NetworkPolicy", "deny", "NetworkPolicy", { podSelector: {}, policyTypes: ["Ingress"] });
    const { plan, engine } = await bothShapes([team, quota, limits, denyIngress]);
    expect(engine).toEqual(plan);
    expect(plan.filter((entry) => entry.startsWith("k8s-namespace-missing"))).toEqual([verdict("k8s-namespace-missing-default-deny", team)]);
  });

  it("Secret with literal stringData (moved into data) and with literal data", async () => {
    const fromStringData = registered("kubernetes:core/v1:Secret", "db", { apiVersion: "v1", kind: "Secret", metadata: { name: "db", namespace: "vision" }, stringData: secret({ password: "hunter2" }) });
    const fromData = registered("kubernetes:core/v1:Secret", "token", { apiVersion: "v1", kind: "Secret", metadata: { name: "token", namespace: "vision" }, data: { token: " aHVudGVyMg== " } });
    const empty = registered("kubernetes:core/v1:Secret", "empty", { apiVersion: "v1", kind: "Secret", metadata: { name: "empty", namespace: "vision" }, stringData: {}, data: {} });
    const { plan, engine } = await bothShapes([fromStringData, fromData, empty]);
    expect(engine).toEqual(plan);
    expect(plan.filter((entry) => entry.startsWith("k8s-secret-disallow-literal-data"))).toEqual([verdict("k8s-secret-disallow-literal-data", fromStringData), verdict("k8s-secret-disallow-literal-data", fromData)].sort());
    expect(JSON.stringify(plan)).not.toContain(SECRET_SIG_KEY);
  });

  it("GPU request and limit written differently but equal as quantities pass on both shapes; unequal ones fail on both", async () => {
    const equal = [gpuPod("text-vs-number", "2", 2), gpuPod("decimal-point", "2", "2.0"), gpuPod("milli", "1", "1000m")];
    const unequal = gpuPod("unequal", "2", "1");
    const { plan, engine } = await bothShapes([...equal, unequal]);
    expect(engine).toEqual(plan);
    expect(plan.filter((entry) => entry.startsWith("pod-require-gpu-limits"))).toEqual([verdict("pod-require-gpu-limits", unequal)]);
  });

  it("a custom resource's quantities are not canonicalised, and its GPU limit is compared as a quantity too", async () => {
    const job = registered("kubernetes:kubeflow.org/v1:PyTorchJob", "finetune", {
      apiVersion: "kubeflow.org/v1", kind: "PyTorchJob", metadata: { name: "finetune", namespace: "vision" },
      spec: { pytorchReplicaSpecs: { Worker: { template: { spec: gpuPod("x", "2", "2.0").inputs.spec } } } },
    });
    const { plan, engine } = await bothShapes([job]);
    expect(engine).toEqual(plan);
    expect(plan.some((entry) => entry.startsWith("pod-require-gpu-limits"))).toBe(false);
  });

  it("read-only metadata and the managed-by label change no verdict of a privileged Pod", async () => {
    const pod = registered("kubernetes:core/v1:Pod", "debug", {
      apiVersion: "v1", kind: "Pod", metadata: { name: "debug", namespace: "vision", uid: "u", generation: 3, labels: { app: "debug" } },
      spec: { containers: [{ name: "shell", image: "busybox", securityContext: { privileged: true } }] },
    });
    const { plan, engine } = await bothShapes([pod], CSA);
    expect(engine).toEqual(plan);
    expect(plan).toContain(verdict("pod-disallow-privileged-containers", pod));
  });
});
