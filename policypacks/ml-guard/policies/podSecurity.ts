import type { PolicyComplianceFramework, ResourceValidationPolicy } from "@pulumi/policy";
import * as controls from "../lib/podSecurity";
import { workloadPolicy } from "../lib/workloadPolicy";

const PSS: PolicyComplianceFramework = {
  name: "Kubernetes Pod Security Standards",
  version: "restricted, v1.37",
  reference: "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
  specification: "Restricted profile (includes Baseline): every control of the upstream pod-security-admission checks.",
};

/** One rule per control of the restricted profile, as Kyverno's pod-security set has them. */
const rule = (name: string, description: string, control: controls.PodSecurityControl, remediationSteps: string): ResourceValidationPolicy =>
  workloadPolicy({ name, description, severity: "high", framework: PSS, remediationSteps }, (pod) => control(pod));

export const podSecurityPolicies: ResourceValidationPolicy[] = [
  rule("pod-disallow-windows-host-process", "Windows HostProcess containers are not allowed.", controls.hostProcess, "Remove securityContext.windowsOptions.hostProcess from the pod and its containers."),
  rule("pod-disallow-host-namespaces", "Pods must not share the node's network, PID or IPC namespace.", controls.hostNamespaces, "Remove hostNetwork, hostPID and hostIPC (or set them to false)."),
  rule("pod-disallow-privileged-containers", "Containers must not run privileged.", controls.privileged, "Remove securityContext.privileged or set it to false."),
  rule("pod-restrict-capabilities", "Containers must drop ALL capabilities and may add only NET_BIND_SERVICE.", controls.capabilities, 'Set securityContext.capabilities: {drop: ["ALL"]}; add NET_BIND_SERVICE only if the container binds a port below 1024.'),
  rule("pod-disallow-host-path", "Pods must not mount hostPath volumes.", controls.hostPathVolumes, "Replace hostPath volumes with emptyDir, a PersistentVolumeClaim, or a projected volume."),
  rule("pod-restrict-volume-types", "Pods may use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes.", controls.volumeTypes, "Provision other storage as a PersistentVolume and mount it through a PersistentVolumeClaim."),
  rule("pod-disallow-host-ports", "Containers must not bind host ports.", controls.hostPorts, "Remove ports[].hostPort; expose the port through a Service."),
  rule("pod-disallow-host-probes", "Probes and lifecycle hooks must not target another host.", controls.hostProbesAndLifecycle, "Remove the host field of httpGet and tcpSocket probes and lifecycle hooks."),
  rule("pod-restrict-apparmor", "AppArmor must not be disabled or overridden with an unknown profile.", controls.appArmor, "Use appArmorProfile.type RuntimeDefault or Localhost (annotations: runtime/default or localhost/<profile>)."),
  rule("pod-restrict-selinux", "Custom SELinux users, roles and types are not allowed.", controls.seLinux, "Remove seLinuxOptions.user and .role; use only the container_t family of types."),
  rule("pod-disallow-proc-mount", "Containers must not unmask /proc.", controls.procMount, "Remove securityContext.procMount or set it to Default."),
  rule("pod-require-seccomp-profile", "Pods must run under the RuntimeDefault or a Localhost seccomp profile.", controls.seccomp, "Set spec.securityContext.seccompProfile.type: RuntimeDefault."),
  rule("pod-restrict-sysctls", "Pods may set only sysctls of the safe set.", controls.sysctls, "Remove sysctls outside the safe set from spec.securityContext.sysctls."),
  rule("pod-disallow-privilege-escalation", "Containers must set allowPrivilegeEscalation: false.", controls.privilegeEscalation, "Set securityContext.allowPrivilegeEscalation: false on every container."),
  rule("pod-require-run-as-non-root", "Containers must run as non-root.", controls.runAsNonRoot, "Set spec.securityContext.runAsNonRoot: true and build the image with a non-root USER."),
  rule("pod-disallow-run-as-root-user", "Containers must not run as UID 0.", controls.runAsUser, "Set runAsUser to a non-zero UID or remove it."),
];
