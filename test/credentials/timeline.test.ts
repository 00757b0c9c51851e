import { recordEveryStack, type StackRecording } from "../support/programStacks";
import { credentialPlans, DAY_SECONDS, walkDay, walkWebIdentityDay, webIdentityPlans } from "../support/credentialTimeline";

/** Generated database credentials and IRSA roles each stack hands its pods. */
const EXPECTED: Record<string, { credentials: number; awsRoles: number }> = {
  dev: { credentials: 4, awsRoles: 4 },
  staging: { credentials: 0, awsRoles: 0 },
  prod: { credentials: 6, awsRoles: 6 },
  "team-stack/dev": { credentials: 0, awsRoles: 0 },
};

let stacks: StackRecording[];
beforeAll(async () => {
  stacks = await recordEveryStack("update");
});
const stack = (label: string) => {
  const recording = stacks.find((candidate) => candidate.label === label);
  if (!recording) throw new Error(`no recording of stack ${label}`);
  return { plans: credentialPlans(recording.run.resources), awsRoles: webIdentityPlans(recording.run.resources) };
};

/**
 * Walks 24 hours of every credential a stack hands its pods and expects a valid one in the file at
 * every minute, with the ESO controller late at every refresh and the kubelet slow to propagate.
 */
describe.each(Object.entries(EXPECTED))("credential timeline of the %s stack", (label, expected) => {
  it(`finds the stack's ${expected.credentials} generated credentials and ${expected.awsRoles} IRSA roles`, () => {
    expect(stack(label).plans).toHaveLength(expected.credentials);
    expect(stack(label).awsRoles).toHaveLength(expected.awsRoles);
  });

  it("never leaves a pod's file without a valid credential over a day", () => {
    const { plans } = stack(label);
    expect(plans.flatMap((plan) => walkDay(plan))).toEqual([]);
    expect(plans.flatMap((plan) => walkDay(plan, 0))).toEqual([]);
  });

  it("lets every login token outlive the lease it requests", () => {
    for (const plan of stack(label).plans) expect({ secret: plan.secret, tokenOutlivesLease: plan.tokenTtlSeconds >= plan.leaseTtlSeconds }).toEqual({ secret: plan.secret, tokenOutlivesLease: true });
  });

  it("keeps the SDK of every pod on its IRSA roles in live STS credentials over a day", () => {
    expect(stack(label).awsRoles.flatMap((plan) => walkWebIdentityDay(plan))).toEqual([]);
  });

  it("refreshes each credential many times a day, not once", () => {
    for (const plan of stack(label).plans) expect(DAY_SECONDS / plan.refreshSeconds).toBeGreaterThan(10);
  });
});
