import { CONTROLLER_DELAY, FILE_PROPAGATION, walkDay, walkWebIdentityDay } from "../support/credentialTimeline";

const plan = (tokenTtlSeconds: number, leaseTtlSeconds: number, refreshSeconds: number) => ({ secret: "vision/mlflow-db-training-credentials", tokenTtlSeconds, leaseTtlSeconds, refreshSeconds });

describe("the credential timeline model", () => {
  it("finds the minutes a 15-minute token leaves a one-hour lease dead (the old dev arithmetic)", () => {
    const gaps = walkDay(plan(900, 3600, 2700));
    // Per cycle of 2760 s, the file is dead from 900 s after issue until the next update lands.
    expect(gaps.length).toBeGreaterThan(0.6 * 24 * 60);
    expect(gaps[0]).toEqual({ secret: "vision/mlflow-db-training-credentials", minute: 15, reason: expect.stringContaining("revoked with its login token 900 s after issue") });
  });

  it("finds the gap when the refresh plus the delays does not fit in the lease", () => {
    const lease = 900;
    expect(walkDay(plan(lease, lease, lease - CONTROLLER_DELAY - FILE_PROPAGATION + 60))).not.toEqual([]);
    expect(walkDay(plan(lease, lease, lease - CONTROLLER_DELAY - FILE_PROPAGATION - 60))).toEqual([]);
  });

  it("refuses a credential that is never refreshed", () => {
    expect(walkDay(plan(3600, 3600, 0))).toEqual([expect.objectContaining({ reason: expect.stringContaining("never refreshed") })]);
  });

  it("passes a token that lives as long as the lease, refreshed at three quarters", () => {
    expect(walkDay(plan(3600, 3600, 2700))).toEqual([]);
    expect(walkDay(plan(1800, 1800, 1350))).toEqual([]);
  });
});

describe("the IRSA timeline model", () => {
  it("keeps an hour-long session alive through the day", () => {
    expect(walkWebIdentityDay({ role: "training", sessionSeconds: 3600 })).toEqual([]);
  });

  it("finds the gap when the projected token is not replaced before it expires", () => {
    const gaps = walkWebIdentityDay({ role: "training", sessionSeconds: 3600 }, { lifetimeSeconds: 7200, kubeletRefreshFraction: 1.5 });
    expect(gaps[0]).toEqual(expect.objectContaining({ reason: "the projected token had expired when the SDK refreshed" }));
  });
});
