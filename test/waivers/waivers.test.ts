import { expiryProblem, globMatches, isExpired, parseWaivedMessage, waivedLine, waiverCovers, type Waiver } from "../../policypacks/ml-guard/lib/waivers";

const waiver = (match: Waiver["match"], expires = "2099-12-31"): Waiver => ({ policy: "pod-disallow-host-namespaces", match, owner: "ml-platform@example.com", reason: "SEC-42: GPU node agent", expires });
const pod = { urn: "urn:pulumi:check::manifests::kubernetes:core/v1:Pod::vision/a", type: "kubernetes:core/v1:Pod", name: "vision/a", namespace: "vision" };

describe("waiver matching", () => {
  it("globs: * spans any characters, everything else is literal", () => {
    expect(globMatches("kubernetes:*:Pod", "kubernetes:core/v1:Pod")).toBe(true);
    expect(globMatches("vision/a", "vision/ab")).toBe(false);
    expect(globMatches("a.b", "aXb")).toBe(false);
  });

  it("covers a resource only when every given pattern matches; a namespace pattern never matches a resource without one", () => {
    expect(waiverCovers(waiver({ namespace: "vision", type: "kubernetes:*" }), pod)).toBe(true);
    expect(waiverCovers(waiver({ namespace: "vision", name: "vision/b" }), pod)).toBe(false);
    expect(waiverCovers(waiver({ namespace: "*" }), { ...pod, namespace: undefined })).toBe(false);
  });
});

describe("waiver dates", () => {
  it("applies through its expiry day and not after", () => {
    expect(isExpired(waiver({ name: "x" }, "2026-12-01"), "2026-12-01")).toBe(false);
    expect(isExpired(waiver({ name: "x" }, "2026-11-30"), "2026-12-01")).toBe(true);
  });

  it("refuses a date the schema's pattern lets through", () => {
    expect(expiryProblem(waiver({ name: "x" }, "2026-02-30"))).toBe("expires 2026-02-30 is not a calendar date (YYYY-MM-DD)");
    expect(expiryProblem(waiver({ name: "x" }, "2028-02-29"))).toBeUndefined();
  });
});

it("the waived line round-trips through the diagnostic message", () => {
  const message = `Pods must not share host namespaces.\nspec.hostNetwork: true\n${waivedLine(waiver({ name: "vision/a" }))}`;
  expect(parseWaivedMessage(message)).toEqual({
    message: "Pods must not share host namespaces.\nspec.hostNetwork: true",
    waiver: { expires: "2099-12-31", owner: "ml-platform@example.com", reason: "SEC-42: GPU node agent" },
  });
  expect(parseWaivedMessage("no waiver here")).toEqual({ message: "no waiver here" });
});
