import type { Policies, Policy, ReportViolation, ResourceValidation, StackValidation } from "@pulumi/policy";
import { activeWaivers, namespaceOf, stackResources, waiversPolicy } from "./waiverPolicy";
import { keepType, mapEntryPoints } from "./policyEntryPoints";
import { BLANKET_POLICY, expiryProblem, isExpired, waivedLine, waiverCovers, type WaivableResource, type Waiver } from "./waivers";

/**
 * FACT: the policy server's reportViolation also takes an object { message, urn, enforcementLevel } whose
 * level overrides the policy's (makeReportViolationFun in @pulumi/policy server.js, v1.21.0); a string
 * message is reported as "<description>\n<message>". Waived findings use it to stay visible as advisory.
 */
interface Diagnostic { message: string; urn?: string; enforcementLevel?: string }
type AnyReport = (message: string | Diagnostic, urn?: string) => void;

/** The waiver that applies, or notes on those that match but may not (expired, blanket on a mandatory rule). */
function decide(policy: Policy, resource: WaivableResource): { waiver?: Waiver; notes: string[] } {
  const needsName = policy.enforcementLevel !== "advisory";
  const notes: string[] = [];
  for (const waiver of activeWaivers()) {
    if ((waiver.policy !== policy.name && waiver.policy !== BLANKET_POLICY) || !waiverCovers(waiver, resource) || expiryProblem(waiver)) continue;
    if (isExpired(waiver)) notes.push(`(a waiver by ${waiver.owner} expired on ${waiver.expires} and is not applied)`);
    else if (waiver.policy === BLANKET_POLICY && needsName) notes.push(`(the "*" waiver by ${waiver.owner} is not applied: a mandatory rule is waived only by its name)`);
    else return { waiver, notes };
  }
  return { notes };
}

function waivingReport(policy: Policy, report: ReportViolation, resourceOf: (urn?: string) => WaivableResource): ReportViolation {
  const send = report as unknown as AnyReport;
  return ((message: string | Diagnostic, urn?: string) => {
    const diagnostic: Diagnostic = typeof message === "object" ? message : { message: message ? `${policy.description}\n${message}` : policy.description, urn };
    const { waiver, notes } = decide(policy, resourceOf(diagnostic.urn));
    if (waiver) return send({ ...diagnostic, message: `${diagnostic.message}\n${waivedLine(waiver)}`, enforcementLevel: "advisory" });
    if (notes.length === 0) return send(message, urn);
    if (typeof message === "object") return send({ ...message, message: `${message.message}\n${notes.join("\n")}` });
    return send(`${message}\n${notes.join("\n")}`, urn);
  });
}

function wrapResource(policy: Policy, validation: ResourceValidation): ResourceValidation {
  return keepType<ResourceValidation>((args, report) =>
    // The resource is described only when a finding is reported: most calls report nothing.
    validation(args, waivingReport(policy, report, () => ({ urn: args.urn, type: args.type, name: args.name, namespace: namespaceOf(args.props) }))), validation);
}

function wrapStack(policy: Policy, validation: StackValidation): StackValidation {
  return keepType<StackValidation>((args, report) => {
    // Indexed on the first finding only: most stack rules report nothing, and the stack is large.
    let index: { byUrn: Map<string, WaivableResource>; stack: WaivableResource } | undefined;
    const resourceOf = (urn?: string): WaivableResource => {
      if (!index) {
        const byUrn = new Map(stackResources(args).map((resource) => [resource.urn, resource]));
        index = { byUrn, stack: [...byUrn.values()].find((resource) => resource.type === "pulumi:pulumi:Stack") ?? { urn: "", type: "pulumi:pulumi:Stack", name: "" } };
      }
      return (urn ? index.byUrn.get(urn) : undefined) ?? index.stack;
    };
    return validation(args, waivingReport(policy, report, resourceOf));
  }, validation);
}

/** The pack's rules with waivers applied, led by the policy that loads and checks the waivers. */
export function withWaivers(policies: Policies): Policies {
  return [
    waiversPolicy(policies.map((policy) => policy.name)),
    ...policies.map((policy) => mapEntryPoints(policy, {
      validation: (validation) => wrapResource(policy, validation),
      stack: (validation) => wrapStack(policy, validation),
    })),
  ];
}
