import { asRecord, asText, isRecord } from "./values";

/** One IAM policy statement with its list-or-string fields normalised to lists. */
export interface Statement {
  index: number;
  effect: string;
  /** Principal values of every kind (AWS, Service, Federated...), or ["*"] for `Principal: "*"`. */
  principals: string[];
  hasNotPrincipal: boolean;
  actions: string[];
  hasNotAction: boolean;
  resources: string[];
  condition: Record<string, Record<string, unknown>>;
}

const toList = (value: unknown): string[] => (Array.isArray(value) ? value.map(asText) : value === undefined ? [] : [asText(value)]);

function principalValues(principal: unknown): string[] {
  if (principal === undefined) return [];
  if (!isRecord(principal)) return toList(principal);
  return Object.values(principal).flatMap(toList);
}

export function statementsOf(document: Record<string, unknown>): Statement[] {
  const raw = document.Statement;
  return (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((value, index) => {
    const statement = asRecord(value);
    return {
      index,
      effect: asText(statement.Effect ?? ""),
      principals: principalValues(statement.Principal),
      hasNotPrincipal: statement.NotPrincipal !== undefined,
      actions: toList(statement.Action),
      hasNotAction: statement.NotAction !== undefined,
      resources: toList(statement.Resource),
      condition: Object.fromEntries(Object.entries(asRecord(statement.Condition)).map(([operator, keys]) => [operator, asRecord(keys)])),
    };
  });
}

/** `*`, or an account wildcard such as `arn:aws:iam::*:root`: anyone on AWS. */
const isEveryone = (principal: string) => principal === "*" || /^arn:aws[a-z-]*:iam::\*:/.test(principal);

export const isPublicAllow = (statement: Statement) =>
  statement.effect === "Allow" && (statement.hasNotPrincipal || statement.principals.some(isEveryone));

/** Condition keys that pin who the caller is (an account, an organisation, a source). */
const IDENTITY_KEYS = new Set([
  "aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn", "aws:sourceaccount",
  "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths", "aws:sourceowner", "aws:sourcevpc", "aws:sourcevpce", "kms:calleraccount",
]);
/** Operators that restrict to the listed values (negations and IfExists variants let others through). */
const RESTRICTING_OPERATORS = /^(stringequals|stringequalsignorecase|stringlike|arnequals|arnlike|forallvalues:stringequals|forallvalues:stringlike)$/;

/** Whether the statement's conditions limit it to named identities, with no wildcard-only values. */
export function hasIdentityCondition(statement: Statement): boolean {
  return Object.entries(statement.condition).some(([operator, keys]) =>
    RESTRICTING_OPERATORS.test(operator.toLowerCase()) &&
    Object.entries(keys).some(([key, values]) => IDENTITY_KEYS.has(key.toLowerCase()) && toList(values).length > 0 && toList(values).every((value) => value.replace(/[*?]/g, "") !== "")));
}

const isFullWildcard = (value: string) => value === "*" || value === "*:*";

/** Allow of every action (or everything but a few, via NotAction) on every resource. */
export const isAdminGrant = (statement: Statement) =>
  statement.effect === "Allow" &&
  (statement.actions.some(isFullWildcard) || statement.hasNotAction) &&
  statement.resources.some(isFullWildcard);
