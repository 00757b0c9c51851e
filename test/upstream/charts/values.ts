import { readSharedText, readSharedYaml } from "../../support/upstream";

/** Helm values: nested maps of scalars and lists. */
export type Values = Record<string, unknown>;

export const isMap = (value: unknown): value is Values => typeof value === "object" && value !== null && !Array.isArray(value);
const clone = <T>(value: T): T => structuredClone(value);

/**
 * Merges `source` onto `target` (both copied): maps merge key by key, anything else in `source`
 * replaces. This is Helm's coalescing of user values onto a chart's values.yaml and, for the
 * scalars and lists charts use, also sprig's mustMergeOverwrite (mergo with overwrite), which Istio
 * charts use to flatten their defaults. FACT (helm/helm v3.18.0 pkg/chartutil/coalesce.go,
 * coalesceTablesFullKey): a null user value deletes the key.
 */
export function mergeValues(target: Values, source: Values): Values {
  const merged = clone(target);
  for (const [key, value] of Object.entries(source)) {
    if (value === null) delete merged[key];
    else merged[key] = isMap(value) && isMap(merged[key]) ? mergeValues(merged[key], value) : clone(value);
  }
  return merged;
}

/** The value at a dotted path, or undefined. */
export function valueAt(values: Values, path: string): unknown {
  return path.split(".").reduce<unknown>((node, key) => (isMap(node) ? node[key] : undefined), values);
}

/** Every leaf (scalar or list) of a values tree, as dotted paths. */
export function leafPaths(values: Values, prefix = ""): string[] {
  return Object.entries(values).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return isMap(value) && Object.keys(value).length > 0 ? leafPaths(value, path) : [path];
  });
}

/** A key a chart reads although its values.yaml does not declare it, and the template line that reads it. */
export interface TemplateRead {
  /** Dotted path; everything under it is read too (the template copies the whole subtree). */
  path: string;
  /** Chart template (and what it does with the value), for the next engineer to re-check on upgrade. */
  source: string;
}

/** A prefix the chart still honours for old values but tells users not to write. */
export interface LegacyAlias {
  prefix: string;
  source: string;
}

/** What one chart version reads from its values: values.yaml plus the facts read from its templates. */
export interface ChartReads {
  /** The defaults tree (for Istio charts, the content of `_internal_defaults_do_not_set`). */
  declared: Values;
  templateReads: TemplateRead[];
  legacyAliases: LegacyAlias[];
}

/**
 * Every key of `values` the chart does not read, each with why. A key nobody reads is a setting
 * silently dropped (`helm install` accepts it without a word), so each one is a failure.
 */
export function unreadKeys(values: Values, reads: ChartReads, chart: string): string[] {
  return leafPaths(values).flatMap((path) => {
    const alias = reads.legacyAliases.find(({ prefix }) => path.startsWith(`${prefix}.`));
    if (alias) return [`${path}: ${chart} reads it only through a legacy alias (${alias.source}); write ${path.slice(alias.prefix.length + 1)}`];
    if (reads.templateReads.some((read) => path === read.path || path.startsWith(`${read.path}.`))) return [];
    const declared = valueAt(reads.declared, path);
    if (declared !== undefined && !(isMap(declared) && Object.keys(declared).length > 0)) return [];
    return [`${path}: ${chart} does not read it (not in its values.yaml, and no template of the chart reads it)`];
  });
}

/** The upstream ref a file under ../shared/upstream was taken from, per its folder's PROVENANCE.txt. */
export function provenanceRef(folder: string, file: string): string | undefined {
  const line = readSharedText(`upstream/${folder}/PROVENANCE.txt`).split("\n").find((entry) => entry.startsWith(`${file} `));
  return line ? /@ (\S+)/.exec(line)?.[1] : undefined;
}

export const readUpstreamYaml = (folder: string, file: string): Values => readSharedYaml<Values>(`upstream/${folder}/${file}`);
