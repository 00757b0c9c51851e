import { assemblePack } from "../../policypacks/ml-guard/lib/assemblePack";
import { SELECTION_POLICY } from "../../policypacks/ml-guard/lib/compliance/selectionPolicy";
import { policies } from "../../policypacks/ml-guard/policies";
import { PolicyConfigError, resolvePolicyConfig } from "../../tools/analyzer/policyConfig";
import { withSelectionFlags } from "../../tools/analyzer/selectionFlags";

describe("--framework, --severity and --control merged into the policy config", () => {
  it("leave the config alone when none is given", () => {
    const config = { "pod-require-resources": "disabled" as const };
    expect(withSelectionFlags(config, {})).toBe(config);
    expect(withSelectionFlags(undefined, {})).toBeUndefined();
  });

  it("take space- and comma-separated values, and replace only their own criterion", () => {
    const config = { "pod-require-resources": "disabled" as const, [SELECTION_POLICY]: { enforcementLevel: "advisory" as const, frameworks: ["hipaa"], controls: ["soc2:CC6.1"] } };
    expect(withSelectionFlags(config, { framework: ["cis-k8s, soc2", "gdpr"], severity: ["high,", "critical"] })).toEqual({
      "pod-require-resources": "disabled",
      [SELECTION_POLICY]: { enforcementLevel: "advisory", frameworks: ["cis-k8s", "soc2", "gdpr"], severities: ["high", "critical"], controls: ["soc2:CC6.1"] },
    });
    expect(config[SELECTION_POLICY].frameworks).toEqual(["hipaa"]);
  });

  it("keep a level given as the policy's whole entry", () => {
    expect(withSelectionFlags({ [SELECTION_POLICY]: "advisory" }, { control: ["nist-800-53:SC-28"] })).toEqual({ [SELECTION_POLICY]: { enforcementLevel: "advisory", controls: ["nist-800-53:SC-28"] } });
  });
});

describe("the selection config, validated as the engine validates it", () => {
  // The pack's policies as GetAnalyzerInfo describes them: name, level and config schema.
  const described = assemblePack(policies).map((policy) => ({
    name: policy.name,
    enforcementLevel: policy.enforcementLevel ?? "advisory",
    configSchema: policy.configSchema ? { properties: policy.configSchema.properties, required: policy.configSchema.required ?? [] } : undefined,
  }));
  const resolve = (selection: Record<string, unknown>) => resolvePolicyConfig(described, { [SELECTION_POLICY]: selection });

  it("accepts known frameworks, severities and controls", () => {
    expect(resolve({ frameworks: ["eu-ai-act"], severities: ["low"], controls: ["hipaa:164.312(b)"] }).get(SELECTION_POLICY)?.properties).toEqual({ frameworks: ["eu-ai-act"], severities: ["low"], controls: ["hipaa:164.312(b)"] });
  });

  it("names a refused value, and lists the allowed ones when there are few", () => {
    expect(() => resolve({ controls: ["nist-800-53:XX-1"] })).toThrow(new PolicyConfigError(`${SELECTION_POLICY}: config/controls/0 must be equal to one of the allowed values (got "nist-800-53:XX-1")`));
    expect(() => resolve({ severities: ["Critical"] })).toThrow(`config/severities/0 must be equal to one of the allowed values (got "Critical"; allowed: low, medium, high, critical)`);
    expect(() => resolve({ frameworks: "cis-k8s" })).toThrow(`${SELECTION_POLICY}: config/frameworks must be array`);
  });
});
