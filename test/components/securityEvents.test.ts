import * as pulumi from "@pulumi/pulumi";
import { byType, installRecordingMocks, settle, valueOf } from "../support/pulumiMocks";
import { parsePlatformConfig, type RawStackConfig } from "../../config";

const created = installRecordingMocks();

import { falcosidekickSinkOutput, sinkEndpoint, vaultAuditSocket, type SecurityEventSink } from "../../components/runtime/securityEventSink";
import { VaultAccess } from "../../components/secrets/vaultAccess";
import { configProblems } from "../support/configProblems";

const P = "secure-ml-platform";
const SYSLOG: SecurityEventSink = { syslog: { host: "siem.example.internal", port: 6514, protocol: "tcp", cidr: "10.9.0.0/28" } };
const HTTP: SecurityEventSink = { http: { url: "https://siem.example.com:8088/services/collector", cidr: "10.9.1.0/28" } };

/** A minimal valid stack config plus the given keys. */
function raw(extra: Record<string, unknown>): RawStackConfig {
  return {
    values: {
      "aws:region": "us-west-2",
      [`${P}:environment`]: "dev",
      [`${P}:teams`]: JSON.stringify([{ name: "vision", group: "ml-vision", quota: { cpu: "8", memory: "32Gi", gpu: 2 } }]),
      ...Object.fromEntries(Object.entries(extra).map(([key, value]) => [`${P}:${key}`, JSON.stringify(value)])),
    },
    secretKeys: new Set(),
  };
}

function problems(extra: Record<string, unknown>): string[] {
  return configProblems(raw(extra));
}

describe("config: runtimeDetection and securityEvents", () => {
  it("are off unless set; set, they take the documented defaults", () => {
    const off = parsePlatformConfig(raw({}));
    expect(off.runtimeDetection).toBeUndefined();
    expect(off.securityEvents).toBeUndefined();
    const on = parsePlatformConfig(raw({ runtimeDetection: {}, securityEvents: { sink: { syslog: { host: "siem.example.internal", cidr: "10.9.0.0/28" } } } }));
    expect(on.runtimeDetection).toEqual({ chartVersion: "9.1.0", credentialReaders: ["python", "python3", "tritonserver", "java"], metrics: false });
    expect(on.securityEvents).toEqual({ sink: { syslog: { host: "siem.example.internal", port: 514, protocol: "tcp", cidr: "10.9.0.0/28" } } });
  });

  it("names the key, the value and what is allowed", () => {
    expect(problems({ runtimeDetection: { chartVersion: "9.x", alertmanagerUrl: "https://alerts.example.com", credentialReaders: ["a-process-name-too-long"] } })).toEqual([
      'secure-ml-platform:runtimeDetection.chartVersion = "9.x": must be an exact version such as 9.1.0',
      'secure-ml-platform:runtimeDetection.alertmanagerUrl = "https://alerts.example.com": must be http(s)://<service>.<namespace>.svc[:port], a Service inside the cluster',
      'secure-ml-platform:runtimeDetection.credentialReaders[0] = "a-process-name-too-long": must be a process name (Linux keeps at most 15 characters)',
    ]);
    expect(problems({ runtimeDetection: { credentialReaders: [] } })).toEqual(["secure-ml-platform:runtimeDetection.credentialReaders = []: must list at least one process"]);
  });

  it("refuses a sink that is neither syslog nor http, or both, an open CIDR, plain http and a bad protocol, naming the field", () => {
    expect(problems({ securityEvents: { sink: { kafka: { url: "x" } } } })).toEqual([
      "secure-ml-platform:securityEvents.sink.kafka: unknown key; allowed here: syslog, http",
      "secure-ml-platform:securityEvents.sink = {}: must set exactly one of syslog: {host, port, protocol, cidr} or http: {url, cidr}",
    ]);
    expect(problems({ securityEvents: { sink: { syslog: { host: "siem", cidr: "10.9.0.0/28" }, http: { url: "https://siem.example.com", cidr: "10.9.1.0/28" } } } }).join("\n")).toContain("must set exactly one of syslog");
    expect(problems({ securityEvents: { sink: { syslog: { host: "siem", cidr: "0.0.0.0/0" } } } })).toEqual(['secure-ml-platform:securityEvents.sink.syslog.cidr = "0.0.0.0/0": must not be a /0 route: name the SIEM\'s addresses']);
    expect(problems({ securityEvents: { sink: { http: { url: "http://siem.example.com", cidr: "10.9.1.0/28" } } } })).toEqual(['secure-ml-platform:securityEvents.sink.http.url = "http://siem.example.com": must be an https:// URL']);
    expect(problems({ securityEvents: { sink: { syslog: { host: "siem", protocol: "tls", cidr: "10.9.0.0/28" } } } })).toEqual(['secure-ml-platform:securityEvents.sink.syslog.protocol = "tls": must be one of "tcp", "udp"']);
  });
});

describe("one sink, each source's way of reaching it", () => {
  it("falcosidekick: its syslog output or its webhook output", () => {
    expect(falcosidekickSinkOutput(SYSLOG)).toEqual({ syslog: { host: "siem.example.internal", port: "6514", protocol: "tcp", format: "json", minimumpriority: "notice" } });
    expect(falcosidekickSinkOutput(HTTP)).toEqual({ webhook: { address: "https://siem.example.com:8088/services/collector", method: "POST", checkcert: true, minimumpriority: "notice" } });
  });

  it("NetworkPolicy endpoints: the sink's CIDR, its port (443 for an https URL without one) and protocol", () => {
    expect(sinkEndpoint(SYSLOG)).toEqual({ cidr: "10.9.0.0/28", port: 6514, protocol: "TCP" });
    expect(sinkEndpoint({ syslog: { host: "h", port: 514, protocol: "udp", cidr: "10.9.0.0/28" } })).toEqual({ cidr: "10.9.0.0/28", port: 514, protocol: "UDP" });
    expect(sinkEndpoint({ http: { url: "https://siem.example.com/collector", cidr: "10.9.1.0/28" } })).toEqual({ cidr: "10.9.1.0/28", port: 443, protocol: "TCP" });
  });

  it("Vault: a socket audit device for a syslog sink, none for HTTP (Vault has no HTTP audit device)", () => {
    expect(vaultAuditSocket(SYSLOG)).toEqual({ address: "siem.example.internal:6514", socketType: "tcp", writeTimeout: "2s" });
    expect(vaultAuditSocket(HTTP)).toBeUndefined();
  });
});

describe("VaultAccess audit devices", () => {
  const base = { environment: "prod", kubernetesHost: "https://kubernetes.default.svc", topology: { kind: "in-cluster" as const }, tokenTtlSeconds: 900, tokenMaxTtlSeconds: 3600, auditLogPath: "/vault/audit/vault-audit.log", teams: [] };
  const withSiem = new VaultAccess("siem", { ...base, auditSocket: vaultAuditSocket(SYSLOG) });
  const withoutSiem = new VaultAccess("local", base);

  beforeAll(async () => {
    await valueOf(pulumi.all([withSiem.urn, withoutSiem.urn]));
    await settle();
  });

  const devices = (prefix: string) => byType(created, "vault:index/audit:Audit").filter((resource) => resource.name.startsWith(prefix)).map((resource) => resource.inputs as Record<string, any>);

  it("keeps the file device and adds a socket device streaming HMAC'd JSON to the sink", () => {
    const [file, socket] = devices("siem-");
    expect(file).toMatchObject({ type: "file", path: "ml-prod-file" });
    expect(socket).toEqual({
      type: "socket", path: "ml-prod-siem", description: expect.any(String),
      options: { address: "siem.example.internal:6514", socket_type: "tcp", write_timeout: "2s", format: "json", hmac_accessor: "true", log_raw: "false" },
    });
  });

  it("adds nothing without a sink", () => {
    expect(devices("local-").map((device) => device.type)).toEqual(["file"]);
  });
});
