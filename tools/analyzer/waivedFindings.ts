import { parseWaivedMessage } from "../../policypacks/ml-guard/lib/waivers";
import type { Violation } from "./runPolicies";

/** A finding a waiver covers: reported by the pack as advisory, with who waived it, why and until when. */
export interface WaivedViolation extends Violation {
  waiver: { expires: string; owner: string; reason: string };
}

/** Separates waived findings (their message carries the pack's "waived until" line) from the rest. */
export function splitWaived(all: Violation[]): { violations: Violation[]; waived: WaivedViolation[] } {
  const violations: Violation[] = [];
  const waived: WaivedViolation[] = [];
  for (const violation of all) {
    const { message, waiver } = parseWaivedMessage(violation.message);
    if (waiver) waived.push({ ...violation, message, waiver });
    else violations.push(violation);
  }
  return { violations, waived };
}

export function renderWaived(waived: WaivedViolation[], where: (urn: string) => string, indent: string): string {
  return waived.map((finding) => `${indent}[waived] ${finding.policy}  ${where(finding.urn)}
${indent}    waived until ${finding.waiver.expires} by ${finding.waiver.owner}: ${finding.waiver.reason}
${indent}    ${finding.message.replace(/\n/g, `\n${indent}    `)}`).join("\n");
}
