import { byType, installRecordingMocks, settle, single, valueOf } from "../support/pulumiMocks";
import { validateKubernetesObject } from "../support/kubernetesSchemas";
import { describeWithShared, readSharedYaml } from "../support/upstream";

const created = installRecordingMocks();

import { TeamNamespace } from "../../components";
import { teamNetworkPolicies } from "../../components/tenancy/networkPolicies";

const team = new TeamNamespace("vision", {
  group: "ml-vision",
  environment: "dev",
  dataClassification: "confidential",
  quota: { cpu: "16", memory: "64Gi", gpu: 4, pvcs: 10, storage: "2Ti", pods: 50 },
  containerDefaults: { cpuRequest: "250m", cpuLimit: "1", memoryRequest: "512Mi", memoryLimit: "2Gi" },
  podSecurityVersion: "v1.35",
  meshIngressNamespace: "istio-ingress",
  egress: [{ name: "vault", cidr: "10.0.200.0/28", ports: [8200], hosts: ["vault.internal"] }],
});

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [key: string]: any };
const objectOf = (type: string, name: string) => single(created, type, name).inputs as K8sObject;
const networkPolicy = (name: string) => objectOf("kubernetes:networking.k8s.io/v1:NetworkPolicy", `vision-${name}`).spec;

beforeAll(async () => {
  await valueOf(team.servingServiceAccountName);
  await settle();
});

describe("TeamNamespace", () => {
  it("enforces, audits and warns Pod Security restricted at a pinned version, with sidecar injection", () => {
    expect(objectOf("kubernetes:core/v1:Namespace", "vision").metadata).toMatchObject({
      name: "vision",
      labels: {
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "v1.35",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": "v1.35",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": "v1.35",
        "istio-injection": "enabled",
        "mlops.io/team": "vision",
        "mlops.io/data-classification": "confidential",
      },
    });
  });

  it("quotas GPUs, CPU, memory, storage and object counts as configured, and forbids LoadBalancers and NodePorts", () => {
    expect(objectOf("kubernetes:core/v1:ResourceQuota", "vision-quota").spec.hard).toEqual({
      "requests.cpu": "16", "limits.cpu": "16", "requests.memory": "64Gi", "limits.memory": "64Gi",
      "requests.nvidia.com/gpu": "4", persistentvolumeclaims: "10", "requests.storage": "2Ti", pods: "50",
      "services.loadbalancers": "0", "services.nodeports": "0",
    });
  });

  it("gives containers default requests and limits", () => {
    expect(objectOf("kubernetes:core/v1:LimitRange", "vision-limits").spec.limits).toEqual([
      { type: "Container", defaultRequest: { cpu: "250m", memory: "512Mi" }, default: { cpu: "1", memory: "2Gi" } },
    ]);
  });

  it("creates training and serving ServiceAccounts without token automount", () => {
    const accounts = byType(created, "kubernetes:core/v1:ServiceAccount").map((sa) => sa.inputs as K8sObject);
    expect(accounts.map((sa) => [sa.metadata.name, sa.metadata.namespace, sa.automountServiceAccountToken])).toEqual([
      ["training", "vision", false],
      ["serving", "vision", false],
    ]);
  });

  it("binds the team group to a namespaced Role with no Secrets access and no wildcards", () => {
    const role = objectOf("kubernetes:rbac.authorization.k8s.io/v1:Role", "vision-team-role");
    expect(role.metadata.namespace).toBe("vision");
    const rules = role.rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
    expect(rules.flatMap((rule) => rule.resources)).not.toContain("secrets");
    expect(rules.flatMap((rule) => [...rule.resources, ...rule.verbs, ...rule.apiGroups])).not.toContain("*");
    expect(rules.find((rule) => rule.apiGroups.includes("serving.kserve.io"))?.verbs).toEqual(["create", "get", "list", "watch", "delete"]);
    expect(rules.find((rule) => rule.apiGroups.includes(""))?.verbs).toEqual(["get", "list", "watch"]);
    const binding = objectOf("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "vision-team-binding");
    expect(binding.roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "team-member" });
    expect(binding.subjects).toEqual([{ kind: "Group", name: "ml-vision", apiGroup: "rbac.authorization.k8s.io" }]);
    expect(byType(created, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding")).toEqual([]);
  });

  it("denies all ingress and egress by default", () => {
    expect(networkPolicy("default-deny-all")).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });

  it("opens DNS to kube-dns only", () => {
    expect(networkPolicy("allow-dns").egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
      ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
    }]);
  });

  it("opens the training rendezvous port only between the team's training pods", () => {
    const training = { matchLabels: { "mlops.io/role": "training" } };
    expect(networkPolicy("allow-training-rendezvous")).toEqual({
      podSelector: training,
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ podSelector: training }], ports: [{ protocol: "TCP", port: 29500 }] }],
      egress: [{ to: [{ podSelector: training }], ports: [{ protocol: "TCP", port: 29500 }] }],
    });
  });

  it("opens the collective port range (NCCL/Gloo) only between the team's training pods", () => {
    const training = { matchLabels: { "mlops.io/role": "training" } };
    const range = [{ protocol: "TCP", port: 40000, endPort: 41023 }];
    expect(networkPolicy("allow-training-collectives")).toEqual({
      podSelector: training,
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ podSelector: training }], ports: range }],
      egress: [{ to: [{ podSelector: training }], ports: range }],
    });
  });

  it("lets the monitoring namespace scrape the sidecars' merged metrics port, and nothing else", () => {
    expect(networkPolicy("allow-metrics-scrape")).toEqual({
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ protocol: "TCP", port: 15020 }] }],
    });
    const settings = { trainingPorts: [29500], servingPort: 8080, meshIngressNamespace: "istio-ingress", egress: [] };
    expect(teamNetworkPolicies({ ...settings, monitoringNamespace: "observability" })["allow-metrics-scrape"].ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "observability" } } }], ports: [{ protocol: "TCP", port: 15020 }] },
    ]);
    // Without sidecars there is nothing on that port.
    expect(teamNetworkPolicies(settings)["allow-metrics-scrape"]).toBeUndefined();
  });

  it("lets only the mesh ingress namespace reach serving pods, on the serving port", () => {
    expect(networkPolicy("allow-serving-from-mesh-ingress")).toEqual({
      podSelector: { matchLabels: { "mlops.io/role": "serving" } },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-ingress" } } }], ports: [{ protocol: "TCP", port: 8080 }] }],
    });
  });

  it("allows egress only to the configured endpoints and istiod, never to 0.0.0.0/0", () => {
    expect(networkPolicy("allow-egress-vault").egress).toEqual([{ to: [{ ipBlock: { cidr: "10.0.200.0/28" } }], ports: [{ protocol: "TCP", port: 8200 }] }]);
    expect(networkPolicy("allow-mesh-control-plane").egress[0].ports).toEqual([{ protocol: "TCP", port: 15012 }]);
    const allEgress = byType(created, "kubernetes:networking.k8s.io/v1:NetworkPolicy").flatMap((policy) => (policy.inputs as K8sObject).spec.egress ?? []);
    expect(JSON.stringify(allEgress)).not.toContain("0.0.0.0/0");
  });

  it("creates every namespaced object inside the team namespace", () => {
    const namespaced = created.filter((r) => r.type.startsWith("kubernetes:") && r.type !== "kubernetes:core/v1:Namespace");
    expect(namespaced.length).toBe(14);
    expect(new Set(namespaced.map((r) => (r.inputs as K8sObject).metadata.namespace))).toEqual(new Set(["vision"]));
  });

  it("produces objects that validate against the published Kubernetes schemas", () => {
    const objects = created.filter((r) => r.type.startsWith("kubernetes:")).map((r) => r.inputs as K8sObject);
    expect(objects.length).toBe(15);
    for (const object of objects) expect(() => validateKubernetesObject(object)).not.toThrow();
  });

  it("the schema check itself rejects a malformed object", () => {
    expect(() => validateKubernetesObject({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "p" }, spec: { podSelector: {}, ingress: [{ ports: [{ port: 40000, endPort: "41023" }] }] } } as K8sObject)).toThrow();
    expect(() => validateKubernetesObject({ apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "q" }, spec: { hard: ["gpu"] } } as K8sObject)).toThrow();
  });
});

describeWithShared("the scrape port is the one Istio 1.30 serves merged metrics on", ["upstream/istio/manifests_charts_istio-control_istio-discovery_values.yaml"], () => {
  it("is the istiod chart's proxy status port", () => {
    // FACT: with enablePrometheusMerge (on by default) the injector points prometheus.io/port at the
    // agent's status port and prometheus.io/path at /stats/prometheus, where the agent serves Envoy's and
    // the application's metrics merged (istio/istio pkg/kube/inject/webhook.go applyPrometheusMerge,
    // pkg/config/mesh/mesh.go EnablePrometheusMerge and StatusPort 15020, tag 1.30.0). The chart's
    // global.proxy.statusPort sets it.
    const values = readSharedYaml<{ _internal_defaults_do_not_set: { global: { proxy: { statusPort: number } } } }>("upstream/istio/manifests_charts_istio-control_istio-discovery_values.yaml");
    expect(networkPolicy("allow-metrics-scrape").ingress[0].ports).toEqual([{ protocol: "TCP", port: values._internal_defaults_do_not_set.global.proxy.statusPort }]);
  });
});
