import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { byType, installRecordingMocks, settle, single, valueOf } from "../support/pulumiMocks";
import { policies } from "../../policypacks/ml-guard/policies";
import { DEFAULT_EXEMPT_NAMESPACES } from "../../policypacks/ml-guard/lib/config";
import { DEFAULT_PRIVILEGED_NAMESPACES } from "../../policypacks/ml-guard/policies/tenancy";
import { validateResource, validateResourceAsync, validateStackAsync, type FakeResource } from "../support/policyArgs";
import { validateKubernetesObject } from "../support/kubernetesSchemas";

const created = installRecordingMocks();

import { FALCO_NAMESPACE, RuntimeDetection } from "../../components/runtime/runtimeDetection";
import { CREDENTIAL_DIRECTORIES, MODEL_WRITERS, mlRuntimeRules, UPSTREAM_LISTS, UPSTREAM_MACROS, type FalcoRule } from "../../components/runtime/falcoRules";
import { RULES_FILE_NAME } from "../../components/runtime/falcoValues";
import { CREDENTIALS_ROOT } from "../../components/kubernetes/credentialFiles";
import { LABELS } from "../../components/tenancy/labels";
import { MODEL_DIR, modelInitContainers } from "../../components/serving/verification/verifiedModel";

const SERVING_EGRESS = [{ cidr: "10.20.96.0/24", ports: [443] }, { cidr: "10.20.200.0/28", ports: [8200] }];
const detection = new RuntimeDetection("runtime", {
  chartVersion: "9.1.0",
  environment: "prod",
  podSecurityVersion: "v1.35",
  alertmanagerUrl: "http://alertmanager-operated.monitoring.svc:9093",
  servingEgress: SERVING_EGRESS,
  credentialReaders: ["python", "tritonserver"],
  metricsScrapedFrom: "monitoring",
  sink: { syslog: { host: "siem.example.internal", port: 514, protocol: "tcp", cidr: "10.9.0.0/28" } },
});

beforeAll(async () => {
  await valueOf(pulumi.all([detection.namespaceName, detection.urn]));
  await settle();
});

const release = () => single(created, "kubernetes:helm.sh/v3:Release", "runtime-falco").inputs as Record<string, any>;
type Entry = Record<string, any>;
const rulesFile = (): Entry[] => parse(release().values.customRules[RULES_FILE_NAME] as string) as Entry[];
const rulesOf = (entries: Entry[]) => entries.filter((entry): entry is FalcoRule & Entry => "rule" in entry);

/** A condition with our own macros replaced by their conditions, as Falco expands them. */
function expanded(condition: string, entries: Entry[]): string {
  const macros = new Map(entries.filter((entry) => "macro" in entry).map((entry) => [entry.macro as string, entry.condition as string]));
  let text = condition;
  for (let round = 0; round < 5; round++) text = text.replace(/\b[a-z_]+\b/g, (word) => (macros.has(word) ? `(${macros.get(word)})` : word));
  return text;
}

describe("the rules file", () => {
  it("parses as YAML and every rule has rule, desc, condition, output, a Falco priority and the mlops tag", () => {
    const rules = rulesOf(rulesFile());
    expect(rules.map((rule) => rule.rule)).toEqual([
      "ML shell or package manager in workload container",
      "ML serving pod unexpected outbound connection",
      "ML credential file read by unexpected process",
      "ML model directory written at run time",
      "ML drop and execute new binary",
    ]);
    for (const rule of rules) {
      expect(Object.keys(rule).sort()).toEqual(["condition", "desc", "output", "priority", "rule", "tags"]);
      for (const key of ["rule", "desc", "condition", "output"] as const) expect(rule[key].length).toBeGreaterThan(10);
      expect(["EMERGENCY", "ALERT", "CRITICAL", "ERROR", "WARNING", "NOTICE", "INFORMATIONAL", "DEBUG"]).toContain(rule.priority);
      expect(rule.tags).toContain("mlops");
    }
  });

  it("scopes every condition by the workload labels the platform sets, serving rules by the model label too", () => {
    const entries = rulesFile();
    for (const rule of rulesOf(entries)) {
      const condition = expanded(rule.condition, entries);
      expect(condition).toContain(`k8s.pod.label[${LABELS.workloadRole}]`);
      expect(condition).toMatch(rule.rule.includes("serving") || rule.rule.includes("model directory")
        ? new RegExp(`k8s\\.pod\\.label\\[${LABELS.modelName.replace(".", "\\.")}\\] exists`)
        : new RegExp(`k8s\\.pod\\.label\\[${LABELS.team.replace(".", "\\.")}\\] exists`));
    }
  });

  it("carries the team and model labels in every rule's output", () => {
    for (const rule of rulesOf(rulesFile())) {
      for (const label of [LABELS.team, LABELS.modelName, LABELS.modelVersion]) expect(rule.output).toContain(`%k8s.pod.label[${label}]`);
    }
  });

  it("references only macros and lists it defines or the upstream ones it names as relied upon", () => {
    const entries = rulesFile();
    const ours = new Set(entries.flatMap((entry) => [entry.macro, entry.list].filter((name): name is string => typeof name === "string")));
    const known = new Set([...ours, ...UPSTREAM_MACROS, ...UPSTREAM_LISTS]);
    for (const entry of entries.filter((item) => "condition" in item)) {
      // Strip quoted values and fields (dotted names, with their [keys]); bare words with '_' are macro or list names
      // (Falco would read an undefined list name as a literal, so a typo would go unnoticed).
      const words = (entry.condition as string).replace(/"[^"]*"/g, "").replace(/[a-z]+\.[a-z_.]+(\[[^\]]*\])?/g, "").match(/\b[a-z][a-z0-9]*_[a-z0-9_]+\b/g) ?? [];
      const bare = (entry.condition as string).replace(/"[^"]*"/g, "").replace(/[a-z]+\.[a-z_.]+(\[[^\]]*\])?/g, "").match(/(?<![\w.-])(container|spawned_process)(?![\w.-])/g) ?? [];
      for (const word of [...words, ...bare]) expect(known).toContain(word);
    }
    // Every upstream name we claim to rely on is used, so the list stays honest.
    const all = entries.map((entry) => entry.condition ?? "").join(" ");
    for (const name of [...UPSTREAM_MACROS, ...UPSTREAM_LISTS]) expect(all).toMatch(new RegExp(`\\b${name}\\b`));
  });

  it("allows serving pods exactly the configured egress (plus loopback, DNS and the sidecar's istiod port)", () => {
    const rule = rulesOf(rulesFile()).find((item) => item.rule.includes("outbound"))!;
    for (const target of SERVING_EGRESS) expect(rule.condition).toContain(`(fd.snet in ("${target.cidr}") and fd.sport in (${target.ports.join(", ")}))`);
    const other = rulesOf(mlRuntimeRules({ servingEgress: [], credentialReaders: ["python"] }) as Entry[]).find((item) => item.rule.includes("outbound"))!;
    expect(other.condition).not.toContain("10.20.96.0/24");
    expect(other.condition).toContain('fd.snet in ("127.0.0.0/8")');
  });

  it("watches the paths the platform mounts: credential files, ServiceAccount tokens, the model directory", () => {
    const rules = rulesOf(rulesFile());
    const credentials = rules.find((rule) => rule.rule.includes("credential"))!;
    expect(CREDENTIAL_DIRECTORIES).toContain(`${CREDENTIALS_ROOT}/`);
    for (const directory of CREDENTIAL_DIRECTORIES) expect(credentials.condition).toContain(`fd.name startswith ${directory}`);
    expect(rulesFile().find((entry) => entry.list === "ml_credential_readers")?.items).toEqual(["python", "tritonserver"]);
    // Exactly the init containers that mount the model directory writable may write it; the rule names them.
    const settings = { verifierImage: "r/v@sha256:1", downloaderImage: "r/d@sha256:2" };
    const writers = [modelInitContainers({ s3Uri: "s3://b/p/" }, settings, "a"), modelInitContainers({ ociImage: "r/m@sha256:3" }, settings, "a")].flat()
      .filter((container) => (container.volumeMounts as { mountPath: string; readOnly?: boolean }[]).some((mount) => mount.mountPath === MODEL_DIR && !mount.readOnly))
      .map((container) => container.name);
    expect(writers).toEqual(MODEL_WRITERS);
    expect(rules.find((rule) => rule.rule.includes("model directory"))!.condition).toContain(`fd.name startswith ${MODEL_DIR}/ and not ml_model_loading`);
    expect(rulesFile().find((entry) => entry.macro === "ml_model_loading")?.condition).toBe("(container.name in (storage-initializer, model-fetch))");
  });

  it("refuses settings that would alert on every credential read", () => {
    expect(() => mlRuntimeRules({ servingEgress: [], credentialReaders: [] })).toThrow("credentialReaders must name at least one process");
  });
});

describe("the Falco release", () => {
  it("installs the pinned chart with the modern eBPF probe, least privileged, no downloads at run time, into the falco namespace", () => {
    const props = release();
    expect(props).toMatchObject({ name: "falco", chart: "falco", version: "9.1.0", namespace: FALCO_NAMESPACE, repositoryOpts: { repo: "https://falcosecurity.github.io/charts" } });
    expect(props.values.driver).toEqual({ kind: "modern_ebpf", modernEbpf: { leastPrivileged: true } });
    expect(props.values.falcoctl.artifact).toEqual({ install: { enabled: false }, follow: { enabled: false } });
    expect(props.values.metrics).toEqual({ enabled: true });
  });

  it("sends events to Alertmanager's v2 API and the SIEM through falcosidekick, with team and model fields", () => {
    const values = release().values;
    expect(values.falcosidekick).toMatchObject({ enabled: true, webui: { enabled: false } });
    expect(values.falcosidekick.config.alertmanager).toEqual({ hostport: "http://alertmanager-operated.monitoring.svc:9093", endpoint: "/api/v2/alerts", minimumpriority: "warning" });
    expect(values.falcosidekick.config.syslog).toEqual({ host: "siem.example.internal", port: "514", protocol: "tcp", format: "json", minimumpriority: "notice" });
    expect(values.falco.append_output).toEqual([
      { suggested_output: true },
      { match: { tags: ["mlops"] }, extra_fields: [{ team: "%k8s.pod.label[mlops.io/team]" }, { model_name: "%k8s.pod.label[mlops.io/model-name]" }, { model_version: "%k8s.pod.label[mlops.io/model-version]" }, { role: "%k8s.pod.label[mlops.io/role]" }] },
    ]);
  });
});

describe("the falco namespace", () => {
  const inputs = (type: string) => byType(created, type).map((resource) => resource.inputs as Record<string, any>);

  it("is privileged (pinned), with a quota of no GPUs, container defaults, and every object valid", () => {
    const [namespace] = inputs("kubernetes:core/v1:Namespace");
    expect(namespace.metadata.name).toBe(FALCO_NAMESPACE);
    expect(namespace.metadata.labels).toMatchObject({ "pod-security.kubernetes.io/enforce": "privileged", "pod-security.kubernetes.io/enforce-version": "v1.35" });
    expect(inputs("kubernetes:core/v1:ResourceQuota")[0].spec.hard["requests.nvidia.com/gpu"]).toBe("0");
    for (const type of ["core/v1:Namespace", "core/v1:ResourceQuota", "core/v1:LimitRange", "networking.k8s.io/v1:NetworkPolicy"]) {
      const [group, kind] = type.split(":");
      for (const object of inputs(`kubernetes:${type}`)) validateKubernetesObject({ apiVersion: group.startsWith("core") ? "v1" : group, kind, ...object });
    }
  });

  it("denies everything, then opens DNS, Falco to falcosidekick, falcosidekick to Alertmanager and the SIEM, and metrics from Prometheus only", () => {
    const policiesByName: Record<string, any> = Object.fromEntries(inputs("kubernetes:networking.k8s.io/v1:NetworkPolicy").map((policy) => [policy.metadata.name, policy.spec]));
    expect(Object.keys(policiesByName).sort()).toEqual([
      "allow-dns", "allow-falco-to-falcosidekick", "allow-falcosidekick-from-falco", "allow-falcosidekick-to-alertmanager", "allow-falcosidekick-to-siem", "allow-metrics-scrape", "default-deny-all",
    ]);
    expect(policiesByName["default-deny-all"]).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    expect(policiesByName["allow-falcosidekick-to-alertmanager"].egress).toEqual([{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ protocol: "TCP", port: 9093 }] }]);
    expect(policiesByName["allow-falcosidekick-to-siem"].egress).toEqual([{ to: [{ ipBlock: { cidr: "10.9.0.0/28" } }], ports: [{ protocol: "TCP", port: 514 }] }]);
    // Ingress: falcosidekick from Falco's pods, Falco's metrics from the monitoring namespace; nothing else.
    const ingress = Object.entries(policiesByName).filter(([, spec]) => spec.ingress).map(([name, spec]) => [name, spec.podSelector, spec.ingress] as const);
    expect(ingress).toEqual([
      ["allow-falcosidekick-from-falco", { matchLabels: { "app.kubernetes.io/name": "falcosidekick" } }, [{ from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "falco" } } }], ports: [{ protocol: "TCP", port: 2801 }] }]],
      ["allow-metrics-scrape", { matchLabels: { "app.kubernetes.io/name": "falco" } }, [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ protocol: "TCP", port: 8765 }] }]],
    ]);
  });

  it("refuses an Alertmanager outside the cluster: the egress could not be scoped to a namespace", () => {
    expect(() => new RuntimeDetection("bad", { ...detectionArgs(), alertmanagerUrl: "https://alerts.example.com" })).toThrow("must be http(s)://<service>.<namespace>.svc[:port]");
  });
});

function detectionArgs() {
  return { chartVersion: "9.1.0", environment: "dev", podSecurityVersion: "v1.35", alertmanagerUrl: "http://am.monitoring.svc:9093", servingEgress: [], credentialReaders: ["python"] };
}

describe("ml-guard over the component", () => {
  /** Every mandatory ml-guard rule over the component's resources, with the given config for each rule. */
  async function mandatoryFindings(config: Record<string, unknown>): Promise<string[]> {
    const resources: FakeResource[] = created.filter((resource) => !resource.name.startsWith("bad")).map((resource) => ({ type: resource.type, name: resource.name, props: resource.inputs as Record<string, unknown> }));
    const findings: string[] = [];
    for (const policy of policies.filter((item) => item.enforcementLevel === "mandatory")) {
      const found = "validateStack" in policy
        ? await validateStackAsync(policy.name, resources, config)
        : (await Promise.all(resources.map((resource) => validateResourceAsync(policy.name, resource.type, resource.props, config)))).flat();
      findings.push(...found.filter((item) => item.level === "policy").map((item) => `${policy.name}: ${item.message}`));
    }
    return findings;
  }

  it("passes every mandatory rule with the pack's defaults: the namespace is exempt by name from restricted Pod Security only", async () => {
    expect(DEFAULT_PRIVILEGED_NAMESPACES).toEqual([FALCO_NAMESPACE]);
    expect(DEFAULT_EXEMPT_NAMESPACES).not.toContain(FALCO_NAMESPACE);
    expect(await mandatoryFindings({})).toEqual([]);
  });

  it("fails restricted Pod Security, and nothing else, once the exemption is removed", async () => {
    const findings = await mandatoryFindings({ privilegedNamespaces: [] });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatch(/^k8s-namespace-missing-restricted-pss: .*namespace falco enforces "privileged"/);
  });

  it("exempts the name only: another privileged namespace still fails", () => {
    const check = (name: string, config = {}) => validateResource("k8s-namespace-missing-restricted-pss", "kubernetes:core/v1:Namespace", { metadata: { name, labels: { "pod-security.kubernetes.io/enforce": "privileged" } } }, config);
    expect(check("falco")).toEqual([]);
    expect(check("falco-debug")).toHaveLength(1);
    expect(check("falco", { privilegedNamespaces: ["other"] })).toHaveLength(1);
  });
});
