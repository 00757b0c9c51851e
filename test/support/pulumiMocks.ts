import * as pulumi from "@pulumi/pulumi";
import { offlineMocks } from "../../tools/plan/mocks";

/** A resource as the mocks saw it: type, logical name and resolved inputs. */
export type CreatedResource = pulumi.runtime.MockResourceArgs;

/**
 * Installs the offline plan's mocks (update mode: computed outputs known) and records every resource
 * the code under test registers. One per test file: the SDK's runtime state is per module registry.
 */
export function installRecordingMocks(project = "secure-ml-platform", stack = "test", stackReferences: Record<string, Record<string, unknown>> = {}): CreatedResource[] {
  const created: CreatedResource[] = [];
  const mocks = offlineMocks("update", { outputs: stackReferences, missing: new Set() });
  void pulumi.runtime.setMocks(
    {
      newResource(args) {
        created.push(args);
        return mocks.newResource(args);
      },
      call: (args) => mocks.call(args),
    },
    project,
    stack,
    false,
  );
  return created;
}

/** Resolves an Output in a test (mock outputs are always known in update mode). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** Waits until every registration started so far has been answered by the mocks. */
export async function settle(): Promise<void> {
  // Each resource's registration resolves over several promise turns; a macrotask boundary drains them.
  for (let round = 0; round < 5; round++) await new Promise((resolve) => setImmediate(resolve));
}

export function byType(created: CreatedResource[], type: string): CreatedResource[] {
  return created.filter((resource) => resource.type === type);
}

export function single(created: CreatedResource[], type: string, namePart = ""): CreatedResource {
  const matches = created.filter((resource) => resource.type === type && resource.name.includes(namePart));
  if (matches.length !== 1) throw new Error(`expected one ${type} named *${namePart}*, found ${matches.length}`);
  return matches[0];
}
