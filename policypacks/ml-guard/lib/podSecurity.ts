/**
 * The Kubernetes Pod Security Standards, `restricted` profile (which includes `baseline`), one
 * function per control, with pod-level and container-level settings resolved as the kubelet does
 * (a container's securityContext wins over the pod's). Mirrors the controls of the upstream
 * pod-security-admission plugin at Kubernetes v1.37, including its Windows exemptions.
 */
import { unverified, violation, type Finding } from "./findings";
import { describeContainer, type ContainerView, type PodView } from "./kubernetes";
import { asArray, asRecord, asString, isRecord, isUnknown } from "./values";

export type PodSecurityControl = (pod: PodView) => Finding[];

const isWindows = (pod: PodView) => asString(asRecord(pod.spec.os).name) === "windows";
const podContext = (pod: PodView) => asRecord(pod.spec.securityContext);
const containerContext = (view: ContainerView) => asRecord(view.container.securityContext);

/** Checks one field on the pod's and every container's securityContext. */
function eachContext(
  pod: PodView,
  check: (context: Record<string, unknown>, path: string, owner: string) => Finding[],
): Finding[] {
  return [
    ...check(podContext(pod), `${pod.specPath}.securityContext`, "the pod"),
    ...pod.containers.flatMap((view) => check(containerContext(view), `${view.path}.securityContext`, describeContainer(view))),
  ];
}

export const hostProcess: PodSecurityControl = (pod) =>
  eachContext(pod, (context, path, owner) => {
    const value = asRecord(context.windowsOptions).hostProcess;
    if (isUnknown(value)) return [unverified(`${path}.windowsOptions.hostProcess`, `hostProcess of ${owner}`)];
    return value === true ? [violation(`${path}.windowsOptions.hostProcess`, `${owner} runs as a Windows HostProcess container with full host access; remove windowsOptions.hostProcess`)] : [];
  });

export const hostNamespaces: PodSecurityControl = (pod) =>
  (["hostNetwork", "hostPID", "hostIPC"] as const).flatMap((field) => {
    const value = pod.spec[field];
    if (isUnknown(value)) return [unverified(`${pod.specPath}.${field}`, field)];
    return value === true ? [violation(`${pod.specPath}.${field}`, `the pod shares the node's ${field.slice(4)} namespace; remove ${field} or set it to false`)] : [];
  });

export const privileged: PodSecurityControl = (pod) =>
  pod.containers.flatMap((view) => {
    const value = containerContext(view).privileged;
    const path = `${view.path}.securityContext.privileged`;
    if (isUnknown(value)) return [unverified(path, `privileged of ${describeContainer(view)}`)];
    return value === true ? [violation(path, `${describeContainer(view)} is privileged (all host devices and capabilities); set privileged to false`)] : [];
  });

/** Capabilities the baseline profile lets containers add (the container runtime's default set). */
const BASELINE_CAPABILITIES = new Set(["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]);

export const capabilities: PodSecurityControl = (pod) =>
  pod.containers.flatMap((view) => {
    const path = `${view.path}.securityContext.capabilities`;
    const caps = containerContext(view).capabilities;
    if (isUnknown(caps)) return [unverified(path, `capabilities of ${describeContainer(view)}`)];
    const add = asRecord(caps).add;
    const drop = asRecord(caps).drop;
    const findings: Finding[] = [];
    if (isUnknown(add) || asArray(add).some(isUnknown)) findings.push(unverified(`${path}.add`, `added capabilities of ${describeContainer(view)}`));
    // Names are matched exactly, as the kubelet does: `sys_admin` or `CAP_SYS_ADMIN` are not NET_BIND_SERVICE.
    const allowedToAdd = isWindows(pod) ? BASELINE_CAPABILITIES : new Set(["NET_BIND_SERVICE"]);
    const added = asArray(add).filter((cap) => !isUnknown(cap) && !allowedToAdd.has(cap as string));
    if (added.length > 0) {
      findings.push(violation(`${path}.add`, `${describeContainer(view)} adds ${added.map((cap) => JSON.stringify(cap)).join(", ")}; only NET_BIND_SERVICE may be added`));
    }
    if (!isWindows(pod)) {
      if (isUnknown(drop) || asArray(drop).some(isUnknown)) findings.push(unverified(`${path}.drop`, `dropped capabilities of ${describeContainer(view)}`));
      else if (!asArray(drop).includes("ALL")) findings.push(violation(`${path}.drop`, `${describeContainer(view)} does not drop ALL capabilities; set capabilities.drop: ["ALL"]`));
    }
    return findings;
  });

export const hostPathVolumes: PodSecurityControl = (pod) =>
  asArray(pod.spec.volumes).flatMap((volume, index) =>
    isRecord(volume) && volume.hostPath !== undefined && volume.hostPath !== null
      ? [violation(`${pod.specPath}.volumes[${index}].hostPath`, `volume "${asString(volume.name) ?? index}" mounts a path of the node; use an emptyDir, a PVC or a projected volume`)]
      : [],
  );

/** Volume sources the restricted profile allows (image volumes since Kubernetes 1.33). */
const RESTRICTED_VOLUME_SOURCES = new Set(["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret"]);

// An unknown volume list is reported with the template's other unknown parts (workloadPolicy).
export const volumeTypes: PodSecurityControl = (pod) =>
  asArray(pod.spec.volumes).flatMap((volume, index) => {
    const path = `${pod.specPath}.volumes[${index}]`;
    if (isUnknown(volume)) return [unverified(path, "a volume")];
    const sources = Object.entries(asRecord(volume)).filter(([key, value]) => key !== "name" && value !== undefined && value !== null).map(([key]) => key);
    const forbidden = sources.filter((source) => !RESTRICTED_VOLUME_SOURCES.has(source));
    return forbidden.length > 0
      ? [violation(path, `volume "${asString(asRecord(volume).name) ?? index}" uses ${forbidden.join(", ")}; allowed: ${[...RESTRICTED_VOLUME_SOURCES].join(", ")} (use a PersistentVolumeClaim for other storage)`)]
      : [];
  });

export const hostPorts: PodSecurityControl = (pod) =>
  pod.containers.flatMap((view) =>
    asArray(view.container.ports).flatMap((port, index) => {
      const hostPort = asRecord(port).hostPort;
      const path = `${view.path}.ports[${index}].hostPort`;
      if (isUnknown(hostPort)) return [unverified(path, `hostPort of ${describeContainer(view)}`)];
      return hostPort !== undefined && hostPort !== null && hostPort !== 0
        ? [violation(path, `${describeContainer(view)} binds host port ${JSON.stringify(hostPort)}; remove hostPort and expose the port through a Service`)]
        : [];
    }),
  );

const PROBES = ["livenessProbe", "readinessProbe", "startupProbe"];
const LIFECYCLE_HANDLERS = ["postStart", "preStop"];

export const hostProbesAndLifecycle: PodSecurityControl = (pod) =>
  pod.containers.flatMap((view) => {
    const handlers = [
      ...PROBES.map((probe) => [`${view.path}.${probe}`, view.container[probe]] as const),
      ...LIFECYCLE_HANDLERS.map((hook) => [`${view.path}.lifecycle.${hook}`, asRecord(view.container.lifecycle)[hook]] as const),
    ];
    return handlers.flatMap(([path, handler]) =>
      (["httpGet", "tcpSocket"] as const).flatMap((action) => {
        const host = asRecord(asRecord(handler)[action]).host;
        if (isUnknown(host)) return [unverified(`${path}.${action}.host`, `probe host of ${describeContainer(view)}`)];
        // Any host, even 127.0.0.1, makes the kubelet connect somewhere other than the pod.
        return typeof host === "string" && host !== ""
          ? [violation(`${path}.${action}.host`, `${describeContainer(view)} points a probe or lifecycle hook at host ${JSON.stringify(host)}; remove host so the kubelet targets the pod itself`)]
          : [];
      }),
    );
  });

const APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/";

export const appArmor: PodSecurityControl = (pod) => {
  const annotations = asRecord(pod.metadata.annotations);
  const fromAnnotations = Object.entries(annotations)
    .filter(([key]) => key.startsWith(APPARMOR_ANNOTATION))
    .flatMap(([key, value]) => {
      const path = `${pod.metadataPath}.annotations["${key}"]`;
      if (isUnknown(value)) return [unverified(path, "an AppArmor annotation")];
      return value === "runtime/default" || (typeof value === "string" && value.startsWith("localhost/"))
        ? []
        : [violation(path, `AppArmor profile ${JSON.stringify(value)} for container "${key.slice(APPARMOR_ANNOTATION.length)}"; use runtime/default or localhost/<profile>`)];
    });
  const fromFields = eachContext(pod, (context, path, owner) => {
    const type = asRecord(context.appArmorProfile).type;
    if (isUnknown(type)) return [unverified(`${path}.appArmorProfile.type`, `AppArmor profile of ${owner}`)];
    return type === undefined || type === "RuntimeDefault" || type === "Localhost"
      ? []
      : [violation(`${path}.appArmorProfile.type`, `${owner} uses AppArmor profile ${JSON.stringify(type)}; use RuntimeDefault or Localhost`)];
  });
  return [...fromAnnotations, ...fromFields];
};

const SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);

export const seLinux: PodSecurityControl = (pod) =>
  eachContext(pod, (context, path, owner) => {
    const options = context.seLinuxOptions;
    if (isUnknown(options)) return [unverified(`${path}.seLinuxOptions`, `SELinux options of ${owner}`)];
    const { type, user, role } = asRecord(options);
    if ([type, user, role].some(isUnknown)) return [unverified(`${path}.seLinuxOptions`, `SELinux options of ${owner}`)];
    const findings: Finding[] = [];
    if (type !== undefined && !SELINUX_TYPES.has(type as string)) {
      findings.push(violation(`${path}.seLinuxOptions.type`, `${owner} sets SELinux type ${JSON.stringify(type)}; allowed: container_t, container_init_t, container_kvm_t, container_engine_t`));
    }
    for (const [field, value] of [["user", user], ["role", role]] as const) {
      if (value !== undefined && value !== "") findings.push(violation(`${path}.seLinuxOptions.${field}`, `${owner} sets a custom SELinux ${field}; remove it`));
    }
    return findings;
  });

export const procMount: PodSecurityControl = (pod) =>
  pod.containers.flatMap((view) => {
    const value = containerContext(view).procMount;
    const path = `${view.path}.securityContext.procMount`;
    if (isUnknown(value)) return [unverified(path, `procMount of ${describeContainer(view)}`)];
    return value === undefined || value === "Default" ? [] : [violation(path, `${describeContainer(view)} unmasks /proc (procMount ${JSON.stringify(value)}); remove procMount or set it to Default`)];
  });

export const seccomp: PodSecurityControl = (pod) => {
  const podType = asRecord(podContext(pod).seccompProfile).type;
  const findings: Finding[] = [];
  const podPath = `${pod.specPath}.securityContext.seccompProfile.type`;
  if (isUnknown(podType)) findings.push(unverified(podPath, "the pod's seccomp profile"));
  else if (podType === "Unconfined") findings.push(violation(podPath, "the pod runs without seccomp (Unconfined); use RuntimeDefault or Localhost"));
  for (const view of pod.containers) {
    const type = asRecord(containerContext(view).seccompProfile).type;
    const path = `${view.path}.securityContext.seccompProfile.type`;
    if (isUnknown(type)) findings.push(unverified(path, `seccomp profile of ${describeContainer(view)}`));
    else if (type === "Unconfined") findings.push(violation(path, `${describeContainer(view)} runs without seccomp (Unconfined); use RuntimeDefault or Localhost`));
    else if (type === undefined && podType === undefined && !isWindows(pod)) {
      findings.push(violation(`${view.path}.securityContext.seccompProfile`, `no seccomp profile for ${describeContainer(view)}; set securityContext.seccompProfile.type: RuntimeDefault on the pod or the container`));
    } else if (type !== undefined && type !== "RuntimeDefault" && type !== "Localhost") {
      findings.push(violation(path, `${describeContainer(view)} uses seccomp profile type ${JSON.stringify(type)}; use RuntimeDefault or Localhost`));
    }
  }
  return findings;
};

/** Sysctls the kubelet treats as safe (namespaced, isolated per pod), up to Kubernetes v1.37. */
const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem",
  "net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat",
]);

export const sysctls: PodSecurityControl = (pod) =>
  asArray(podContext(pod).sysctls).flatMap((sysctl, index) => {
    const name = asRecord(sysctl).name;
    const path = `${pod.specPath}.securityContext.sysctls[${index}].name`;
    if (isUnknown(name)) return [unverified(path, "a sysctl name")];
    return SAFE_SYSCTLS.has(name as string) ? [] : [violation(path, `sysctl ${JSON.stringify(name)} is not in the safe set; remove it`)];
  });

export const privilegeEscalation: PodSecurityControl = (pod) =>
  isWindows(pod)
    ? []
    : pod.containers.flatMap((view) => {
        const value = containerContext(view).allowPrivilegeEscalation;
        const path = `${view.path}.securityContext.allowPrivilegeEscalation`;
        if (isUnknown(value)) return [unverified(path, `allowPrivilegeEscalation of ${describeContainer(view)}`)];
        return value === false ? [] : [violation(path, `${describeContainer(view)} may gain privileges (setuid binaries); set allowPrivilegeEscalation: false`)];
      });

export const runAsNonRoot: PodSecurityControl = (pod) => {
  const podValue = podContext(pod).runAsNonRoot;
  const podPath = `${pod.specPath}.securityContext.runAsNonRoot`;
  if (isUnknown(podValue)) return [unverified(podPath, "the pod's runAsNonRoot")];
  const findings: Finding[] = podValue === false ? [violation(podPath, "the pod sets runAsNonRoot: false; set it to true")] : [];
  for (const view of pod.containers) {
    const value = containerContext(view).runAsNonRoot;
    const path = `${view.path}.securityContext.runAsNonRoot`;
    if (isUnknown(value)) findings.push(unverified(path, `runAsNonRoot of ${describeContainer(view)}`));
    else if (value === false) findings.push(violation(path, `${describeContainer(view)} sets runAsNonRoot: false; set it to true`));
    else if (value === undefined && podValue !== true) {
      findings.push(violation(path, `${describeContainer(view)} may run as root; set runAsNonRoot: true on the pod or the container`));
    }
  }
  return findings;
};

export const runAsUser: PodSecurityControl = (pod) =>
  eachContext(pod, (context, path, owner) => {
    const value = context.runAsUser;
    if (isUnknown(value)) return [unverified(`${path}.runAsUser`, `runAsUser of ${owner}`)];
    return value === 0 ? [violation(`${path}.runAsUser`, `${owner} runs as UID 0 (root); use a non-zero UID`)] : [];
  });

/** Every control of the restricted profile, by the name of its upstream check. */
export const RESTRICTED_CONTROLS: Record<string, PodSecurityControl> = {
  hostProcess, hostNamespaces, privileged, capabilities, hostPathVolumes, volumeTypes, hostPorts,
  hostProbesAndLifecycle, appArmor, seLinux, procMount, seccomp, sysctls, privilegeEscalation, runAsNonRoot, runAsUser,
};
