import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as readline from "node:readline";

/** The SDK's policy-pack host: what the engine's `pulumi-analyzer-policy` plugin runs for a Node.js pack. */
const RUN_POLICY_PACK = path.join(path.dirname(require.resolve("@pulumi/pulumi/package.json")), "cmd", "run-policy-pack");
const STARTUP_TIMEOUT_MS = 120_000;

export class PolicyPackStartError extends Error {}

export interface PolicyPackProcess {
  /** `127.0.0.1:<port>` where the pack serves the Analyzer gRPC service. */
  address: string;
  /** The pack process's id (the benchmark reads its CPU time). */
  pid?: number;
  stop: () => Promise<void>;
}

/**
 * Starts a policy pack as its own process, as the Pulumi engine does (`run-policy-pack <engine> <pack>`
 * in the pack's directory), and waits for the port it prints on its first stdout line. Aborting
 * `signal` kills the process, starting or serving.
 */
export function startPolicyPack(packDir: string, signal?: AbortSignal): Promise<PolicyPackProcess> {
  const child: ChildProcess = spawn(process.execPath, [RUN_POLICY_PACK, "127.0.0.1:0", "."], {
    cwd: packDir,
    signal,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PULUMI_NODEJS_TYPESCRIPT: "true" },
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not print its port within ${STARTUP_TIMEOUT_MS / 1000} s`), STARTUP_TIMEOUT_MS);
    const lines = readline.createInterface({ input: child.stdout! });
    function fail(reason: string) {
      clearTimeout(timer);
      lines.close();
      child.kill();
      reject(new PolicyPackStartError(`policy pack ${packDir} ${reason}${stderr ? `:\n${stderr.trim()}` : ""}`));
    }
    const exitedEarly = (code: number | null) => fail(`exited with code ${String(code)} before serving`);
    child.once("exit", exitedEarly);
    child.once("error", (error) => fail(`could not start (${error.message})`));
    lines.once("line", (line) => {
      const port = Number(line.trim());
      if (!Number.isInteger(port) || port <= 0) return fail(`printed ${JSON.stringify(line)} instead of a port`);
      clearTimeout(timer);
      child.off("exit", exitedEarly);
      resolve({
        address: `127.0.0.1:${port}`,
        pid: child.pid,
        stop: async () => {
          if (child.exitCode === null) child.kill();
          await exited;
        },
      });
    });
  });
}
