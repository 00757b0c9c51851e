import { parse } from "@cdktf/hcl2json";
import { asArray, asRecord, isRecord } from "./values";

/** One `path` block of a Vault policy. */
export interface VaultPathRule {
  path: string;
  capabilities: string[];
}

/**
 * Parses a Vault policy written in HCL (with HashiCorp's own HCL parser) or JSON, into its path
 * rules. Throws with the parser's message when the text is neither.
 */
export async function parseVaultPolicy(text: string): Promise<VaultPathRule[]> {
  const document = text.trim().startsWith("{") ? (JSON.parse(text) as unknown) : await parse("policy.hcl", text);
  const paths = asRecord(asRecord(document).path);
  // HCL blocks come back as lists of bodies; JSON policies give the body directly.
  return Object.entries(paths).flatMap(([path, body]) =>
    (Array.isArray(body) ? body : [body]).filter(isRecord).map((block) => ({ path, capabilities: asArray(block.capabilities).map(String) })));
}

/** Glob characters of Vault policy paths: `*` (prefix match) and `+` (one segment). */
export const hasGlob = (path: string) => path.includes("*") || path.includes("+");
