import { asRecord, asString, asText, containsUnknown, isRecord, isUnknown, parseJsonDocument, rawProps } from "../../../policypacks/ml-guard/lib/values";

const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const UNKNOWN_OBJECT = "dd056dcd-154b-4c76-9bd3-c8f88648b5ff";

describe("isUnknown recognises the engine's sentinels only", () => {
  it.each([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    UNKNOWN_STRING,
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    UNKNOWN_OBJECT,
  ])("%s is unknown", (sentinel) => {
    expect(isUnknown(sentinel)).toBe(true);
  });

  it.each([["enabled"], [""], [UNKNOWN_STRING.toUpperCase()], [` ${UNKNOWN_STRING}`], [0], [null], [undefined], [[UNKNOWN_STRING]], [{ value: UNKNOWN_STRING }]])("%j is not", (value) => {
    expect(isUnknown(value)).toBe(false);
  });
});

describe("rawProps", () => {
  it("returns the target behind the policy server's proxy", () => {
    const target = { spec: { replicas: 1 } };
    expect(rawProps({ __getSpecialProxyTarget: target })).toBe(target);
  });

  it("returns plain objects as they are", () => {
    const props = { spec: {} };
    expect(rawProps(props)).toBe(props);
  });

  it.each([[null], [undefined], ["text"], [3]])("reads %j as no properties", (props) => {
    expect(rawProps(props)).toEqual({});
  });
});

describe("value readers", () => {
  it("isRecord accepts objects only", () => {
    expect(isRecord({})).toBe(true);
    expect(isRecord([])).toBe(false);
    expect(isRecord(null)).toBe(false);
    expect(isRecord("{}")).toBe(false);
  });

  it("asRecord gives {} for anything else", () => {
    expect(asRecord([1])).toEqual({});
    expect(asRecord({ a: 1 })).toEqual({ a: 1 });
  });

  it("asString drops unknowns and non-strings", () => {
    expect(asString("v1")).toBe("v1");
    expect(asString(UNKNOWN_STRING)).toBeUndefined();
    expect(asString(5)).toBeUndefined();
    expect(asString(undefined)).toBeUndefined();
  });

  it("asText writes non-strings as JSON and nothing as empty", () => {
    expect(asText("4Gi")).toBe("4Gi");
    expect(asText(4)).toBe("4");
    expect(asText({ a: 1 })).toBe('{"a":1}');
    expect(asText(undefined)).toBe("");
  });
});

describe("containsUnknown looks at every level", () => {
  it.each([
    [UNKNOWN_STRING, true],
    [[1, UNKNOWN_STRING], true],
    [{ a: { b: [{ c: UNKNOWN_OBJECT }] } }, true],
    [{ a: 1, b: UNKNOWN_STRING }, true],
    [{ a: [1, 2], b: { c: "x" } }, false],
    [[], false],
    [{}, false],
    ["x", false],
    [null, false],
  ])("%j: %s", (value, expected) => {
    expect(containsUnknown(value)).toBe(expected);
  });
});

describe("parseJsonDocument", () => {
  const document = { Version: "2012-10-17", Statement: [] };

  it.each([
    ["absent", undefined, { unknown: false, invalid: false }],
    ["null", null, { unknown: false, invalid: false }],
    ["unknown as a whole", UNKNOWN_STRING, { unknown: true, invalid: false }],
    ["an object with an unknown inside", { Statement: [{ Resource: UNKNOWN_STRING }] }, { unknown: true, invalid: false }],
    ["an object", document, { document, unknown: false, invalid: false }],
    ["a JSON string", JSON.stringify(document), { document, unknown: false, invalid: false }],
    ["a number", 42, { unknown: false, invalid: true }],
    ["an array", [document], { unknown: false, invalid: true }],
    ["JSON that is not an object", "[1]", { unknown: false, invalid: true }],
    ["not JSON", "{Version:", { unknown: false, invalid: true }],
  ])("%s", (_label, value, expected) => {
    expect(parseJsonDocument(value)).toEqual(expected);
  });
});
