import { DEFAULT_EXEMPT_NAMESPACES, isExemptNamespace } from "../../../policypacks/ml-guard/lib/config";

describe("isExemptNamespace", () => {
  it("exempts the control plane's namespaces by default", () => {
    expect(DEFAULT_EXEMPT_NAMESPACES.every((namespace) => isExemptNamespace(namespace, {}))).toBe(true);
    expect(isExemptNamespace("vision", {})).toBe(false);
  });

  it("reads a missing namespace as default", () => {
    expect(isExemptNamespace(undefined, { exemptNamespaces: ["default"] })).toBe(true);
    expect(isExemptNamespace(undefined, { exemptNamespaces: [""] })).toBe(false);
    expect(isExemptNamespace(undefined, {})).toBe(false);
  });

  it("replaces the defaults with the configured list", () => {
    expect(isExemptNamespace("kube-system", { exemptNamespaces: ["monitoring"] })).toBe(false);
    expect(isExemptNamespace("monitoring", { exemptNamespaces: ["monitoring"] })).toBe(true);
  });
});
