import { filterMatches } from "../../../policypacks/ml-guard/lib/registryScanning";

describe("ECR scanning filters, as the ECR User Guide's filter table reads them", () => {
  const NAMES = ["prod", "repo-prod", "prod-repo", "repo-prod-repo", "prodrepo"];
  it.each([
    ["prod", [true, true, true, true, true]],
    ["*prod", [true, true, false, false, false]],
    ["prod*", [true, false, true, false, true]],
    ["*prod*", [true, true, true, true, true]],
    ["prod*repo", [false, false, true, false, true]],
  ])("%s", (filter, expected) => {
    expect(NAMES.map((name) => filterMatches(filter, name))).toEqual(expected);
  });

  it("reads regular-expression characters literally, and a name not known yet only against all-wildcard filters", () => {
    expect([filterMatches("team.a*", "team.a/models"), filterMatches("team.a*", "teamXa/models"), filterMatches("a+b*", "aab-x")]).toEqual([true, false, false]);
    expect([filterMatches("*", undefined), filterMatches("**", undefined), filterMatches("prod", undefined), filterMatches("prod*", undefined)]).toEqual([true, true, undefined, undefined]);
  });
});
