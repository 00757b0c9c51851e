import { EVENT_LABEL_FIELDS, ML_RULE_TAG } from "./falcoRules";
import { falcosidekickSinkOutput, type SecurityEventSink } from "./securityEventSink";

export interface FalcoValuesSettings {
  /** The platform rules file's text (see falcoRules). */
  rulesFile: string;
  /** Alertmanager as falcosidekick reaches it: http://<service>.<namespace>.svc:<port>. */
  alertmanagerUrl: string;
  /** Serve Prometheus metrics on Falco's web server. */
  metrics: boolean;
  sink?: SecurityEventSink;
}

/** The key of our rules file in the chart's customRules (mounted into /etc/falco/rules.d). */
export const RULES_FILE_NAME = "ml-platform-rules.yaml";
/** Falco's web server port (health checks, metrics). FACT (chart falco 9.1.0): falco.webserver.listen_port 8765. */
export const FALCO_WEB_PORT = 8765;
/** FACT (chart falco 9.1.0, _helpers.tpl falcosidekick.url): Falco posts to falcosidekick's listen port, default 2801. */
export const FALCOSIDEKICK_PORT = 2801;

/**
 * Values of the falco chart (9.1.0, read from charts/falco/values.yaml and templates of
 * falcosecurity/charts). FACTs relied on, chart falco 9.1.0 (falcosidekick subchart 0.12.*):
 * - driver.kind modern_ebpf runs no driver-loader init container (driverLoader.enabled is false for
 *   it), and driver.modernEbpf.leastPrivileged adds BPF, SYS_RESOURCE, PERFMON and SYS_PTRACE
 *   instead of privileged: true.
 * - falcoctl.artifact.install / follow download rules and plugins at run time; off, Falco uses what
 *   its image ships (Falco 0.44.1: falco-rules-5.1.0 and the container plugin 0.7.1).
 * - customRules maps file names to contents, mounted into /etc/falco/rules.d, which
 *   falco.rules_files loads after falco_rules.yaml.
 * - falcosidekick.enabled sets json_output and points http_output at falcosidekick.
 * - falcosidekick config.alertmanager.hostport enables the Alertmanager output; endpoint
 *   /api/v2/alerts (Alertmanager 0.27 removed v1); every output field becomes an alert label
 *   with characters outside [a-zA-Z0-9_] turned into _ (falcosidekick outputs/alertmanager.go).
 * - falco.append_output entries with extra_fields {name: format} add output_fields under that name
 *   to events of rules carrying all the match tags (falco.yaml, Falco 0.44.1); the default entry
 *   suggested_output: true is kept.
 */
export function falcoValues(settings: FalcoValuesSettings): Record<string, unknown> {
  const alertmanager = new URL(settings.alertmanagerUrl);
  return {
    driver: { kind: "modern_ebpf", modernEbpf: { leastPrivileged: true } },
    falcoctl: { artifact: { install: { enabled: false }, follow: { enabled: false } } },
    // Kubernetes metadata comes from the container runtime (container plugin); no k8s-metacollector, no API access.
    collectors: { kubernetes: { enabled: false } },
    customRules: { [RULES_FILE_NAME]: settings.rulesFile },
    metrics: { enabled: settings.metrics },
    falco: {
      json_output: true,
      append_output: [
        { suggested_output: true },
        // Clean alert labels (team, model_name, ...) for routing, whatever the rule's output text says.
        { match: { tags: [ML_RULE_TAG] }, extra_fields: Object.entries(EVENT_LABEL_FIELDS).map(([name, field]) => ({ [name]: `%${field}` })) },
      ],
    },
    falcosidekick: {
      enabled: true,
      webui: { enabled: false },
      config: {
        alertmanager: { hostport: `${alertmanager.protocol}//${alertmanager.host}`, endpoint: "/api/v2/alerts", minimumpriority: "warning" },
        ...(settings.sink ? falcosidekickSinkOutput(settings.sink) : {}),
      },
    },
  };
}
