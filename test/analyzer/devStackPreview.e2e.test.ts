import { PolicyPackSession, type PolicyRun } from "../../tools/analyzer/runPolicies";
import { PACK_DIR, runRepoStack } from "../support/stackRun";

// The first `pulumi preview` of a new dev stack: outputs of resources not yet created are unknown.
let session: PolicyPackSession;
let result: PolicyRun;
let resourceCount = 0;

beforeAll(async () => {
  const { run, context } = await runRepoStack("dev", "preview");
  resourceCount = run.resources.length;
  session = await PolicyPackSession.start(PACK_DIR);
  result = await session.analyze(run.resources, context);
}, 120_000);

afterAll(() => session?.stop());

describe("the ml-guard pack over the Analyzer protocol, dev stack, first preview", () => {
  it("serves every policy of the pack", () => {
    expect(result.policies.length).toBeGreaterThanOrEqual(40);
    // A change of the dev stack's resources shows here first: update the count with the change that makes it.
    expect(resourceCount).toBe(228);
  });

  it("passes every mandatory rule", () => {
    expect(result.violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
  });

  it("says which checks wait for values known only after apply, instead of passing them silently", () => {
    const advisory = result.violations.filter((v) => v.enforcementLevel === "advisory");
    expect(advisory.map((v) => v.policy).sort()).toEqual([
      ...Array(4).fill("iam-policy-disallow-public-principal"),
      // The team roles' policies (training and serving, two teams) are computed from bucket and key ARNs.
      ...Array(4).fill("iam-policy-disallow-wildcard-admin"),
      ...Array(4).fill("s3-bucket-missing-tls-policy"),
      // So whether a serving role may write artifacts is known only after apply too.
      ...Array(2).fill("serving-identity-disallow-artifact-writes"),
    ]);
    expect(advisory.every((v) => v.message.includes("is not known until apply"))).toBe(true);
  });

  it("resolves the KMS key of each bucket's encryption through the stack's property dependencies", () => {
    expect(result.violations.filter((v) => v.policy === "s3-bucket-missing-kms-encryption")).toEqual([]);
  });
});
