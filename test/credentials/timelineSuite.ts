import { runRepoStack } from "../support/stackRun";
import { credentialPlans, DAY_SECONDS, walkDay, walkWebIdentityDay, webIdentityPlans, type CredentialPlan, type WebIdentityPlan } from "../support/credentialTimeline";

/**
 * Walks 24 hours of every credential a stack hands its pods and expects a valid one in the file at
 * every minute, with the ESO controller late at every refresh and the kubelet slow to propagate.
 */
export function credentialTimelineSuite(stack: string, expectedCredentials: number, expectedAwsRoles: number): void {
  describe(`credential timeline of the ${stack} stack`, () => {
    let plans: CredentialPlan[];
    let awsRoles: WebIdentityPlan[];
    beforeAll(async () => {
      const { run } = await runRepoStack(stack, "update");
      plans = credentialPlans(run.resources);
      awsRoles = webIdentityPlans(run.resources);
    });

    it(`finds the stack's ${expectedCredentials} generated credentials`, () => {
      expect(plans).toHaveLength(expectedCredentials);
    });

    it("never leaves a pod's file without a valid credential over a day", () => {
      expect(plans.flatMap((plan) => walkDay(plan))).toEqual([]);
      expect(plans.flatMap((plan) => walkDay(plan, 0))).toEqual([]);
    });

    it("lets every login token outlive the lease it requests", () => {
      for (const plan of plans) expect({ secret: plan.secret, tokenOutlivesLease: plan.tokenTtlSeconds >= plan.leaseTtlSeconds }).toEqual({ secret: plan.secret, tokenOutlivesLease: true });
    });

    it(`keeps the SDK of every pod on its ${expectedAwsRoles} IRSA roles in live STS credentials over a day`, () => {
      expect(awsRoles).toHaveLength(expectedAwsRoles);
      expect(awsRoles.flatMap((plan) => walkWebIdentityDay(plan))).toEqual([]);
    });

    it("refreshes each credential many times a day, not once", () => {
      for (const plan of plans) expect(DAY_SECONDS / plan.refreshSeconds).toBeGreaterThan(10);
    });
  });
}
