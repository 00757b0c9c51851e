import type { Policies, PolicyResource, ResourceValidation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { unknownCheckingProxy } from "@pulumi/policy/proxy";
import { assemblePack } from "../../../policypacks/ml-guard/lib/assemblePack";
import { controlsOf } from "../../../policypacks/ml-guard/lib/compliance/ruleControls";
import { describeSelection, isSelected, type RuleSelection, type SelectableRule } from "../../../policypacks/ml-guard/lib/compliance/selection";
import { SELECTION_POLICY } from "../../../policypacks/ml-guard/lib/compliance/selectionPolicy";
import { withRuleSelection } from "../../../policypacks/ml-guard/lib/compliance/withRuleSelection";
import { WAIVERS_POLICY } from "../../../policypacks/ml-guard/lib/waiverPolicy";
import { policies } from "../../../policypacks/ml-guard/policies";

const rule = (severity: SelectableRule["severity"], ...controls: SelectableRule["controls"]): SelectableRule => ({ name: "r", severity, controls });
const rbac = rule("critical", "cis-k8s:5.1.1", "nist-800-53:AC-6", "soc2:CC6.3");
const logging = rule("high", "nist-800-53:AU-2", "eu-ai-act:12(1)");

describe("isSelected, as compliance-policies' selectPolicies", () => {
  it.each<[string, RuleSelection, boolean, boolean]>([
    ["no criterion selects every rule", {}, true, true],
    ["empty criteria do not filter", { frameworks: [], severities: [], controls: [] }, true, true],
    ["one framework", { frameworks: ["cis-k8s"] }, true, false],
    ["frameworks are OR-ed", { frameworks: ["cis-k8s", "eu-ai-act"] }, true, true],
    ["severities are OR-ed", { severities: ["critical", "high"] }, true, true],
    ["criteria are AND-ed", { frameworks: ["nist-800-53"], severities: ["high"] }, false, true],
    ["AND can select nothing", { frameworks: ["eu-ai-act"], severities: ["critical"] }, false, false],
    ["a control by its exact id", { controls: ["nist-800-53:AU-2"] }, false, true],
    ["a control id is not a prefix match", { controls: ["nist-800-53:AC-6(5)"] }, false, false],
  ])("%s", (_case, selection, rbacRuns, loggingRuns) => {
    expect([isSelected(rbac, selection), isSelected(logging, selection)]).toEqual([rbacRuns, loggingRuns]);
  });

  it("a rule without a severity is not selected by a severity criterion", () => {
    expect(isSelected(rule(undefined, "soc2:CC6.1"), { severities: ["low", "medium", "high", "critical"] })).toBe(false);
    expect(isSelected(rule(undefined, "soc2:CC6.1"), { frameworks: ["soc2"] })).toBe(true);
  });

  it("describes the criteria it applies", () => {
    expect(describeSelection({ frameworks: ["cis-k8s", "soc2"], severities: [], controls: ["hipaa:164.312(b)"] })).toBe("frameworks cis-k8s, soc2; controls hipaa:164.312(b)");
  });
});

/*
 * The assembled pack driven as the policy server drives it (@pulumi/policy 1.21.0 server.js): policies in
 * order, getConfig per policy, a disabled policy skipped, args.notApplicable throwing an error the server
 * records in the response's notApplicable list. The gRPC path itself is tested in test/compliance/selectionPack.e2e.test.ts.
 */
class NotApplicable extends Error {}
interface Outcome { findings: { policy: string; level: string; message: string }[]; notApplicable: { policy: string; reason: string }[] }
type Config = Record<string, Record<string, unknown> | "disabled">;

const pack = assemblePack(policies);
const opts = { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] };
const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

async function run(outcome: Outcome, policy: Policies[number], call: () => unknown): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!(error instanceof NotApplicable)) throw error;
    outcome.notApplicable.push({ policy: policy.name, reason: error.message });
  }
}

/** As the server: a diagnostic's own level, else the configured one, else the policy's default. */
const reporter = (outcome: Outcome, policy: Policies[number], config: Config) => (message: string | { message: string; enforcementLevel?: string }) => {
  const entry = config[policy.name];
  const configured = typeof entry === "object" ? (entry.enforcementLevel as string | undefined) : undefined;
  const level = (typeof message === "object" ? message.enforcementLevel : undefined) || configured || policy.enforcementLevel || "advisory";
  outcome.findings.push({ policy: policy.name, level, message: typeof message === "string" ? message : message.message });
};

const enabled = (config: Config, policySet: Policies) => policySet.filter((policy) => config[policy.name] !== "disabled");
const configOf = (config: Config, name: string) => <T extends object>() => ((config[name] === "disabled" ? {} : config[name]) ?? {}) as T;

async function analyze(type: string, props: Record<string, unknown>, config: Config = {}, policySet = pack): Promise<Outcome> {
  const outcome: Outcome = { findings: [], notApplicable: [] };
  for (const policy of enabled(config, policySet)) {
    const validate = (policy as ResourceValidationPolicy).validateResource;
    for (const fn of validate === undefined ? [] : Array.isArray(validate) ? validate : [validate]) {
      const args: ResourceValidationArgs = { type, props: unknownCheckingProxy(props), urn: `urn:pulumi:s::p::${type}::r`, name: "r", opts, stackTags: new Map(), isType: () => false, asType: () => undefined, getConfig: configOf(config, policy.name), notApplicable };
      await run(outcome, policy, () => fn(args, reporter(outcome, policy, config)));
    }
  }
  return outcome;
}

async function analyzeStack(resources: { type: string; name: string; props: Record<string, unknown> }[], config: Config = {}): Promise<Outcome> {
  const outcome: Outcome = { findings: [], notApplicable: [] };
  const built = resources.map((resource): PolicyResource => ({ ...resource, urn: `urn:pulumi:s::p::${resource.type}::${resource.name}`, props: unknownCheckingProxy(resource.props), opts, dependencies: [], propertyDependencies: {}, isType: () => false, asType: () => undefined }));
  for (const policy of enabled(config, pack)) {
    const validateStack = (policy as StackValidationPolicy).validateStack;
    if (validateStack) await run(outcome, policy, () => validateStack({ resources: built, getConfig: configOf(config, policy.name), stackTags: new Map(), notApplicable }, reporter(outcome, policy, config)));
  }
  return outcome;
}

async function remediate(name: string, type: string, props: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
  const policy = pack.find((candidate) => candidate.name === name) as ResourceValidationPolicy;
  const args: ResourceValidationArgs = { type, props, urn: `urn:pulumi:s::p::${type}::r`, name: "r", opts, stackTags: new Map(), isType: () => false, asType: () => undefined, getConfig: () => ({}) as never, notApplicable };
  return (await policy.remediateResource!(args)) ?? undefined;
}

const PRIVILEGED = "pod-disallow-privileged-containers";
const privilegedPod = { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "vision" }, spec: { containers: [{ name: "main", image: "docker.io/library/busybox:latest", securityContext: { privileged: true } }] } };
const stackRoot = { type: "pulumi:pulumi:Stack", name: "p-s", props: {} };
const byPolicy = (outcome: Outcome) => new Set(outcome.findings.map((finding) => finding.policy));

describe("rule selection in the assembled pack", () => {
  it("without selection config every rule runs and the selection policy reports nothing", async () => {
    await analyze("pulumi:pulumi:Stack", {});
    const outcome = await analyze("kubernetes:core/v1:Pod", privilegedPod);
    expect([...byPolicy(outcome)]).toEqual(expect.arrayContaining([PRIVILEGED, "pod-require-pinned-images", "pod-disallow-privilege-escalation"]));
    expect(outcome.notApplicable.filter((item) => item.reason.includes(SELECTION_POLICY))).toEqual([]);
    expect((await analyzeStack([stackRoot])).findings.filter((finding) => finding.policy === SELECTION_POLICY)).toEqual([]);
  });

  it("a deselected rule reports nothing and is not applicable, with the reason; selected rules still report", async () => {
    const config = { [SELECTION_POLICY]: { frameworks: ["eu-ai-act"] } };
    const outcome = await analyze("kubernetes:core/v1:Pod", privilegedPod, config);
    expect(byPolicy(outcome).has(PRIVILEGED)).toBe(false);
    expect(outcome.notApplicable).toContainEqual({ policy: PRIVILEGED, reason: `deselected by the ${SELECTION_POLICY} policy config` });
    // pinned images map to eu-ai-act:15(5); the pod's :latest tag is still refused.
    expect(controlsOf("pod-require-pinned-images")).toContain("eu-ai-act:15(5)");
    expect(byPolicy(outcome).has("pod-require-pinned-images")).toBe(true);
    for (const finding of outcome.findings) expect(controlsOf(finding.policy).some((control) => control.startsWith("eu-ai-act:"))).toBe(true);
  });

  it("the selection policy reports, once per stack and advisory at any level, every rule the selection turned off", async () => {
    const config = { [SELECTION_POLICY]: { enforcementLevel: "mandatory", frameworks: ["cis-eks"], severities: ["critical"] } };
    const turnedOff = policies.filter((policy) => !(policy.severity === "critical" && controlsOf(policy.name).some((control) => control.startsWith("cis-eks:")))).map((policy) => policy.name);
    const stack = await analyzeStack([stackRoot], config);
    const notes = stack.findings.filter((finding) => finding.policy === SELECTION_POLICY);
    expect(notes).toEqual([{ policy: SELECTION_POLICY, level: "advisory", message: `The rule selection (frameworks cis-eks; severities critical) turned off ${turnedOff.length} of ${policies.length} rules; they report nothing in this run: ${turnedOff.join(", ")}` }]);
    expect(turnedOff).not.toContain("k8s-rbac-disallow-escalation-paths");
    expect(stack.notApplicable.map((item) => item.policy).sort()).toEqual(policies.filter((policy) => "validateStack" in policy && turnedOff.includes(policy.name)).map((policy) => policy.name).sort());
  });

  it("says so when the selection matches no rule at all", async () => {
    const stack = await analyzeStack([stackRoot], { [SELECTION_POLICY]: { frameworks: ["eu-ai-act"], severities: ["low"] } });
    expect(stack.findings.find((finding) => finding.policy === SELECTION_POLICY)?.message).toContain(`turned off every one of the ${policies.length} rules (no rule matches)`);
  });

  it("never deselects the waivers policy: an expired waiver is reported whatever the selection", async () => {
    const waiver = { policy: PRIVILEGED, match: { namespace: "vision" }, owner: "a@example.com", reason: "SEC-1", expires: "2020-01-01" };
    const config = { [SELECTION_POLICY]: { frameworks: ["eu-ai-act"], severities: ["low"] }, [WAIVERS_POLICY]: { waivers: [waiver] } };
    const stack = await analyzeStack([stackRoot, { type: "kubernetes:core/v1:Pod", name: "vision/p", props: privilegedPod }], config);
    expect(stack.findings.filter((finding) => finding.policy === WAIVERS_POLICY)).toEqual([expect.objectContaining({ level: "mandatory", message: expect.stringContaining("expired on 2020-01-01") as string })]);
  });

  it("disabling the selection policy in a pack process runs every rule: it is what loads the selection", async () => {
    // A fresh module registry stands for a fresh pack process, as the engine starts one per run.
    let freshPack: Policies = [];
    jest.isolateModules(() => {
      const { assemblePack: assemble } = require("../../../policypacks/ml-guard/lib/assemblePack") as typeof import("../../../policypacks/ml-guard/lib/assemblePack");
      freshPack = assemble((require("../../../policypacks/ml-guard/policies") as typeof import("../../../policypacks/ml-guard/policies")).policies);
    });
    const config: Config = { [SELECTION_POLICY]: "disabled" };
    expect(byPolicy(await analyze("kubernetes:core/v1:Pod", privilegedPod, config, freshPack)).has(PRIVILEGED)).toBe(true);
  });

  it("a deselected rule does not remediate either", async () => {
    const key = { enableKeyRotation: false, keyUsage: "ENCRYPT_DECRYPT", customerMasterKeySpec: "SYMMETRIC_DEFAULT" };
    await analyze("pulumi:pulumi:Stack", {}, { [SELECTION_POLICY]: {} });
    expect(await remediate("kms-key-missing-rotation", "aws:kms/key:Key", key)).toMatchObject({ enableKeyRotation: true });
    await analyze("pulumi:pulumi:Stack", {}, { [SELECTION_POLICY]: { severities: ["critical"] } });
    await expect(remediate("kms-key-missing-rotation", "aws:kms/key:Key", key)).rejects.toThrow(`deselected by the ${SELECTION_POLICY} policy config`);
  });
});

describe("withRuleSelection on rules of every shape", () => {
  const typed = Object.assign((_args: ResourceValidationArgs, report: (message: string) => void) => report("typed"), { __pulumiType: "aws:kms/key:Key" });
  const rules: Policies = [
    { name: "several", description: "d", enforcementLevel: "mandatory", severity: "low", validateResource: [(_args, report) => report("first"), (_args, report) => report("second")] },
    { name: "typed", description: "d", enforcementLevel: "mandatory", severity: "high", validateResource: typed },
  ];
  const { carrier, rules: gatedRules } = withRuleSelection(rules);
  const argsWith = (config: object): ResourceValidationArgs => ({ type: "aws:kms/key:Key", props: {}, urn: "urn:pulumi:s::p::aws:kms/key:Key::k", name: "k", opts, stackTags: new Map(), isType: () => false, asType: () => undefined, getConfig: <T extends object>() => config as T, notApplicable });
  const runAll = async (config: object) => {
    const outcome: Outcome = { findings: [], notApplicable: [] };
    await (carrier.validateResource as ResourceValidation)(argsWith(config), () => undefined);
    for (const policy of gatedRules) {
      const validations = (policy as ResourceValidationPolicy).validateResource!;
      for (const fn of Array.isArray(validations) ? validations : [validations]) await run(outcome, policy, () => fn(argsWith({}), reporter(outcome, policy, {})));
    }
    return outcome;
  };

  it("gates each of a rule's several validations", async () => {
    const outcome = await runAll({ severities: ["high"] });
    expect(outcome.findings.map((finding) => finding.message)).toEqual(["typed"]);
    expect(outcome.notApplicable.map((item) => item.policy)).toEqual(["several", "several"]);
    expect((await runAll({})).findings.map((finding) => finding.message)).toEqual(["first", "second", "typed"]);
  });

  it("keeps the SDK's type tag, so the server still skips other types without calling the rule", () => {
    expect((gatedRules[1] as ResourceValidationPolicy).validateResource).toHaveProperty("__pulumiType", "aws:kms/key:Key");
  });
});
