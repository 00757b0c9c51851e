import { hasIdentityCondition, isAdminGrant, isPublicAllow, statementsOf } from "../../../policypacks/ml-guard/lib/iamPolicy";

const one = (statement: Record<string, unknown>) => statementsOf({ Statement: statement })[0];

describe("statementsOf", () => {
  it("accepts a single statement object or a list, and no statement at all", () => {
    expect(statementsOf({})).toEqual([]);
    expect(statementsOf({ Statement: [{ Effect: "Allow" }, { Effect: "Deny" }] }).map((s) => [s.index, s.effect])).toEqual([[0, "Allow"], [1, "Deny"]]);
    expect(statementsOf({ Statement: { Effect: "Deny", Action: "s3:*", Resource: "*" } })).toEqual([
      { index: 0, effect: "Deny", principals: [], hasNotPrincipal: false, actions: ["s3:*"], hasNotAction: false, resources: ["*"], condition: {} },
    ]);
  });

  it("reads a missing Effect as none, so the statement grants nothing", () => {
    expect(one({ Action: "s3:*" }).effect).toBe("");
  });

  it("keeps a principal given as one ARN whole", () => {
    expect(one({ Principal: "arn:aws:iam::123456789012:root" }).principals).toEqual(["arn:aws:iam::123456789012:root"]);
  });

  it("normalises every kind of principal to one list", () => {
    expect(one({ Principal: "*" }).principals).toEqual(["*"]);
    expect(one({ Principal: { AWS: ["arn:aws:iam::1:root", "arn:aws:iam::2:root"], Service: "s3.amazonaws.com" } }).principals)
      .toEqual(["arn:aws:iam::1:root", "arn:aws:iam::2:root", "s3.amazonaws.com"]);
    expect(one({ NotPrincipal: { AWS: "arn:aws:iam::1:root" } })).toMatchObject({ principals: [], hasNotPrincipal: true });
    expect(one({ NotAction: "iam:*" })).toMatchObject({ actions: [], hasNotAction: true });
  });

  it("keeps conditions by operator and key", () => {
    expect(one({ Condition: { StringEquals: { "aws:PrincipalOrgID": "o-1" } } }).condition).toEqual({ StringEquals: { "aws:PrincipalOrgID": "o-1" } });
  });
});

describe("isPublicAllow", () => {
  it.each([
    ["*", true],
    ["arn:aws:iam::*:root", true],
    ["arn:aws-cn:iam::*:root", true],
    ["arn:aws:iam::123456789012:root", false],
    ["xarn:aws:iam::*:root", false],
    ["arn:aws1:iam::*:root", false],
  ])("Allow to %s: %s", (principal, expected) => {
    expect(isPublicAllow(one({ Effect: "Allow", Principal: { AWS: principal } }))).toBe(expected);
  });

  it("a Deny is never public, an Allow to everyone but a NotPrincipal is", () => {
    expect(isPublicAllow(one({ Effect: "Deny", Principal: "*" }))).toBe(false);
    expect(isPublicAllow(one({ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::1:root" } }))).toBe(true);
  });
});

describe("hasIdentityCondition", () => {
  const condition = (Condition: Record<string, unknown>) => hasIdentityCondition(one({ Effect: "Allow", Principal: "*", Condition }));

  it("accepts restricting operators on identity keys, in any case", () => {
    expect(condition({ StringEquals: { "aws:PrincipalOrgID": "o-abc" } })).toBe(true);
    expect(condition({ stringequals: { "AWS:SOURCEACCOUNT": ["123456789012"] } })).toBe(true);
    expect(condition({ StringLike: { "aws:PrincipalOrgPaths": "o-abc/r-1/*" } })).toBe(true);
    expect(condition({ IpAddress: { "aws:SourceIp": "10.0.0.0/8" }, ArnEquals: { "aws:SourceArn": "arn:aws:s3:::logs" } })).toBe(true);
    expect(condition({ StringEquals: { "aws:SourceIp": "10.0.0.1", "aws:SourceAccount": "123456789012" } })).toBe(true);
  });

  it("refuses negations, IfExists, non-identity keys, empty and wildcard-only values", () => {
    expect(condition({ StringNotEquals: { "aws:PrincipalOrgID": "o-abc" } })).toBe(false);
    expect(condition({ StringEqualsIfExists: { "aws:PrincipalOrgID": "o-abc" } })).toBe(false);
    expect(condition({ StringEquals: { "aws:UserAgent": "trusted" } })).toBe(false);
    expect(condition({ StringEquals: { "aws:PrincipalOrgID": [] } })).toBe(false);
    expect(condition({ StringLike: { "aws:PrincipalOrgID": "*" } })).toBe(false);
    expect(condition({ StringLike: { "aws:PrincipalOrgID": ["o-abc", "?*"] } })).toBe(false);
    expect(condition({})).toBe(false);
  });
});

describe("isAdminGrant", () => {
  it.each([
    [{ Effect: "Allow", Action: "*", Resource: "*" }, true],
    [{ Effect: "Allow", Action: ["s3:GetObject", "*:*"], Resource: ["*"] }, true],
    [{ Effect: "Allow", NotAction: ["iam:*"], Resource: "*" }, true],
    [{ Effect: "Allow", Action: "*", Resource: ["arn:aws:s3:::data", "*"] }, true],
    [{ Effect: "Allow", Action: "s3:*", Resource: "*" }, false],
    [{ Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::data/*" }, false],
    [{ Effect: "Allow", NotAction: ["iam:*"], Resource: "arn:aws:s3:::data" }, false],
    [{ Effect: "Deny", Action: "*", Resource: "*" }, false],
  ])("%j: %s", (statement, expected) => {
    expect(isAdminGrant(one(statement))).toBe(expected);
  });
});
