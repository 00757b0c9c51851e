import type { ResourceValidationPolicy } from "@pulumi/policy";
import { exemptNamespacesSchema, isExemptNamespace, type ExemptNamespacesConfig } from "../lib/config";
import { reportFindings, unverified, violation, type Finding } from "../lib/findings";
import { describeContainer, isKind, type ContainerView, type PodView } from "../lib/kubernetes";
import { SECRET_FLAG, secretLiteralReason } from "../lib/secretPatterns";
import { asArray, asRecord, asString, isUnknown, rawProps } from "../lib/values";
import { workloadPolicy } from "../lib/workloadPolicy";


/** Secret Kubernetes objects that carry no user data and so are fine to create. */
const DATALESS_SECRET_TYPES = new Set(["kubernetes.io/service-account-token"]);

const secretLiteralData: ResourceValidationPolicy = {
  name: "k8s-secret-disallow-literal-data",
  description: "Kubernetes Secrets must not be created with literal data: secrets come from Vault through External Secrets.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps: "Store the value in Vault and deliver it with an ExternalSecret; delete the Secret from the program or manifest.",
  configSchema: exemptNamespacesSchema,
  validateResource: (args, reportViolation) => {
    if (!isKind(args.type, "", "Secret")) return;
    const props = rawProps(args.props);
    if (isExemptNamespace(asString(asRecord(props.metadata).namespace), args.getConfig<ExemptNamespacesConfig>())) return;
    if (DATALESS_SECRET_TYPES.has(asString(props.type) ?? "")) return;
    const findings: Finding[] = (["data", "stringData"] as const).flatMap((field) => {
      const value = props[field];
      if (isUnknown(value)) return [unverified(field, `the Secret's ${field}`)];
      const keys = Object.keys(asRecord(value));
      return keys.length > 0
        ? [violation(field, `the Secret carries ${keys.length} literal value(s) (${keys.join(", ")}) that end up in state and manifests; deliver them from Vault with an ExternalSecret instead`)]
        : [];
    });
    reportFindings(reportViolation, findings);
  },
};

function envFindings(view: ContainerView): Finding[] {
  const fromEnv = asArray(view.container.env).flatMap((entry, index) => {
    const { name, value } = asRecord(entry);
    const path = `${view.path}.env[${index}].value`;
    if (typeof value !== "string" || isUnknown(value)) return [];
    const reason = secretLiteralReason(asString(name) ?? "", value);
    return reason ? [violation(path, `${describeContainer(view)} sets ${String(name)} literally: ${reason}; use valueFrom.secretKeyRef on a Secret delivered by External Secrets`)] : [];
  });
  const fromArgs = (["command", "args"] as const).flatMap((field) =>
    asArray(view.container[field]).flatMap((argument, index) => {
      if (typeof argument !== "string" || isUnknown(argument)) return [];
      const reason = SECRET_FLAG.test(argument) && argument.includes("=") ? "it passes a credential on the command line" : secretLiteralReason("", argument);
      return reason ? [violation(`${view.path}.${field}[${index}]`, `${describeContainer(view)} has a literal credential in ${field}: ${reason}; read it from a mounted Secret instead`)] : [];
    }),
  );
  return [...fromEnv, ...fromArgs];
}

const secretEnvLiterals = workloadPolicy(
  {
    name: "pod-disallow-secret-literals",
    description: "Containers must not carry credentials as literal env values or command-line arguments.",
    severity: "high",
    remediationSteps: "Move the value to Vault, deliver it with an ExternalSecret, and reference it with env[].valueFrom.secretKeyRef.",
  },
  (pod: PodView) => pod.containers.flatMap(envFindings),
);

export const secretPolicies: ResourceValidationPolicy[] = [secretLiteralData, secretEnvLiterals];
