import type { RegisteredResource } from "./runProgram";

import type { Violation } from "../analyzer/runPolicies";
import type { WaivedViolation } from "../analyzer/waivedFindings";

/** The machine-readable plan report (its shape is a stable interface, see DESIGN.md). */
export interface PlanReport {
  stack: string;
  resources: { urn: string; type: string; name: string }[];
  violations: Violation[];
  /** Findings a waiver covers (not in violations): each with its waiver. */
  waived: WaivedViolation[];
  counts: { violations: number; mandatory: number; waived: number };
}

export function buildReport(stack: string, resources: RegisteredResource[], violations: Violation[], waived: WaivedViolation[]): PlanReport {
  const mandatory = violations.filter((violation) => violation.enforcementLevel === "mandatory").length;
  return {
    stack,
    resources: resources.map(({ urn, type, name }) => ({ urn, type, name })),
    violations,
    waived,
    counts: { violations: violations.length, mandatory, waived: waived.length },
  };
}

/** The resource tree as `pulumi preview` shows it: children indented under their parent component. */
export function renderTree(resources: RegisteredResource[]): string {
  const children = new Map<string | undefined, RegisteredResource[]>();
  for (const resource of resources) children.set(resource.parent, [...(children.get(resource.parent) ?? []), resource]);
  const lines: string[] = [];
  const visit = (resource: RegisteredResource, depth: number) => {
    lines.push(`${"  ".repeat(depth)}${resource.type}  ${resource.name}`);
    for (const child of children.get(resource.urn) ?? []) visit(child, depth + 1);
  };
  const urns = new Set(resources.map((resource) => resource.urn));
  for (const root of resources.filter((resource) => !resource.parent || !urns.has(resource.parent))) visit(root, 0);
  return lines.join("\n");
}

export function renderCounts(resources: RegisteredResource[]): string {
  const counts = new Map<string, number>();
  for (const resource of resources) counts.set(resource.type, (counts.get(resource.type) ?? 0) + 1);
  const width = Math.max(...[...counts.keys()].map((type) => type.length));
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, count]) => `  ${type.padEnd(width)}  ${count}`)
    .concat(`  ${"total".padEnd(width)}  ${resources.length}`)
    .join("\n");
}
