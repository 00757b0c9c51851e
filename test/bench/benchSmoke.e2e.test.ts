import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../support/planCli";

const FIELDS = ["teams", "resources", "planMs", "peakRssMb", "replayMs", "planToReplay", "rssToReplay", "planAndCheckMs", "planThenCheckMs", "policyMs", "noopPolicyMs", "policyToNoop", "policyPackCpuS", "noopPackCpuS", "packCpuToNoop", "hollowPolicyMs", "hollowPackCpuS", "packCpuToHollow", "peerPolicyMs", "mlGuardAwsPolicyMs"];

it("npm run bench runs and reports every figure for each team count", () => {
  const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-")), "bench.json");
  const result = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", path.join(REPO_ROOT, "tools/bench/cli.ts"), "--teams", "1,2", "--runs", "1", "--json", json], { cwd: REPO_ROOT, encoding: "utf8", timeout: 180_000 });
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/teams\s+resources\s+plan ms/);
  const report = JSON.parse(fs.readFileSync(json, "utf8")) as { machine: { cpus: number }; rows: Record<string, number>[] };
  expect(report.machine.cpus).toBeGreaterThan(0);
  expect(report.rows.map((row) => row.teams)).toEqual([1, 2]);
  for (const row of report.rows) {
    for (const field of FIELDS) expect(typeof row[field]).toBe("number");
    expect(row.resources).toBeGreaterThan(0);
  }
  // More teams, more resources: the benchmark really builds what it says.
  expect(report.rows[1].resources).toBeGreaterThan(report.rows[0].resources);
}, 200_000);
