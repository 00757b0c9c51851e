import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { podSecurityPolicies } from "../../policypacks/ml-guard/policies/podSecurity";
import { enforced, validateResource } from "../support/policyArgs";
import { describeWithShared, sharedPath } from "../support/upstream";

/** The Kubernetes project's pod-security-admission fixtures (see its README.md there for provenance). */
const CONFORMANCE = "conformance/pod-security-restricted-v1.37";
const FIXTURES = sharedPath(CONFORMANCE);
const files = (verdict: "pass" | "fail") => fs.readdirSync(path.join(FIXTURES, verdict)).filter((file) => file.endsWith(".yaml")).sort();

/** Which rule must reject each family of fixtures (the upstream check the fixture was generated for). */
const CONTROL_OF_FIXTURE: [string, string][] = [
  ["allowprivilegeescalation", "pod-disallow-privilege-escalation"],
  ["apparmorprofile", "pod-restrict-apparmor"],
  ["capabilities", "pod-restrict-capabilities"],
  ["hostnamespaces", "pod-disallow-host-namespaces"],
  ["hostpathvolumes", "pod-disallow-host-path"],
  ["hostports", "pod-disallow-host-ports"],
  ["hostprobesandhostlifecycle", "pod-disallow-host-probes"],
  ["privileged", "pod-disallow-privileged-containers"],
  ["procmount", "pod-disallow-proc-mount"],
  ["restrictedvolumes", "pod-restrict-volume-types"],
  ["runasnonroot", "pod-require-run-as-non-root"],
  ["runasuser", "pod-disallow-run-as-root-user"],
  ["seccompprofile", "pod-require-seccomp-profile"],
  ["selinuxoptions", "pod-restrict-selinux"],
  ["sysctls", "pod-restrict-sysctls"],
  ["windowshostprocess", "pod-disallow-windows-host-process"],
];

/** Every Pod Security rule of the pack over one upstream fixture; what they enforce. */
function findings(verdict: "pass" | "fail", file: string) {
  const pod = parse(fs.readFileSync(path.join(FIXTURES, verdict, file), "utf8")) as Record<string, unknown>;
  return podSecurityPolicies.flatMap((policy) =>
    enforced(validateResource(policy.name, "kubernetes:core/v1:Pod", pod)).map((finding) => `${policy.name}: ${finding.message}`));
}

describeWithShared("Pod Security Standards restricted v1.37: the Kubernetes project's own fixtures", [`${CONFORMANCE}/pass`, `${CONFORMANCE}/fail`], () => {
  it("has the whole upstream set: 23 allowed, 76 rejected", () => {
    expect(files("pass")).toHaveLength(23);
    expect(files("fail")).toHaveLength(76);
  });

  it.each(files("pass"))("allows pass/%s", (file) => {
    expect(findings("pass", file)).toEqual([]);
  });

  it.each(files("fail"))("rejects fail/%s with the control it exercises", (file) => {
    const control = CONTROL_OF_FIXTURE.find(([prefix]) => file.startsWith(prefix))?.[1];
    expect(control).toBeDefined();
    expect(findings("fail", file).map((finding) => finding.split(":")[0])).toContain(control);
  });
});
