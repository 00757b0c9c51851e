import { podSecurityPolicies } from "../../policypacks/ml-guard/policies/podSecurity";
import { advisories, enforced, messages, UNKNOWN, validateResource } from "../support/policyArgs";
import { compliantPodSpec, workloadKinds } from "../support/workloads";

type Spec = Record<string, any>;
const pss = podSecurityPolicies.map((policy) => policy.name);

/** What every Pod Security rule enforces on a resource. */
function enforcedBy(type: string, props: Record<string, unknown>): string[] {
  return pss.flatMap((name) => enforced(validateResource(name, type, props)).map((finding) => `${name}: ${finding.message}`));
}

describe("Pod Security rules on every kind of workload", () => {
  it.each(workloadKinds(compliantPodSpec()))("a compliant %s passes every control", (_kind, type, props) => {
    expect(enforcedBy(type, props)).toEqual([]);
  });

  /** [rule, mutation of a compliant pod spec, path inside the pod spec the finding must name] */
  const violations: [string, (spec: Spec) => void, string][] = [
    ["pod-disallow-privileged-containers", (s) => (s.containers[0].securityContext.privileged = true), "containers[0].securityContext.privileged"],
    ["pod-disallow-host-namespaces", (s) => (s.hostPID = true), "hostPID"],
    ["pod-disallow-host-path", (s) => s.volumes.push({ name: "docker", hostPath: { path: "/var/run/docker.sock" } }), "volumes[1].hostPath"],
    ["pod-restrict-volume-types", (s) => s.volumes.push({ name: "share", nfs: { server: "nfs", path: "/" } }), "volumes[1]"],
    ["pod-disallow-host-ports", (s) => (s.containers[0].ports = [{ containerPort: 8080, hostPort: 8080 }]), "containers[0].ports[0].hostPort"],
    ["pod-disallow-host-probes", (s) => (s.containers[0].readinessProbe = { httpGet: { host: "10.0.0.1", port: 80 } }), "containers[0].readinessProbe.httpGet.host"],
    ["pod-restrict-capabilities", (s) => (s.initContainers[0].securityContext.capabilities.add = ["SYS_ADMIN"]), "initContainers[0].securityContext.capabilities.add"],
    ["pod-restrict-apparmor", (s) => (s.containers[0].securityContext.appArmorProfile = { type: "Unconfined" }), "containers[0].securityContext.appArmorProfile.type"],
    ["pod-restrict-selinux", (s) => (s.securityContext.seLinuxOptions = { user: "system_u" }), "securityContext.seLinuxOptions.user"],
    ["pod-disallow-proc-mount", (s) => (s.containers[0].securityContext.procMount = "Unmasked"), "containers[0].securityContext.procMount"],
    ["pod-require-seccomp-profile", (s) => delete s.securityContext.seccompProfile, "containers[0].securityContext.seccompProfile"],
    ["pod-restrict-sysctls", (s) => (s.securityContext.sysctls = [{ name: "kernel.msgmax", value: "1" }]), "securityContext.sysctls[0].name"],
    ["pod-disallow-privilege-escalation", (s) => delete s.containers[0].securityContext.allowPrivilegeEscalation, "containers[0].securityContext.allowPrivilegeEscalation"],
    ["pod-require-run-as-non-root", (s) => delete s.securityContext.runAsNonRoot, "containers[0].securityContext.runAsNonRoot"],
    ["pod-disallow-run-as-root-user", (s) => (s.initContainers[0].securityContext.runAsUser = 0), "initContainers[0].securityContext.runAsUser"],
    ["pod-disallow-windows-host-process", (s) => (s.securityContext.windowsOptions = { hostProcess: true }), "securityContext.windowsOptions.hostProcess"],
  ];

  describe.each(violations)("%s", (rule, mutate, path) => {
    it.each(workloadKinds(mutateSpec(mutate)))("catches it in a %s, naming the field", (_kind, type, props, prefix) => {
      const found = messages(enforced(validateResource(rule, type, props)));
      expect(found.some((message) => message.startsWith(`${prefix}.${path}`))).toBe(true);
    });
  });

  function mutateSpec(mutate: (spec: Spec) => void): Spec {
    const spec = compliantPodSpec();
    mutate(spec);
    return spec;
  }
});

describe("where settings hide", () => {
  const pod = (spec: Spec) => ({ metadata: { name: "p", namespace: "vision" }, spec });
  const check = (rule: string, spec: Spec) => messages(enforced(validateResource(rule, "kubernetes:core/v1:Pod", pod(spec))));

  it("ephemeral containers are held to the same controls", () => {
    const spec = compliantPodSpec();
    spec.ephemeralContainers = [{ name: "debug", image: "busybox", securityContext: { privileged: true } }];
    expect(check("pod-disallow-privileged-containers", spec)).toEqual([expect.stringContaining('spec.ephemeralContainers[0].securityContext.privileged: ephemeralContainer "debug" is privileged')]);
    expect(check("pod-restrict-capabilities", spec)).toEqual([expect.stringContaining("spec.ephemeralContainers[0].securityContext.capabilities.drop")]);
  });

  it("a container-level runAsNonRoot: false overrides the pod's true", () => {
    const spec = compliantPodSpec();
    spec.containers[0].securityContext.runAsNonRoot = false;
    expect(check("pod-require-run-as-non-root", spec)).toEqual([expect.stringContaining('container "main" sets runAsNonRoot: false')]);
  });

  it("containers that all set runAsNonRoot satisfy a pod that does not", () => {
    const spec = compliantPodSpec();
    delete spec.securityContext.runAsNonRoot;
    for (const container of [...spec.containers, ...spec.initContainers]) container.securityContext.runAsNonRoot = true;
    expect(check("pod-require-run-as-non-root", spec)).toEqual([]);
  });

  it("a pod-level runAsNonRoot: false fails even when every container says true", () => {
    const spec = compliantPodSpec();
    spec.securityContext.runAsNonRoot = false;
    for (const container of [...spec.containers, ...spec.initContainers]) container.securityContext.runAsNonRoot = true;
    expect(check("pod-require-run-as-non-root", spec)).toEqual(["spec.securityContext.runAsNonRoot: the pod sets runAsNonRoot: false; set it to true"]);
  });

  it("container seccomp profiles satisfy the rule without a pod-level one, but one Unconfined container fails", () => {
    const spec = compliantPodSpec();
    delete spec.securityContext.seccompProfile;
    spec.containers[0].securityContext.seccompProfile = { type: "RuntimeDefault" };
    spec.initContainers[0].securityContext.seccompProfile = { type: "Localhost", localhostProfile: "ml.json" };
    expect(check("pod-require-seccomp-profile", spec)).toEqual([]);
    spec.initContainers[0].securityContext.seccompProfile = { type: "Unconfined" };
    expect(check("pod-require-seccomp-profile", spec)).toEqual([expect.stringContaining("initContainers[0].securityContext.seccompProfile.type")]);
  });

  it("a pod-level RuntimeDefault does not excuse a container that sets Unconfined", () => {
    const spec = compliantPodSpec();
    spec.containers[0].securityContext.seccompProfile = { type: "Unconfined" };
    expect(check("pod-require-seccomp-profile", spec)).toHaveLength(1);
  });

  it.each([["net_bind_service"], ["CAP_NET_BIND_SERVICE"], ["Sys_Admin"]])("capability %s in another spelling is not NET_BIND_SERVICE", (cap) => {
    const spec = compliantPodSpec();
    spec.containers[0].securityContext.capabilities.add = [cap];
    expect(check("pod-restrict-capabilities", spec)).toEqual([expect.stringContaining(`adds "${cap}"`)]);
  });

  it("dropping 'all' in lower case does not drop ALL", () => {
    const spec = compliantPodSpec();
    spec.containers[0].securityContext.capabilities.drop = ["all"];
    expect(check("pod-restrict-capabilities", spec)).toEqual([expect.stringContaining("does not drop ALL")]);
  });

  it("adding NET_BIND_SERVICE alone is allowed", () => {
    const spec = compliantPodSpec();
    spec.containers[0].securityContext.capabilities.add = ["NET_BIND_SERVICE"];
    expect(check("pod-restrict-capabilities", spec)).toEqual([]);
  });

  it("Windows pods are exempt from the Linux-only controls but not from HostProcess", () => {
    const spec: Spec = { os: { name: "windows" }, securityContext: { runAsNonRoot: true }, containers: [{ name: "win", image: "x" }] };
    for (const rule of ["pod-require-seccomp-profile", "pod-restrict-capabilities", "pod-disallow-privilege-escalation"]) expect(check(rule, spec)).toEqual([]);
    spec.containers[0].securityContext = { windowsOptions: { hostProcess: true } };
    expect(check("pod-disallow-windows-host-process", spec)).toHaveLength(1);
  });

  it("a probe aimed at 127.0.0.1 still targets another host than the pod", () => {
    const spec = compliantPodSpec();
    spec.containers[0].lifecycle = { preStop: { tcpSocket: { host: "127.0.0.1", port: 9 } } };
    expect(check("pod-disallow-host-probes", spec)).toEqual([expect.stringContaining("spec.containers[0].lifecycle.preStop.tcpSocket.host")]);
  });

  it("image volumes and the newly safe sysctls are allowed", () => {
    const spec = compliantPodSpec();
    spec.volumes.push({ name: "weights", image: { reference: "registry.example.com/weights@sha256:" + "b".repeat(64) } });
    spec.securityContext.sysctls = [{ name: "net.ipv4.tcp_notsent_lowat", value: "16384" }, { name: "net.ipv4.tcp_rmem", value: "4096 87380 6291456" }];
    expect(check("pod-restrict-volume-types", spec)).toEqual([]);
    expect(check("pod-restrict-sysctls", spec)).toEqual([]);
  });

  it("exempt namespaces are skipped, others are not", () => {
    const spec = compliantPodSpec();
    spec.hostNetwork = true;
    const inSystem = { metadata: { name: "p", namespace: "kube-system" }, spec };
    expect(validateResource("pod-disallow-host-namespaces", "kubernetes:core/v1:Pod", inSystem)).toEqual([]);
    expect(validateResource("pod-disallow-host-namespaces", "kubernetes:core/v1:Pod", inSystem, { exemptNamespaces: [] })).toHaveLength(1);
  });

  it("ignores resources that carry no pod template", () => {
    expect(enforcedBy("kubernetes:core/v1:ConfigMap", { data: { hostNetwork: "true" } })).toEqual([]);
  });
});

describe("unknown values (first preview)", () => {
  const pod = (spec: Spec) => ({ metadata: { name: "p", namespace: "vision" }, spec });

  it("an unknown field is reported as advisory, never passed silently and never enforced", () => {
    const spec = compliantPodSpec();
    spec.containers[0].securityContext.privileged = UNKNOWN;
    const reported = validateResource("pod-disallow-privileged-containers", "kubernetes:core/v1:Pod", pod(spec));
    expect(enforced(reported)).toEqual([]);
    expect(messages(advisories(reported))).toEqual([expect.stringContaining("spec.containers[0].securityContext.privileged: privileged of container \"main\" is not known until apply")]);
  });

  it("an unknown securityContext makes every rule say it could not check it", () => {
    const spec = compliantPodSpec();
    spec.containers[0].securityContext = UNKNOWN;
    for (const rule of ["pod-disallow-privileged-containers", "pod-disallow-privilege-escalation", "pod-restrict-capabilities"]) {
      const reported = validateResource(rule, "kubernetes:core/v1:Pod", pod(spec));
      expect(messages(advisories(reported))).toContainEqual(expect.stringContaining("spec.containers[0].securityContext: this part of the pod template is not known until apply"));
    }
  });

  it("an unknown pod template of a Deployment is reported, and known violations elsewhere still enforced", () => {
    const props = { metadata: { namespace: "vision" }, spec: { template: UNKNOWN } };
    expect(advisories(validateResource("pod-disallow-host-namespaces", "kubernetes:apps/v1:Deployment", props))).toHaveLength(1);
    const spec = compliantPodSpec();
    spec.hostIPC = true;
    spec.containers[0].image = UNKNOWN;
    const reported = validateResource("pod-disallow-host-namespaces", "kubernetes:core/v1:Pod", pod(spec));
    expect(enforced(reported)).toHaveLength(1);
  });
});
