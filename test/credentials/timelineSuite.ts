import { runRepoStack } from "../support/stackRun";
import { credentialPlans, DAY_SECONDS, walkDay, type CredentialPlan } from "../support/credentialTimeline";

/**
 * Walks 24 hours of every credential a stack hands its pods and expects a valid one in the file at
 * every minute, with the ESO controller late at every refresh and the kubelet slow to propagate.
 */
export function credentialTimelineSuite(stack: string, expectedCredentials: number): void {
  describe(`credential timeline of the ${stack} stack`, () => {
    let plans: CredentialPlan[];
    beforeAll(async () => {
      const { run } = await runRepoStack(stack, "update");
      plans = credentialPlans(run.resources);
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

    it("refreshes each credential many times a day, not once", () => {
      for (const plan of plans) expect(DAY_SECONDS / plan.refreshSeconds).toBeGreaterThan(10);
    });
  });
}
