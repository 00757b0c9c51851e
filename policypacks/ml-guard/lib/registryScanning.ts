import { asArray, asRecord, asString, isUnknown } from "./values";

/**
 * Whether ECR scans a repository's images when they are pushed, given the registry's scanning
 * configuration: true, false, or undefined while a value that decides it is unknown (first preview).
 *
 * FACT (Amazon ECR User Guide, "Image scanning", "Filters to choose which repositories are scanned",
 * "Enhanced scanning", "Basic scanning"; PutRegistryScanningConfiguration API):
 * - a registry without a scanning configuration uses BASIC with no rules; under BASIC a repository is
 *   scanned on push when its own scanOnPush is set ("you can specify the scan settings at the
 *   repository level for basic scanning") or a SCAN_ON_PUSH rule's filter matches it;
 * - under ENHANCED only the rules decide: a repository no filter matches is not scanned at all, whatever
 *   its own setting; SCAN_ON_PUSH and CONTINUOUS_SCAN rules both scan pushed images;
 * - a filter without `*` matches every repository name that contains it; a filter with `*` matches a
 *   whole name, each `*` standing for zero or more characters (the guide's table: `prod*repo` matches
 *   prod-repo and prodrepo, not repo-prod-repo). WILDCARD is the only filter type.
 * The Terraform provider sends `rules: []` when none are given (internal/service/ecr/
 * registry_scanning_configuration.go); the guide says ENHANCED scans everything only "when no rules
 * are specified" on the CLI, so an ENHANCED configuration without rules is not taken to cover anything.
 */
export type Scanned = boolean | undefined;

export const REGISTRY_DEFAULT = { scanType: "BASIC", rules: [] };

/** True when any is true; undefined when none is but one is unknown; else false. */
export const anyOf = (values: Scanned[]): Scanned =>
  values.includes(true) ? true : values.includes(undefined) ? undefined : false;

const escapeRegExp = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");

/** Whether a scanning filter matches a repository name (undefined: the name is not known yet). */
export function filterMatches(filter: string, name: string | undefined): Scanned {
  if (!filter.includes("*")) return name === undefined ? undefined : name.includes(filter);
  if (/^\*+$/.test(filter)) return true;
  if (name === undefined) return undefined;
  return new RegExp(`^${filter.split("*").map(escapeRegExp).join(".*")}$`).test(name);
}

function ruleMatches(rules: unknown, frequencies: string[], name: string | undefined): Scanned {
  if (isUnknown(rules)) return undefined;
  return anyOf(asArray(rules).map((rule) => {
    if (isUnknown(rule)) return undefined;
    const { scanFrequency, repositoryFilters } = asRecord(rule);
    if (isUnknown(scanFrequency)) return undefined;
    if (!frequencies.some((frequency) => frequency === scanFrequency)) return false;
    if (isUnknown(repositoryFilters)) return undefined;
    return anyOf(asArray(repositoryFilters).map((entry) => {
      const { filter, filterType } = asRecord(entry);
      if (isUnknown(entry) || isUnknown(filter) || isUnknown(filterType)) return undefined;
      return filterType === "WILDCARD" && typeof filter === "string" ? filterMatches(filter, name) : false;
    }));
  }));
}

export function scansOnPush(registry: Record<string, unknown>, repository: { name: unknown; scanOnPush: Scanned }): Scanned {
  const { scanType, rules } = registry;
  const name = asString(repository.name);
  if (isUnknown(scanType)) return undefined;
  if (scanType === "ENHANCED") return ruleMatches(rules, ["SCAN_ON_PUSH", "CONTINUOUS_SCAN"], name);
  // The API takes BASIC and ENHANCED only.
  if (scanType !== "BASIC") return false;
  return anyOf([repository.scanOnPush, ruleMatches(rules, ["SCAN_ON_PUSH"], name)]);
}
