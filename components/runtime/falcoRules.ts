import { LABELS, WORKLOAD_ROLES } from "../tenancy/labels";
import { CREDENTIALS_ROOT } from "../kubernetes/credentialFiles";
import { MODEL_DIR } from "../serving/verification/verifiedModel";

/** One entry of a Falco rules file (https://falco.org/docs/concepts/rules/basic-elements/). */
export type FalcoRule = { rule: string; desc: string; condition: string; output: string; priority: FalcoPriority; tags: string[] };
export type FalcoMacro = { macro: string; condition: string };
export type FalcoList = { list: string; items: (string | number)[] };
export type FalcoRulesEntry = FalcoRule | FalcoMacro | FalcoList | { required_plugin_versions: { name: string; version: string }[] };
export type FalcoPriority = "CRITICAL" | "ERROR" | "WARNING" | "NOTICE";

/** A destination a serving pod's NetworkPolicy lets it reach (the platform's egress allowlist). */
export interface AllowedDestination {
  cidr: string;
  ports: number[];
}

export interface MlRuleSettings {
  /** Where serving pods may connect: the egress targets of their namespace's NetworkPolicies. */
  servingEgress: AllowedDestination[];
  /** Process names expected to read mounted credentials (the model server or training runtime). */
  credentialReaders: string[];
}

/**
 * Macros and lists of falco-rules-5.1.0 (rules/falco_rules.yaml, the rules file bundled in Falco
 * 0.44.1, cmake/modules/rules.cmake) our rules build on. They are loaded before rules.d, where
 * ours go (chart falco 9.1.0 values: falco.rules_files).
 * FACT (falco-rules-5.1.0): spawned_process = evt.type in (execve, execveat); container =
 * container.id != host; open_read / open_write = open, openat, openat2 of a file opened for
 * reading / writing; shell_binaries = ash, bash, csh, ksh, sh, tcsh, zsh, dash;
 * package_mgmt_binaries includes rpm and deb tools, apk, gem, npm and pip, pip3, conda, uv;
 * proc_name_exists = proc.name not <NA>/N/A.
 */
export const UPSTREAM_MACROS = ["spawned_process", "container", "open_read", "open_write", "proc_name_exists"] as const;
export const UPSTREAM_LISTS = ["shell_binaries", "package_mgmt_binaries"] as const;

/** The tag every platform rule carries: falco.append_output adds the team and model fields to exactly these. */
export const ML_RULE_TAG = "mlops";

// FACT (container plugin 0.7.1, bundled with Falco 0.44.1): k8s.pod.label[<key>] reads a pod label
// from the container runtime socket; keys may contain '.', '/' and '-'.
export const podLabel = (key: string) => `k8s.pod.label[${key}]`;

/** The labels events carry, as the alert labels they become (see falcoValues). */
export const EVENT_LABEL_FIELDS = {
  team: podLabel(LABELS.team),
  model_name: podLabel(LABELS.modelName),
  model_version: podLabel(LABELS.modelVersion),
  role: podLabel(LABELS.workloadRole),
} as const;

/** Where the platform mounts the pod's own credentials: ours, the IRSA web identity token, a ServiceAccount token. */
export const CREDENTIAL_DIRECTORIES = [`${CREDENTIALS_ROOT}/`, "/var/run/secrets/eks.amazonaws.com/serviceaccount/", "/var/run/secrets/kubernetes.io/serviceaccount/"];

/** The init containers that fetch a served model into its directory (S3, OCI), before model-verify checks it and the server mounts it read-only. */
export const MODEL_WRITERS = ["storage-initializer", "model-fetch"];
/** The Istio sidecar's container name; it reaches istiod on the xDS port, named by namespace in the NetworkPolicy. */
const ISTIO_PROXY = "istio-proxy";
const ISTIOD_XDS_PORT = 15012;

const quoted = (value: string) => `"${value}"`;

/** `fd.snet in (cidr) and fd.sport in (ports)` for each allowed destination. */
function allowedDestinations(destinations: AllowedDestination[]): string {
  const clauses = [
    // The pod's own loopback: the app talks to its sidecar, which forwards to the real destination (seen on its own connect).
    `fd.snet in (${quoted("127.0.0.0/8")})`,
    // DNS is allowed to kube-dns only; its ClusterIP is not known when the rules are written.
    "fd.sport = 53",
    `(container.name = ${ISTIO_PROXY} and fd.sport = ${ISTIOD_XDS_PORT})`,
    ...destinations.map((target) => `(fd.snet in (${quoted(target.cidr)}) and fd.sport in (${target.ports.join(", ")}))`),
  ];
  return `(${clauses.join(" or ")})`;
}

const LABEL_OUTPUT = Object.entries(EVENT_LABEL_FIELDS).map(([name, field]) => `${name}=%${field}`).join(" ");
const CONTEXT_OUTPUT = `pod=%k8s.pod.name ns=%k8s.ns.name container=%container.name image=%container.image.repository process=%proc.name exepath=%proc.exepath parent=%proc.pname cmdline=%proc.cmdline user_uid=%user.uid ${LABEL_OUTPUT}`;

/**
 * The platform's runtime rules: what a compromised training or serving container does first. Every
 * rule is scoped by the labels the platform puts on its pods (mlops.io/role, mlops.io/team, the model
 * labels), so it watches team workloads and nothing else.
 */
export function mlRuntimeRules(settings: MlRuleSettings): FalcoRulesEntry[] {
  if (settings.credentialReaders.length === 0) throw new Error("credentialReaders must name at least one process: with none, every read of a credential would alert");
  return [
    // FACT (falco-rules-5.1.0): required_plugin_versions names container 0.4.0 for the k8s.* and container.* fields.
    { required_plugin_versions: [{ name: "container", version: "0.4.0" }] },
    { macro: "ml_workload", condition: `(container and (${podLabel(LABELS.workloadRole)} in (${WORKLOAD_ROLES.training}, ${WORKLOAD_ROLES.serving}) or ${podLabel(LABELS.team)} exists))` },
    // A pod serves a model on either marker, as ml-guard's serving rules read it.
    { macro: "ml_serving", condition: `(container and (${podLabel(LABELS.workloadRole)} = ${WORKLOAD_ROLES.serving} or ${podLabel(LABELS.modelName)} exists))` },
    { list: "ml_package_managers", items: ["mamba", "micromamba", "pipx", "poetry"] },
    { list: "ml_credential_readers", items: settings.credentialReaders },
    // FACT (container plugin 0.7.1): proc.is_container_liveness_probe / readiness_probe mark exec probes, which often run sh.
    { macro: "ml_model_loading", condition: `(container.name in (${MODEL_WRITERS.join(", ")}))` },
    { macro: "ml_exec_probe", condition: "(proc.is_container_liveness_probe = true or proc.is_container_readiness_probe = true)" },
    {
      rule: "ML shell or package manager in workload container",
      desc: "A shell or package manager started in a training or serving container, other than as its entrypoint or an exec probe: someone is working inside it.",
      // proc.vpid = 1 is the container's own entrypoint, which may be a shell wrapper.
      condition: "spawned_process and ml_workload and (proc.name in (shell_binaries) or proc.name in (package_mgmt_binaries) or proc.name in (ml_package_managers)) and not proc.vpid = 1 and not ml_exec_probe",
      output: `Shell or package manager started in an ML workload container (${CONTEXT_OUTPUT})`,
      priority: "WARNING",
      tags: [ML_RULE_TAG, "container", "process", "mitre_execution", "T1059"],
    },
    {
      rule: "ML serving pod unexpected outbound connection",
      desc: "A serving pod connected to a destination its NetworkPolicy does not allow (the platform's egress allowlist): exfiltration or a reverse shell, or a policy not enforced.",
      // FACT (libs 0.25.4, sinsp_filtercheck_fd.cpp): fd.snet matches the server network of the fd, fd.sport its server port; fd.typechar 4 is an IPv4 socket.
      condition: `evt.type = connect and fd.typechar = 4 and (evt.rawres >= 0 or evt.res = EINPROGRESS) and ml_serving and not ${allowedDestinations(settings.servingEgress)}`,
      output: `Serving pod connected outside its allowlist (connection=%fd.name server=%fd.sip port=%fd.sport ${CONTEXT_OUTPUT})`,
      priority: "CRITICAL",
      tags: [ML_RULE_TAG, "container", "network", "mitre_exfiltration", "TA0010"],
    },
    {
      rule: "ML credential file read by unexpected process",
      desc: "A mounted credential (the Vault-issued files, the IRSA web identity token or a ServiceAccount token) read by a process other than the workload's own runtime.",
      condition: `open_read and ml_workload and proc_name_exists and (${CREDENTIAL_DIRECTORIES.map((directory) => `fd.name startswith ${directory}`).join(" or ")}) and not proc.name in (ml_credential_readers)`,
      output: `Credential file read by an unexpected process (file=%fd.name ${CONTEXT_OUTPUT})`,
      priority: "CRITICAL",
      tags: [ML_RULE_TAG, "container", "filesystem", "mitre_credential_access", "T1552.001"],
    },
    {
      rule: "ML model directory written at run time",
      desc: `A write into the model directory (${MODEL_DIR}) of a serving pod by anything but the init containers that fetch the model: the verified model is being replaced.`,
      condition: `open_write and ml_serving and fd.name startswith ${MODEL_DIR}/ and not ml_model_loading`,
      output: `Model directory written at run time (file=%fd.name ${CONTEXT_OUTPUT})`,
      priority: "CRITICAL",
      tags: [ML_RULE_TAG, "container", "filesystem", "mitre_persistence", "T1565.001"],
    },
    {
      rule: "ML drop and execute new binary",
      desc: "An ML container ran an executable that is not part of its image: written to the overlay upper layer, to a writable volume the process could write, or to memory.",
      // FACT (libs 0.25.4, sinsp_filtercheck_thread.cpp): proc.is_exe_upper_layer (overlayfs upper
      // layer), proc.is_exe_writable (executable writable by the user that spawned it) and
      // proc.is_exe_from_memfd. Read-only root filesystems leave only the last two: a binary
      // dropped into an emptyDir such as /tmp is writable by its writer.
      condition: "spawned_process and ml_workload and (proc.is_exe_upper_layer = true or proc.is_exe_writable = true or proc.is_exe_from_memfd = true)",
      output: `New executable run in an ML container (${CONTEXT_OUTPUT})`,
      priority: "CRITICAL",
      tags: [ML_RULE_TAG, "container", "process", "mitre_persistence", "TA0003"],
    },
  ];
}

/** The rules file: JSON, which is YAML too (Falco reads rules files with a YAML parser). */
export function mlRulesFile(settings: MlRuleSettings): string {
  return JSON.stringify(mlRuntimeRules(settings), null, 2);
}
