import { describeSeconds, durationSeconds } from "../../../policypacks/ml-guard/lib/durations";

describe("durationSeconds reads durations as Vault and External Secrets do", () => {
  it.each([
    [3600, 3600],
    [0, 0],
    ["900", 900],
    ["45m", 2700],
    [" 1H30M ", 5400],
    ["1.5h", 5400],
    ["500ms", 0.5],
    ["2d", 172800],
    ["1h0m30s", 3630],
  ])("%j is %d s", (value, seconds) => {
    expect(durationSeconds(value)).toBe(seconds);
  });

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY], ["a900"], ["900x"], ["10y"], ["h"], [""], [true], [null], [{ seconds: 1 }]])("%j is not a duration", (value) => {
    expect(durationSeconds(value)).toBeUndefined();
  });
});

describe("describeSeconds", () => {
  it.each([
    [7200, "7200s (2h)"],
    [3600, "3600s (1h)"],
    [5400, "5400s (90m)"],
    [120, "120s (2m)"],
    [60, "60s (1m)"],
    [90, "90s"],
    [30, "30s"],
    [0, "0s"],
  ])("%d -> %s", (seconds, text) => {
    expect(describeSeconds(seconds)).toBe(text);
  });
});
