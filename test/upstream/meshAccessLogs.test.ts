import { SIEM_ACCESS_LOG_PROVIDER, ACCESS_LOG_ATTRIBUTES } from "../../components/mesh/accessLogProvider";
import { collectorConfig, OTLP_GRPC_PORT } from "../../components/runtime/accessLogCollector";
import { describeWithShared } from "../support/upstream";
import { CHART_FILES } from "./charts";
import { istiodMeshConfig } from "./charts/istio";
import type { Values } from "./charts/values";
import { allowsEgress, allowsIngress } from "./networkPolicy";
import { installOf, type StackInstall } from "./stackInstall";

const COLLECTOR = { "app.kubernetes.io/name": "otel-collector" };
const namespaceLabels = (name: string, extra: Record<string, string> = {}) => ({ "kubernetes.io/metadata.name": name, ...extra });

describeWithShared("the prod stack ships the mesh's access logs to its SIEM (istiod 1.30.0)", CHART_FILES, () => {
  let install: StackInstall;
  let mesh: Values;
  beforeAll(async () => {
    install = await installOf("prod");
    mesh = istiodMeshConfig(install.releases.find((release) => release.chart === "istiod")!.values);
  }, 120_000);

  it("names the collector and the built-in stdout logger as the mesh's access loggers, and keeps Prometheus metrics", () => {
    expect(mesh.defaultProviders).toEqual({ metrics: ["prometheus"], accessLogging: ["envoy", SIEM_ACCESS_LOG_PROVIDER] });
    const provider = (mesh.extensionProviders as Values[]).find((candidate) => candidate.name === SIEM_ACCESS_LOG_PROVIDER)!;
    expect(provider.envoyOtelAls).toMatchObject({ service: "otel-collector.mesh-access-logs.svc.cluster.local", port: OTLP_GRPC_PORT });
  });

  it("would lose istio_requests_total (every model alert) if defaultProviders named access loggers only: the chart then writes no metrics provider", () => {
    const values = install.releases.find((release) => release.chart === "istiod")!.values;
    const meshValues = values.meshConfig as Values;
    const accessLoggingOnly = { ...values, meshConfig: { ...meshValues, defaultProviders: { accessLogging: ["envoy"] } } };
    expect((istiodMeshConfig(accessLoggingOnly).defaultProviders as Values).metrics).toBeUndefined();
    const withoutProviders = Object.fromEntries(Object.entries(meshValues).filter(([key]) => key !== "defaultProviders"));
    expect((istiodMeshConfig({ ...values, meshConfig: withoutProviders }).defaultProviders as Values).metrics).toEqual(["prometheus"]);
  });

  it("points the provider at a Service the program creates, on the collector's OTLP port", () => {
    const provider = (mesh.extensionProviders as Values[]).find((candidate) => candidate.name === SIEM_ACCESS_LOG_PROVIDER)!.envoyOtelAls as Values;
    // FACT (istio 1.30.0 telemetry_logging.go LookupCluster): the service is a registry host name, <name>.<namespace>.svc.<domain>.
    const [name, namespace] = String(provider.service).split(".");
    const service = install.services.find((candidate) => candidate.namespace === namespace && candidate.name === name);
    expect(service?.ports).toEqual([expect.objectContaining({ port: provider.port, appProtocol: "grpc" })]);
  });

  it("lets every team pod's proxy reach the collector, and the collector accept meshed namespaces and the ingress gateway only", () => {
    const collector = { namespaceLabels: namespaceLabels("mesh-access-logs"), podLabels: COLLECTOR, port: OTLP_GRPC_PORT };
    for (const team of ["vision", "nlp"]) {
      expect(allowsEgress(install.networkPolicies, team, { "mlops.io/role": "serving" }, collector)).toBe(true);
      expect(allowsEgress(install.networkPolicies, team, { "mlops.io/role": "serving" }, { ...collector, port: 4318 })).toBe(false);
    }
    const from = (name: string, extra: Record<string, string> = {}) => ({ namespaceLabels: namespaceLabels(name, extra), port: OTLP_GRPC_PORT });
    expect(allowsIngress(install.networkPolicies, "mesh-access-logs", COLLECTOR, from("vision", { "istio-injection": "enabled" }))).toBe(true);
    expect(allowsIngress(install.networkPolicies, "mesh-access-logs", COLLECTOR, from("istio-ingress"))).toBe(true);
    expect(allowsIngress(install.networkPolicies, "mesh-access-logs", COLLECTOR, from("kube-system"))).toBe(false);
  });

  it("lets the collector out to the sink's addresses and port only", () => {
    // prod: securityEvents.sink.syslog {host: siem.ml-prod.internal, port: 514, protocol: tcp, cidr: 10.40.230.0/28}.
    expect(allowsEgress(install.networkPolicies, "mesh-access-logs", COLLECTOR, { ip: "10.40.230.4", port: 514 })).toBe(true);
    expect(allowsEgress(install.networkPolicies, "mesh-access-logs", COLLECTOR, { ip: "10.40.231.4", port: 514 })).toBe(false);
    expect(allowsEgress(install.networkPolicies, "mesh-access-logs", COLLECTOR, { ip: "10.40.230.4", port: 443 })).toBe(false);
  });
});

describe("the access-log record and the collector's config", () => {
  it("sends only string attributes (Istio turns any other label value into an empty string) and the syslog message as `message`", () => {
    expect(Object.values(ACCESS_LOG_ATTRIBUTES).every((value) => typeof value === "string" && value.length > 0)).toBe(true);
    expect(ACCESS_LOG_ATTRIBUTES.message).toContain("%RESPONSE_CODE%");
    expect(ACCESS_LOG_ATTRIBUTES.message).toContain("%DYNAMIC_METADATA(envoy.filters.http.jwt_authn:payload:sub)%");
  });

  it("logs no request header that carries a credential", () => {
    const headers = Object.values(ACCESS_LOG_ATTRIBUTES).flatMap((format) => [...format.matchAll(/%REQ\(([^)]+)\)%/g)].map((match) => match[1].toLowerCase()));
    expect(headers.length).toBeGreaterThan(0);
    expect(headers.filter((header) => /authorization|cookie|token|api-key/.test(header))).toEqual([]);
  });

  const sinks = {
    syslog: { syslog: { host: "siem.example.internal", port: 6514, protocol: "tcp" as const, cidr: "10.9.0.0/28" } },
    udp: { syslog: { host: "10.9.0.5", port: 514, protocol: "udp" as const, cidr: "10.9.0.0/28" } },
    http: { http: { url: "https://siem.example.com/v1/logs", cidr: "10.9.1.0/28" } },
  };

  it("exports with keys the syslog exporter validates (endpoint, port 1-65535, network tcp|udp, protocol rfc5424|rfc3164)", () => {
    const tcp = (collectorConfig(sinks.syslog).exporters as Values).syslog as Values;
    expect(tcp).toEqual({ endpoint: "siem.example.internal", port: 6514, network: "tcp", protocol: "rfc5424", tls: { insecure: true } });
    const udp = (collectorConfig(sinks.udp).exporters as Values).syslog as Values;
    expect(udp).toEqual({ endpoint: "10.9.0.5", port: 514, network: "udp", protocol: "rfc5424" });
    expect((collectorConfig(sinks.http).exporters as Values).otlphttp).toEqual({ logs_endpoint: "https://siem.example.com/v1/logs", encoding: "json" });
  });

  it("wires one logs pipeline from components it defines, the memory limiter first", () => {
    for (const sink of Object.values(sinks)) {
      const config = collectorConfig(sink) as Record<string, Values>;
      const pipelines = (config.service.pipelines as Record<string, Record<string, string[]>>);
      expect(Object.keys(pipelines)).toEqual(["logs"]);
      const { receivers, processors, exporters } = pipelines.logs;
      expect(receivers.every((id) => id in config.receivers)).toBe(true);
      expect(processors.every((id) => id in config.processors)).toBe(true);
      expect(exporters.every((id) => id in config.exporters)).toBe(true);
      expect(processors[0]).toBe("memory_limiter");
      expect(config.receivers).toEqual({ otlp: { protocols: { grpc: { endpoint: `\${env:MY_POD_IP}:${OTLP_GRPC_PORT}` } } } });
    }
  });
});
