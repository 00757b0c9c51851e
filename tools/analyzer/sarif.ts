import * as fs from "node:fs";
import * as path from "node:path";
import type { RuleInfo } from "./ruleInfo";
import type { Violation } from "./runPolicies";
import type { WaivedViolation } from "./waivedFindings";

/** Where a finding is in the repository: a file, and the line of the offending field when known. */
export interface SourceLocation {
  uri: string;
  startLine?: number;
}

/**
 * GitHub code scanning reads properties.security-severity as a score: critical above 9.0, high 7.0-8.9,
 * medium 4.0-6.9, low 0.1-3.9 (GitHub docs, "SARIF support for code scanning").
 */
const SECURITY_SEVERITY: Record<RuleInfo["severity"], string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0", unspecified: "5.0" };
/** The pack's version names the tool, so a consumer can tell logs of different versions apart (multitool SARIF2005). */
const PACK_VERSION = (JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../policypacks/ml-guard/package.json"), "utf8")) as { version: string }).version;
const level = (enforcement: string) => (enforcement === "mandatory" || enforcement === "remediate" ? "error" : "warning");

function sarifRule(rule: RuleInfo) {
  const help = rule.remediationSteps ? `${rule.description}\n\nRemediation: ${rule.remediationSteps}` : rule.description;
  return {
    // No `name`: SARIF wants it to differ from the id, and the rule's name is its id (multitool SARIF1001).
    id: rule.name,
    shortDescription: { text: rule.description },
    fullDescription: { text: rule.description },
    help: { text: help, markdown: rule.remediationSteps ? `${rule.description}\n\n**Remediation:** ${rule.remediationSteps}` : rule.description },
    defaultConfiguration: { level: rule.enforcementLevel === "disabled" ? "none" : level(rule.enforcementLevel) },
    // The rule's compliance controls as tags, which code scanning shows and filters on. FACT: GitHub rejects
    // a rule with more than 20 tags and shows 10 (docs, "SARIF results exceed one or more limits").
    properties: { "security-severity": SECURITY_SEVERITY[rule.severity], tags: ["security", ...rule.tags] },
  };
}

/** One SARIF 2.1.0 log with a single run for ml-guard; waived findings are suppressed results. */
export function buildSarif(rules: RuleInfo[], violations: Violation[], waived: WaivedViolation[], locate: (finding: Violation) => SourceLocation) {
  const index = new Map(rules.map((rule, position) => [rule.name, position]));
  const result = (finding: Violation, ruleLevel: string) => {
    const where = locate(finding);
    return {
      ruleId: finding.policy,
      ...(index.has(finding.policy) ? { ruleIndex: index.get(finding.policy) } : {}),
      level: level(ruleLevel),
      message: { text: finding.message },
      locations: [{
        physicalLocation: { artifactLocation: { uri: where.uri }, ...(where.startLine ? { region: { startLine: where.startLine } } : {}) },
        logicalLocations: [{ fullyQualifiedName: finding.urn, kind: "resource" }],
      }],
    };
  };
  const ruleLevel = (name: string) => rules.find((rule) => rule.name === name)?.enforcementLevel ?? "advisory";
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{
      tool: { driver: { name: "ml-guard", semanticVersion: PACK_VERSION, rules: rules.map(sarifRule) } },
      results: [
        ...violations.map((finding) => result(finding, finding.enforcementLevel)),
        // A waived finding keeps its rule's level; the suppression says who accepted it, why and until when.
        ...waived.map((finding) => ({
          ...result(finding, ruleLevel(finding.policy)),
          suppressions: [{ kind: "external", status: "accepted", justification: `waived until ${finding.waiver.expires} by ${finding.waiver.owner}: ${finding.waiver.reason}` }],
        })),
      ],
    }],
  };
}

export function writeSarif(file: string, log: ReturnType<typeof buildSarif>): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(log, null, 2)}\n`);
}
