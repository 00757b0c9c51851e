/**
 * The one place security events leave the platform for the SIEM: Falco's events (through
 * falcosidekick) and Vault's audit log go to the same sink.
 */
export type SecurityEventSink =
  | { syslog: { host: string; port: number; protocol: "tcp" | "udp"; /** Addresses of the host, for the senders' NetworkPolicies. */ cidr: string } }
  | { http: { url: string; /** Addresses of the URL's host, for the senders' NetworkPolicies. */ cidr: string } };

/** Lowest Falco priority shipped to the SIEM: every platform rule is at least WARNING, so notices (upstream rules) go too. */
const SINK_MINIMUM_PRIORITY = "notice";

/** Where a sender must be allowed to connect to reach the sink. */
export function sinkEndpoint(sink: SecurityEventSink): { cidr: string; port: number; protocol: "TCP" | "UDP" } {
  if ("syslog" in sink) return { cidr: sink.syslog.cidr, port: sink.syslog.port, protocol: sink.syslog.protocol === "udp" ? "UDP" : "TCP" };
  const url = new URL(sink.http.url);
  return { cidr: sink.http.cidr, port: Number(url.port || 443), protocol: "TCP" };
}

/**
 * falcosidekick's output for the sink, under the chart's `config`.
 * FACT (falcosidekick chart 0.12.1, values.yaml): config.syslog.host enables the syslog output, with
 * port, protocol (tcp or udp) and format (json or cef); config.webhook.address enables the webhook
 * output, with method and checkcert; each output takes minimumpriority.
 */
export function falcosidekickSinkOutput(sink: SecurityEventSink): Record<string, Record<string, string | boolean>> {
  if ("syslog" in sink) {
    const { host, port, protocol } = sink.syslog;
    return { syslog: { host, port: String(port), protocol, format: "json", minimumpriority: SINK_MINIMUM_PRIORITY } };
  }
  return { webhook: { address: sink.http.url, method: "POST", checkcert: true, minimumpriority: SINK_MINIMUM_PRIORITY } };
}

/**
 * A Vault audit device streaming to the sink, or undefined for an HTTP sink (Vault has no HTTP
 * audit device: ship the file device's log with an agent on the Vault host).
 * FACT (Vault docs, audit/socket): the socket device writes to a TCP, UDP or UNIX socket;
 * options address (host:port), socket_type (tcp default, any net.Dial type) and write_timeout; an
 * unreachable TCP destination can make Vault unresponsive, a lost connection may drop an entry and
 * UDP may lose entries silently, so HashiCorp recommends pairing it with a non-socket device: the
 * file device stays. FACT (Vault docs, audit, blocked audit devices): with several devices a
 * request succeeds once one has logged it, but a device that blocks holds requests up.
 */
export function vaultAuditSocket(sink: SecurityEventSink): { address: string; socketType: "tcp" | "udp"; writeTimeout: string } | undefined {
  if (!("syslog" in sink)) return undefined;
  // A short write timeout keeps a slow SIEM from holding Vault's requests (the file device still logs them).
  return { address: `${sink.syslog.host}:${sink.syslog.port}`, socketType: sink.syslog.protocol, writeTimeout: "2s" };
}
