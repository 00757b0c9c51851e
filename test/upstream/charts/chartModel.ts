import type { ChartReads, Values } from "./values";
import type { Workload } from "./workloads";

/**
 * One chart version as this suite knows it: where its values.yaml (and values.schema.json) sit under
 * ../shared/upstream, what it reads, and the pod-starting objects its templates build from values.
 * Each model is written from the chart's templates at `ref`; re-read them before changing `version`.
 */
export interface ChartModel {
  /** Chart name in its Helm repository, as the program's Release names it. */
  chart: string;
  version: string;
  /** Folder under ../shared/upstream and the git ref its PROVENANCE.txt names for `valuesFile`. */
  folder: string;
  ref: string;
  valuesFile: string;
  schemaFile?: string;
  reads(): ChartReads;
  /** The values the templates see: chart defaults with the release's values merged on. */
  effectiveValues(values: Values): Values;
  /** Pod-starting objects rendered into `namespace`; throws the chart's own message where a template calls `fail`. */
  render(values: Values, namespace: string): Workload[];
}

/** A security context map of the chart values with its `enabled` switch, as charts render it. */
export function omitEnabled(context: unknown): Values | undefined {
  if (typeof context !== "object" || context === null) return undefined;
  return Object.fromEntries(Object.entries(context).filter(([key]) => key !== "enabled"));
}
