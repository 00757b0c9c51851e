/**
 * The ml-guard helpers that read values as the providers' Check does (policypacks/ml-guard/lib/
 * quantities.ts and bridgedValues.ts), case by case.
 */
import { bridgedBoolean, bridgedInteger } from "../../policypacks/ml-guard/lib/bridgedValues";
import { quantityNanos, sameQuantity } from "../../policypacks/ml-guard/lib/quantities";

describe("quantities compared by value", () => {
  it.each([
    ["2", 2], ["2", "2.0"], ["1", "1000m"], ["1Gi", "1024Mi"], ["1k", "1000"], ["1e3", "1k"], ["0.5", "500m"], ["0", "0m"],
  ])("%s equals %s", (a, b) => {
    expect(sameQuantity(a, b)).toBe(true);
  });

  it.each([["2", "1"], ["1Gi", "1G"], ["1", "-1"], ["1", "1n"]])("%s differs from %s", (a, b) => {
    expect(sameQuantity(a, b)).toBe(false);
  });

  it("rounds up to nano precision, as Kubernetes does, and refuses what is not a quantity", () => {
    expect(quantityNanos("0.9n")).toBe(1n);
    expect(quantityNanos("1.5Gi")).toBe(1536n * 1024n * 1024n * 10n ** 9n);
    expect(["", "lots", "1.2.3", "2X", ".", null, true].map(quantityNanos)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it("compares values that are not quantities as given", () => {
    expect(sameQuantity("lots", "lots")).toBe(true);
    expect(sameQuantity("lots", "many")).toBe(false);
  });
});

describe("booleans and integers of bridged resources", () => {
  it("reads Go's strconv.ParseBool forms and nothing else", () => {
    expect(["1", "t", "T", "TRUE", "true", "True", true].map(bridgedBoolean)).toEqual(Array(7).fill(true));
    expect(["0", "f", "F", "FALSE", "false", "False", false].map(bridgedBoolean)).toEqual(Array(7).fill(false));
    expect(["yes", "on", "tRuE", "", 1, null, undefined].map(bridgedBoolean)).toEqual(Array(7).fill(undefined));
  });

  it("reads integers from numbers and strings of digits only", () => {
    expect([7, "7", "+7", "-7", "007"].map(bridgedInteger)).toEqual([7, 7, 7, -7, 7]);
    expect(["7.5", "7d", "", " 7", null, true].map(bridgedInteger)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
  });
});
