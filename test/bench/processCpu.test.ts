import { cpuSecondsOfStat, processCpuSeconds } from "../../tools/bench/processCpu";

describe("a process's CPU seconds from /proc", () => {
  it("adds utime and stime (fields 14 and 15) in clock ticks, counting fields after a command name that holds spaces and parentheses", () => {
    const stat = "4242 (node (policy) x) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 75 0 0 20 0 11 0 900 1000 200";
    expect(cpuSecondsOfStat(stat, 100)).toBe(3.25);
    expect(cpuSecondsOfStat(stat, 250)).toBe(1.3);
  });

  it("reads this process's CPU time, which grows with work, and nothing for a process that does not exist", () => {
    const before = processCpuSeconds(process.pid)!;
    const usage = process.cpuUsage();
    // Busy until the kernel's own account (getrusage) shows 0.3 s more, however busy the machine is.
    const spent = () => { const { user, system } = process.cpuUsage(usage); return (user + system) / 1e6; };
    while (spent() < 0.3) Math.sqrt(Math.random());
    const grown = processCpuSeconds(process.pid)! - before;
    // Clock ticks are 10 ms here; the two accounts agree within a few.
    expect(grown).toBeGreaterThanOrEqual(0.25);
    expect(grown).toBeLessThanOrEqual(spent() + 0.05);
    expect(processCpuSeconds(undefined)).toBeUndefined();
    expect(processCpuSeconds(2 ** 22 + 1)).toBeUndefined();
  });
});
