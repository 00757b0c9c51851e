import type { ReportViolation } from "@pulumi/policy";

/** One problem a rule found: where (a field path, a container) and what to do about it. */
export interface Finding {
  /** Field path in the resource, e.g. `spec.template.spec.containers[0].securityContext.privileged`. */
  path: string;
  /** What is wrong and how to fix it. */
  message: string;
  /**
   * The value deciding the verdict is unknown until apply (first preview). Reported as advisory so
   * the rule never passes silently; the engine calls the rule again with the value before it creates
   * the resource, and enforces it then.
   */
  unverified?: boolean;
}

export const violation = (path: string, message: string): Finding => ({ path, message });
export const unverified = (path: string, what: string): Finding => ({
  path,
  message: `${what} is not known until apply, so this preview cannot check it; pulumi up checks it again once it is known`,
  unverified: true,
});

/** The policy server also accepts a diagnostic object whose level overrides the policy's (used for unverified findings). */
type ReportDiagnostic = (diagnostic: { message: string; urn?: string; enforcementLevel: "advisory" }) => void;

export function reportFindings(report: ReportViolation, findings: Finding[], urn?: string): void {
  for (const finding of findings) {
    const message = `${finding.path}: ${finding.message}`;
    if (finding.unverified) (report as unknown as ReportDiagnostic)({ message, urn, enforcementLevel: "advisory" });
    else report(message, urn);
  }
}
