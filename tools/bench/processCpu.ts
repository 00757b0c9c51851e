import { execFileSync } from "node:child_process";
import * as fs from "node:fs";

let clockTicks: number | undefined;

/**
 * CPU seconds (user + system, every thread, GC helpers included) a live process has used, from
 * /proc/<pid>/stat; undefined where there is no /proc. FACT (proc(5)): utime and stime are fields 14
 * and 15, counted in clock ticks of sysconf(_SC_CLK_TCK); the command name, field 2, is in
 * parentheses and may hold spaces, so fields are counted after its closing parenthesis.
 */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined || !fs.existsSync(`/proc/${pid}/stat`)) return undefined;
  return cpuSecondsOfStat(fs.readFileSync(`/proc/${pid}/stat`, "utf8"), (clockTicks ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim())));
}

/** utime + stime of one /proc/<pid>/stat line, in seconds. */
export function cpuSecondsOfStat(stat: string, ticksPerSecond: number): number {
  const afterName = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // afterName[0] is field 3 (state), so field N is afterName[N - 3].
  return (Number(afterName[14 - 3]) + Number(afterName[15 - 3])) / ticksPerSecond;
}
