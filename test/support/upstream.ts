import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "./planCli";

/**
 * Upstream data (CRDs, chart values, conformance fixtures) lives beside the repository in ../shared,
 * never inside it. Suites that need it declare the files up front: when one is missing they skip
 * with one line saying why, except in CI, where a missing file is a failure (a skipped suite would
 * pass a build that checked nothing).
 */
export const SHARED_ROOT = path.resolve(REPO_ROOT, "../shared");

/** Absolute path of a file or folder under ../shared, e.g. `upstream/istio/manifests_charts_base_values.yaml`. */
export const sharedPath = (relative: string): string => path.join(SHARED_ROOT, relative);

export const readSharedText = (relative: string): string => fs.readFileSync(sharedPath(relative), "utf8");
export const readSharedYaml = <T = unknown>(relative: string): T => parse(readSharedText(relative)) as T;
export const readSharedJson = <T = unknown>(relative: string): T => JSON.parse(readSharedText(relative)) as T;

/** What a suite needing `needed` does here: run, skip (saying why), or fail (in CI). */
export function sharedGuard(needed: string[], env: NodeJS.ProcessEnv = process.env): { action: "run" } | { action: "skip" | "fail"; reason: string } {
  const missing = needed.filter((relative) => !fs.existsSync(sharedPath(relative)));
  if (missing.length === 0) return { action: "run" };
  const reason = `${SHARED_ROOT} lacks ${missing.join(", ")}`;
  return env.CI === "true" ? { action: "fail", reason: `${reason}: CI must provide ../shared (see ../shared/upstream/README.md)` } : { action: "skip", reason };
}

/**
 * `describe` that runs `body` only when every `needed` path (relative to ../shared) exists. Read the
 * files inside `body` (or in its hooks), not at module load, so a missing file reaches this guard.
 */
export function describeWithShared(title: string, needed: string[], body: () => void): void {
  const guard = sharedGuard(needed);
  if (guard.action === "run") {
    describe(title, body);
  } else if (guard.action === "fail") {
    describe(title, () => {
      it("has the upstream data it is held to", () => {
        throw new Error(guard.reason);
      });
    });
  } else {
    process.stderr.write(`skipping "${title}": ${guard.reason}\n`);
    describe.skip(title, () => {
      it("needs ../shared", () => undefined);
    });
  }
}
