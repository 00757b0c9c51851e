import { statementsOf, type Statement } from "./iamPolicy";
import { memoizedByText } from "./memo";
import { asRecord, asText } from "./values";

/**
 * Which actions an IAM policy statement applies to, and on which resources, as IAM matches them:
 * actions case-insensitively, resources case-sensitively, `*` and `?` as wildcards in both, a policy
 * variable (`${aws:username}`) as anything, `NotAction` / `NotResource` as everything but the list.
 */
export interface GrantStatement extends Statement {
  notActions: string[];
  notResources: string[];
  hasNotResource: boolean;
  hasCondition: boolean;
}

const toList = (value: unknown): string[] => (Array.isArray(value) ? value.map(asText) : value === undefined ? [] : [asText(value)]);

export function grantStatementsOf(document: Record<string, unknown>): GrantStatement[] {
  const raw = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  return statementsOf(document).map((statement) => {
    const source = asRecord(raw[statement.index]);
    return {
      ...statement,
      notActions: toList(source.NotAction),
      notResources: toList(source.NotResource),
      hasNotResource: source.NotResource !== undefined,
      hasCondition: Object.keys(asRecord(source.Condition)).length > 0,
    };
  });
}

const escape = (text: string) => text.replace(/[.+^${}()|[\]\\/]/g, "\\$&");
const withoutVariables = (pattern: string) => pattern.replace(/\$\{[^}]*\}/g, "*");

const globSource = (pattern: string) => `^${withoutVariables(pattern).split("").map((character) => (character === "*" ? ".*" : character === "?" ? "." : escape(character))).join("")}$`;
/** Compiled once per pattern: the same few actions and ARNs recur in every role of a stack. */
const actionRegExp = memoizedByText((pattern) => new RegExp(globSource(pattern), "i"));
const valueRegExp = memoizedByText((pattern) => new RegExp(globSource(pattern)));

export const actionMatches = (pattern: string, action: string) => actionRegExp(pattern).test(action);
/** Whether a case-sensitive IAM pattern (a resource, a StringLike condition value) matches `value`. */
export const valueMatches = (pattern: string, value: string) => valueRegExp(pattern).test(value);

/** Whether the statement's Action (or NotAction) covers `action`. */
export const coversAction = (statement: GrantStatement, action: string) =>
  statement.hasNotAction ? !statement.notActions.some((pattern) => actionMatches(pattern, action)) : statement.actions.some((pattern) => actionMatches(pattern, action));

/**
 * The pattern positions reachable after matching `prefix` (a glob NFA: `*` may consume a character or
 * nothing, `?` exactly one), with stars that could still consume nothing skipped.
 */
function positionsAfter(pattern: string, prefix: string): Set<number> {
  const glob = withoutVariables(pattern);
  const close = (positions: Set<number>) => {
    for (const position of positions) if (glob[position] === "*") positions.add(position + 1);
    return positions;
  };
  let positions = close(new Set([0]));
  for (const character of prefix) {
    const next = new Set<number>();
    for (const position of positions) {
      if (glob[position] === "*") next.add(position);
      else if (position < glob.length && (glob[position] === "?" || glob[position] === character)) next.add(position + 1);
    }
    positions = close(next);
  }
  return positions;
}

/** Whether a resource pattern matches some ARN that starts with `prefix` (what follows is free). */
export const matchesSomeWithPrefix = (pattern: string, prefix: string) => positionsAfter(pattern, prefix).size > 0;

/** Whether a resource pattern matches every ARN that starts with `prefix`: what is left of it after the prefix is only `*`. */
export function matchesAllWithPrefix(pattern: string, prefix: string): boolean {
  const glob = withoutVariables(pattern);
  return [...positionsAfter(pattern, prefix)].some((position) => position < glob.length && /^\*+$/.test(glob.slice(position)));
}

/** Whether the statement's Resource (or NotResource) reaches some ARN starting with `prefix`. */
export const reachesSome = (statement: GrantStatement, prefix: string) =>
  statement.hasNotResource ? !statement.notResources.some((pattern) => matchesAllWithPrefix(pattern, prefix)) : statement.resources.some((pattern) => matchesSomeWithPrefix(pattern, prefix));

/** Whether the statement's Resource (or NotResource) covers every ARN starting with `prefix`. */
export const reachesAll = (statement: GrantStatement, prefix: string) =>
  statement.hasNotResource ? !statement.notResources.some((pattern) => matchesSomeWithPrefix(pattern, prefix)) : statement.resources.some((pattern) => matchesAllWithPrefix(pattern, prefix));

/** The values a statement's condition gives a key (any operator), e.g. every `...:sub` it pins. */
export function conditionValues(statement: GrantStatement, keyMatches: (key: string) => boolean): { operator: string; values: unknown[] }[] {
  return Object.entries(statement.condition).flatMap(([operator, keys]) =>
    Object.entries(keys).filter(([key]) => keyMatches(key.toLowerCase())).map(([, values]) => ({ operator, values: Array.isArray(values) ? values : [values] })));
}
