import { assemblePack } from "../../../policypacks/ml-guard/lib/assemblePack";
import { controlsOf, frameworksOf, RULE_CONTROLS } from "../../../policypacks/ml-guard/lib/compliance/ruleControls";
import { SELECTION_POLICY } from "../../../policypacks/ml-guard/lib/compliance/selectionPolicy";
import { CONTROL_IDS, CONTROLS, FRAMEWORK_IDS, FRAMEWORKS, frameworkOf, isControlId } from "../../../policypacks/ml-guard/lib/compliance/vocabulary";
import { WAIVERS_POLICY } from "../../../policypacks/ml-guard/lib/waiverPolicy";
import { policies } from "../../../policypacks/ml-guard/policies";

/** The pack as index.ts builds it: the rules come from here, never from the mapping table. */
const pack = assemblePack(policies);
const packNames = pack.map((policy) => policy.name);

describe("the compliance mapping of the assembled pack", () => {
  it("runs the selection policy, then the waivers policy, then every rule", () => {
    expect(packNames.slice(0, 2)).toEqual([SELECTION_POLICY, WAIVERS_POLICY]);
    expect(packNames.slice(2)).toEqual(policies.map((policy) => policy.name));
  });

  it.each(packNames)("%s implements at least one control, each in the vocabulary, none twice", (name) => {
    const controls = RULE_CONTROLS[name] ?? [];
    expect(controls.length).toBeGreaterThan(0);
    expect(controls.filter((control) => !isControlId(control))).toEqual([]);
    expect(new Set(controls).size).toBe(controls.length);
  });

  it("names no rule that the pack does not have", () => {
    expect(Object.keys(RULE_CONTROLS).filter((name) => !packNames.includes(name))).toEqual([]);
  });

  it("tags every policy with exactly its controls", () => {
    for (const policy of pack) expect({ name: policy.name, tags: policy.tags }).toEqual({ name: policy.name, tags: [...controlsOf(policy.name)] });
  });

  it("keeps every rule within GitHub code scanning's 20 tags (its controls plus \"security\")", () => {
    expect(packNames.filter((name) => controlsOf(name).length + 1 > 20)).toEqual([]);
  });

  it("declares the selection policy advisory and low, with its three criteria", () => {
    const [carrier] = pack;
    expect(carrier).toMatchObject({ enforcementLevel: "advisory", severity: "low" });
    expect(carrier.description).toContain("framework, severity or control");
    expect(carrier.remediationSteps).toContain(SELECTION_POLICY);
    expect(Object.keys(carrier.configSchema?.properties ?? {})).toEqual(["frameworks", "severities", "controls"]);
  });

  it("knows no controls of a rule it does not map", () => {
    expect(controlsOf("no-such-rule")).toEqual([]);
  });

  it("derives a rule's frameworks from its controls, in the vocabulary's order", () => {
    expect(frameworksOf("pod-disallow-host-namespaces")).toEqual(["cis-k8s", "cis-eks", "nist-800-53", "soc2", "gdpr"]);
    expect(frameworksOf("no-such-rule")).toEqual([]);
  });
});

describe("the vocabulary", () => {
  it("gives every framework a name and a version, and every framework has controls", () => {
    for (const id of FRAMEWORK_IDS) {
      expect(FRAMEWORKS[id].version).not.toBe("");
      expect(CONTROL_IDS.filter((control) => frameworkOf(control) === id).length).toBeGreaterThan(0);
    }
  });

  it("spells every id <framework>:<control> with a known framework and a title", () => {
    for (const control of CONTROL_IDS) {
      expect(FRAMEWORK_IDS).toContain(frameworkOf(control));
      expect(control).toMatch(/^[a-z0-9-]+:[A-Za-z0-9.()-]+$/);
      expect(CONTROLS[control].length).toBeGreaterThan(3);
    }
    expect(isControlId("cis-k8s:5.1.6")).toBe(true);
    expect(isControlId("cis-k8s:9.9.9")).toBe(false);
    expect(isControlId("toString")).toBe(false);
  });

  it("numbers the CIS recommendations as the benchmarks do (kube-bench cfg/cis-1.12, cfg/eks-1.8.0)", () => {
    // Spot checks of recommendations whose numbers moved between benchmark versions.
    expect(CONTROLS["cis-k8s:5.2.10"]).toBe("Minimize the admission of Windows HostProcess containers");
    expect(CONTROLS["cis-k8s:5.2.12"]).toBe("Minimize the admission of containers which use HostPorts");
    expect(CONTROLS["cis-eks:4.1.8"]).toBe("Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes cluster");
    expect(CONTROLS["cis-eks:5.3.1"]).toBe("Ensure Kubernetes Secrets are encrypted using Customer Master Keys (CMKs) managed in AWS KMS");
  });
});
