import { parsePlatformConfig, type RawStackConfig } from "../../config";
import { DEFAULT_EXEMPT_NAMESPACES } from "../../policypacks/ml-guard/lib/config";
import { configProblems } from "../support/configProblems";

const P = "secure-ml-platform";

/** A minimal valid stack config with `kubernetes` set as given. */
function raw(kubernetes: Record<string, unknown>): RawStackConfig {
  return {
    values: {
      "aws:region": "us-west-2",
      [`${P}:environment`]: "dev",
      [`${P}:teams`]: JSON.stringify([{ name: "vision", group: "ml-vision", quota: { cpu: "8", memory: "32Gi", gpu: 2 } }]),
      [`${P}:kubernetes`]: JSON.stringify(kubernetes),
    },
    secretKeys: new Set(),
  };
}

function problems(kubernetes: Record<string, unknown>): string[] {
  return configProblems(raw(kubernetes));
}

describe("admission policy config", () => {
  it("defaults to no token allowlist and to ml-guard's exempt namespaces", () => {
    const { kubernetes } = parsePlatformConfig(raw({}));
    expect(kubernetes.allowedTokenServiceAccounts).toEqual([]);
    expect(kubernetes.admissionExemptNamespaces).toEqual(DEFAULT_EXEMPT_NAMESPACES);
  });

  it("takes an allowlist of namespace/name ServiceAccounts and other exempt namespaces", () => {
    const { kubernetes } = parsePlatformConfig(raw({ allowedTokenServiceAccounts: ["vision/model-operator", "nlp/ray.head"], admissionExemptNamespaces: [] }));
    expect(kubernetes.allowedTokenServiceAccounts).toEqual(["vision/model-operator", "nlp/ray.head"]);
    expect(kubernetes.admissionExemptNamespaces).toEqual([]);
  });

  it.each([
    ["a bare name", "model-operator"],
    ["upper case", "vision/Model-Operator"],
    ["a third segment", "vision/model-operator/extra"],
    ["an empty name", "vision/"],
  ])("refuses an allowlist entry with %s, naming the key, the value and the form", (_case, entry) => {
    expect(problems({ allowedTokenServiceAccounts: [entry] })).toEqual([
      `${P}:kubernetes.allowedTokenServiceAccounts[0] = ${JSON.stringify(entry)}: must be namespace/name of a ServiceAccount, such as vision/model-operator`,
    ]);
  });

  it("refuses an exempt namespace that is no namespace name", () => {
    expect(problems({ admissionExemptNamespaces: ["Kube_System"] })).toEqual([
      `${P}:kubernetes.admissionExemptNamespaces[0] = "Kube_System": must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit`,
    ]);
  });
});
