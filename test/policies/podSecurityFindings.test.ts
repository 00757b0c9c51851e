import { advisories, enforced, messages, UNKNOWN, validateResource } from "../support/policyArgs";
import { compliantPodSpec } from "../support/workloads";

/** The exact findings of the Pod Security rules on a Pod: paths, wording and count. */
type Spec = Record<string, any>;
const POD = "kubernetes:core/v1:Pod";
const LATER = "is not known until apply, so this preview cannot check it; pulumi up checks it again once it is known";

function podWith(mutate: (spec: Spec) => void, annotations?: Record<string, unknown>) {
  const spec = compliantPodSpec();
  mutate(spec);
  return { metadata: { name: "p", namespace: "vision", ...(annotations && { annotations }) }, spec };
}

describe("violations name the field, the container and the fix", () => {
  const cases: [string, (spec: Spec) => void, string[]][] = [
    ["pod-disallow-windows-host-process", (s) => (s.containers[0].securityContext.windowsOptions = { hostProcess: true }), [
      'spec.containers[0].securityContext.windowsOptions.hostProcess: container "main" runs as a Windows HostProcess container with full host access; remove windowsOptions.hostProcess',
    ]],
    ["pod-disallow-host-namespaces", (s) => Object.assign(s, { hostNetwork: true, hostPID: false, hostIPC: true }), [
      "spec.hostNetwork: the pod shares the node's Network namespace; remove hostNetwork or set it to false",
      "spec.hostIPC: the pod shares the node's IPC namespace; remove hostIPC or set it to false",
    ]],
    ["pod-restrict-capabilities", (s) => (s.containers[0].securityContext.capabilities = { add: ["NET_BIND_SERVICE", "NET_RAW", "SYS_ADMIN"], drop: ["NET_RAW"] }), [
      'spec.containers[0].securityContext.capabilities.add: container "main" adds "NET_RAW", "SYS_ADMIN"; only NET_BIND_SERVICE may be added',
      'spec.containers[0].securityContext.capabilities.drop: container "main" does not drop ALL capabilities; set capabilities.drop: ["ALL"]',
    ]],
    ["pod-disallow-host-path", (s) => s.volumes.push({ hostPath: { path: "/" } }, { name: "null-host", hostPath: null }), [
      "spec.volumes[1].hostPath: volume \"1\" mounts a path of the node; use an emptyDir, a PVC or a projected volume",
    ]],
    ["pod-restrict-volume-types", (s) => s.volumes.push({ name: "share", nfs: { server: "nfs", path: "/" }, emptyDir: null }, { iscsi: {}, gitRepo: {} }), [
      'spec.volumes[1]: volume "share" uses nfs; allowed: configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret (use a PersistentVolumeClaim for other storage)',
      'spec.volumes[2]: volume "2" uses iscsi, gitRepo; allowed: configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret (use a PersistentVolumeClaim for other storage)',
    ]],
    ["pod-disallow-host-ports", (s) => (s.containers[0].ports = [{ containerPort: 80, hostPort: 0 }, { containerPort: 81, hostPort: null }, { containerPort: 82, hostPort: 8082 }]), [
      'spec.containers[0].ports[2].hostPort: container "main" binds host port 8082; remove hostPort and expose the port through a Service',
    ]],
    ["pod-disallow-host-probes", (s) => Object.assign(s.containers[0], { readinessProbe: { httpGet: { host: "", port: 80 } }, startupProbe: { tcpSocket: { host: "metadata", port: 80 } } }), [
      'spec.containers[0].startupProbe.tcpSocket.host: container "main" points a probe or lifecycle hook at host "metadata"; remove host so the kubelet targets the pod itself',
    ]],
    ["pod-restrict-apparmor", (s) => (s.initContainers[0].securityContext.appArmorProfile = { type: "Unconfined" }), [
      'spec.initContainers[0].securityContext.appArmorProfile.type: initContainer "init" uses AppArmor profile "Unconfined"; use RuntimeDefault or Localhost',
    ]],
    ["pod-restrict-selinux", (s) => (s.securityContext.seLinuxOptions = { type: "spc_t", user: "system_u", role: "", level: "s0:c123,c456" }), [
      'spec.securityContext.seLinuxOptions.type: the pod sets SELinux type "spc_t"; allowed: container_t, container_init_t, container_kvm_t, container_engine_t',
      "spec.securityContext.seLinuxOptions.user: the pod sets a custom SELinux user; remove it",
    ]],
    ["pod-disallow-proc-mount", (s) => (s.containers[0].securityContext.procMount = "Unmasked"), [
      'spec.containers[0].securityContext.procMount: container "main" unmasks /proc (procMount "Unmasked"); remove procMount or set it to Default',
    ]],
    ["pod-require-seccomp-profile", (s) => {
      s.securityContext.seccompProfile = { type: "Unconfined" };
      s.containers[0].securityContext.seccompProfile = { type: "Custom" };
    }, [
      "spec.securityContext.seccompProfile.type: the pod runs without seccomp (Unconfined); use RuntimeDefault or Localhost",
      'spec.containers[0].securityContext.seccompProfile.type: container "main" uses seccomp profile type "Custom"; use RuntimeDefault or Localhost',
    ]],
    ["pod-require-seccomp-profile", (s) => {
      delete s.securityContext.seccompProfile;
      s.containers[0].securityContext.seccompProfile = { type: "Unconfined" };
    }, [
      'spec.containers[0].securityContext.seccompProfile.type: container "main" runs without seccomp (Unconfined); use RuntimeDefault or Localhost',
      'spec.initContainers[0].securityContext.seccompProfile: no seccomp profile for initContainer "init"; set securityContext.seccompProfile.type: RuntimeDefault on the pod or the container',
    ]],
    ["pod-restrict-sysctls", (s) => (s.securityContext.sysctls = [{ name: "net.ipv4.tcp_syncookies", value: "1" }, { name: "kernel.msgmax", value: "1" }]), [
      'spec.securityContext.sysctls[1].name: sysctl "kernel.msgmax" is not in the safe set; remove it',
    ]],
    ["pod-disallow-privilege-escalation", (s) => (s.containers[0].securityContext.allowPrivilegeEscalation = true), [
      'spec.containers[0].securityContext.allowPrivilegeEscalation: container "main" may gain privileges (setuid binaries); set allowPrivilegeEscalation: false',
    ]],
    ["pod-require-run-as-non-root", (s) => {
      delete s.securityContext.runAsNonRoot;
      s.initContainers[0].securityContext.runAsNonRoot = true;
    }, [
      'spec.containers[0].securityContext.runAsNonRoot: container "main" may run as root; set runAsNonRoot: true on the pod or the container',
    ]],
    ["pod-disallow-run-as-root-user", (s) => {
      s.securityContext.runAsUser = 0;
      s.containers[0].securityContext.runAsUser = 1000;
    }, [
      "spec.securityContext.runAsUser: the pod runs as UID 0 (root); use a non-zero UID",
    ]],
  ];

  it.each(cases)("%s", (rule, mutate, expected) => {
    expect(messages(validateResource(rule, POD, podWith(mutate)))).toEqual(expected);
  });
});

describe("AppArmor annotations (before Kubernetes 1.30) are held to the same profiles", () => {
  const KEY = "container.apparmor.security.beta.kubernetes.io/main";
  const check = (annotations: Record<string, unknown>) => messages(validateResource("pod-restrict-apparmor", POD, podWith(() => undefined, annotations)));

  it("accepts runtime/default, localhost profiles and unrelated annotations", () => {
    expect(check({ [KEY]: "runtime/default", "container.apparmor.security.beta.kubernetes.io/init": "localhost/ml-profile", "example.com/apparmor": "unconfined" })).toEqual([]);
  });

  it.each([["unconfined"], ["Localhost/ml"], [""]])("refuses %j, naming the container", (profile) => {
    expect(check({ [KEY]: profile })).toEqual([
      `metadata.annotations["${KEY}"]: AppArmor profile ${JSON.stringify(profile)} for container "main"; use runtime/default or localhost/<profile>`,
    ]);
  });

  it("accepts the RuntimeDefault and Localhost profile fields", () => {
    const pod = podWith((s) => {
      s.securityContext.appArmorProfile = { type: "RuntimeDefault" };
      s.containers[0].securityContext.appArmorProfile = { type: "Localhost", localhostProfile: "ml" };
    });
    expect(validateResource("pod-restrict-apparmor", POD, pod)).toEqual([]);
  });
});

describe("values unknown until apply are reported as advisory, once, at their path", () => {
  const cases: [string, (spec: Spec) => void, string, Record<string, unknown>?][] = [
    ["pod-disallow-windows-host-process", (s) => (s.securityContext.windowsOptions = { hostProcess: UNKNOWN }), "spec.securityContext.windowsOptions.hostProcess: hostProcess of the pod"],
    ["pod-disallow-host-namespaces", (s) => (s.hostPID = UNKNOWN), "spec.hostPID: hostPID"],
    ["pod-restrict-capabilities", (s) => (s.containers[0].securityContext.capabilities = UNKNOWN), 'spec.containers[0].securityContext.capabilities: capabilities of container "main"'],
    ["pod-restrict-capabilities", (s) => (s.containers[0].securityContext.capabilities.add = ["NET_BIND_SERVICE", UNKNOWN]), 'spec.containers[0].securityContext.capabilities.add: added capabilities of container "main"'],
    ["pod-restrict-capabilities", (s) => (s.containers[0].securityContext.capabilities.drop = UNKNOWN), 'spec.containers[0].securityContext.capabilities.drop: dropped capabilities of container "main"'],
    ["pod-restrict-capabilities", (s) => (s.containers[0].securityContext.capabilities.drop = ["ALL", UNKNOWN]), 'spec.containers[0].securityContext.capabilities.drop: dropped capabilities of container "main"'],
    ["pod-restrict-volume-types", (s) => (s.volumes = [UNKNOWN]), "spec.volumes[0]: a volume"],
    ["pod-disallow-host-ports", (s) => (s.containers[0].ports = [{ containerPort: 80, hostPort: UNKNOWN }]), 'spec.containers[0].ports[0].hostPort: hostPort of container "main"'],
    ["pod-disallow-host-probes", (s) => (s.containers[0].livenessProbe = { httpGet: { host: UNKNOWN, port: 80 } }), 'spec.containers[0].livenessProbe.httpGet.host: probe host of container "main"'],
    ["pod-restrict-apparmor", () => undefined, 'metadata.annotations["container.apparmor.security.beta.kubernetes.io/main"]: an AppArmor annotation', { "container.apparmor.security.beta.kubernetes.io/main": UNKNOWN }],
    ["pod-restrict-apparmor", (s) => (s.containers[0].securityContext.appArmorProfile = { type: UNKNOWN }), 'spec.containers[0].securityContext.appArmorProfile.type: AppArmor profile of container "main"'],
    ["pod-restrict-selinux", (s) => (s.securityContext.seLinuxOptions = UNKNOWN), "spec.securityContext.seLinuxOptions: SELinux options of the pod"],
    ["pod-restrict-selinux", (s) => (s.containers[0].securityContext.seLinuxOptions = { type: "spc_t", role: UNKNOWN }), 'spec.containers[0].securityContext.seLinuxOptions: SELinux options of container "main"'],
    ["pod-disallow-proc-mount", (s) => (s.containers[0].securityContext.procMount = UNKNOWN), 'spec.containers[0].securityContext.procMount: procMount of container "main"'],
    ["pod-require-seccomp-profile", (s) => (s.securityContext.seccompProfile = { type: UNKNOWN }), "spec.securityContext.seccompProfile.type: the pod's seccomp profile"],
    ["pod-require-seccomp-profile", (s) => (s.containers[0].securityContext.seccompProfile = { type: UNKNOWN }), 'spec.containers[0].securityContext.seccompProfile.type: seccomp profile of container "main"'],
    ["pod-restrict-sysctls", (s) => (s.securityContext.sysctls = [{ name: UNKNOWN, value: "1" }]), "spec.securityContext.sysctls[0].name: a sysctl name"],
    ["pod-disallow-privilege-escalation", (s) => (s.containers[0].securityContext.allowPrivilegeEscalation = UNKNOWN), 'spec.containers[0].securityContext.allowPrivilegeEscalation: allowPrivilegeEscalation of container "main"'],
    ["pod-require-run-as-non-root", (s) => (s.securityContext.runAsNonRoot = UNKNOWN), "spec.securityContext.runAsNonRoot: the pod's runAsNonRoot"],
    ["pod-require-run-as-non-root", (s) => (s.containers[0].securityContext.runAsNonRoot = UNKNOWN), 'spec.containers[0].securityContext.runAsNonRoot: runAsNonRoot of container "main"'],
    ["pod-disallow-run-as-root-user", (s) => (s.containers[0].securityContext.runAsUser = UNKNOWN), 'spec.containers[0].securityContext.runAsUser: runAsUser of container "main"'],
  ];

  it.each(cases.map(([rule, mutate, expected, annotations]) => [rule, expected, mutate, annotations ?? {}] as const))("%s: %s", (rule, expected, mutate, annotations) => {
    const reported = validateResource(rule, POD, podWith(mutate, annotations));
    expect(enforced(reported)).toEqual([]);
    expect(messages(advisories(reported))).toEqual([`${expected} ${LATER}`]);
  });

  it("an unknown known-to-be-bad value next to a known violation still enforces the violation", () => {
    const reported = validateResource("pod-restrict-capabilities", POD, podWith((s) => (s.containers[0].securityContext.capabilities = { add: [UNKNOWN, "SYS_ADMIN"], drop: ["ALL"] })));
    expect(messages(enforced(reported))).toEqual(['spec.containers[0].securityContext.capabilities.add: container "main" adds "SYS_ADMIN"; only NET_BIND_SERVICE may be added']);
    expect(advisories(reported)).toHaveLength(1);
  });

  it("an unknown volume list is reported by the template check, not passed", () => {
    const reported = validateResource("pod-restrict-volume-types", POD, podWith((s) => (s.volumes = UNKNOWN)));
    expect(messages(advisories(reported))).toEqual([`spec.volumes: this part of the pod template ${LATER}`]);
  });
});
