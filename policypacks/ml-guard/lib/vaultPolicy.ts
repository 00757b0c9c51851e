import { parse } from "@cdktf/hcl2json";
import { memoizedByText } from "./memo";
import { asArray, asRecord, isRecord } from "./values";

/** One `path` block of a Vault policy. */
export interface VaultPathRule {
  readonly path: string;
  readonly capabilities: readonly string[];
}

async function parseUncached(text: string): Promise<readonly VaultPathRule[]> {
  const document = text.trim().startsWith("{") ? (JSON.parse(text) as unknown) : await parse("policy.hcl", text);
  const paths = asRecord(asRecord(document).path);
  // HCL blocks come back as lists of bodies; JSON policies give the body directly.
  return Object.freeze(Object.entries(paths).flatMap(([path, body]) =>
    (Array.isArray(body) ? body : [body]).filter(isRecord).map((block) => Object.freeze({ path, capabilities: Object.freeze(asArray(block.capabilities).map(String)) }))));
}

/**
 * Parses a Vault policy written in HCL (with HashiCorp's own HCL parser) or JSON, into its path
 * rules, frozen and shared by every caller with the same text: the parser runs in WASM, and several
 * rules read every policy of the stack. Rejects with the parser's message when the text is neither.
 */
export const parseVaultPolicy = memoizedByText(parseUncached);

/** Glob characters of Vault policy paths: `*` (prefix match) and `+` (one segment). */
export const hasGlob = (path: string) => path.includes("*") || path.includes("+");
