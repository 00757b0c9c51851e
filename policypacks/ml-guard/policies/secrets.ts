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

/** `--token` with its value in the next argument. */
const isBareSecretFlag = (argument: unknown) => typeof argument === "string" && SECRET_FLAG.test(argument) && !argument.includes("=");

/**
 * Why a command-line argument is a literal credential: the value of `--token=xyz`, the argument after a
 * bare `--token`, or a value that looks like a credential. `$(VAR)` is Kubernetes' expansion of the
 * container's env (e.g. a secretKeyRef), not a literal.
 */
function argumentReason(argument: string, previous: unknown): string | undefined {
  const afterBareFlag = isBareSecretFlag(previous) && !argument.startsWith("-");
  const flagValue = SECRET_FLAG.test(argument) && argument.includes("=") ? argument.slice(argument.indexOf("=") + 1) : afterBareFlag ? argument : undefined;
  if (flagValue !== undefined && secretLiteralReason("PASSWORD", flagValue)) return "it passes a credential on the command line";
  return secretLiteralReason("", argument);
}

function envFindings(view: ContainerView): Finding[] {
  const fromEnv = asArray(view.container.env).flatMap((entry, index) => {
    const { name, value } = asRecord(entry);
    const path = `${view.path}.env[${index}].value`;
    // An unknown value (e.g. a generated password's output) under a credential's name is a literal once known.
    if (isUnknown(value)) return secretLiteralReason(asString(name) ?? "", "literal") ? [unverified(path, `the value of ${String(name)}`)] : [];
    if (typeof value !== "string") return [];
    const reason = secretLiteralReason(asString(name) ?? "", value);
    return reason ? [violation(path, `${describeContainer(view)} sets ${String(name)} literally: ${reason}; use valueFrom.secretKeyRef on a Secret delivered by External Secrets`)] : [];
  });
  const fromArgs = (["command", "args"] as const).flatMap((field) =>
    asArray(view.container[field]).flatMap((argument, index, list) => {
      const path = `${view.path}.${field}[${index}]`;
      if (isUnknown(argument)) return isBareSecretFlag(list[index - 1]) ? [unverified(path, `the value of ${String(list[index - 1])}`)] : [];
      if (typeof argument !== "string") return [];
      const reason = argumentReason(argument, list[index - 1]);
      return reason ? [violation(path, `${describeContainer(view)} has a literal credential in ${field}: ${reason}; read it from a mounted Secret instead`)] : [];
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
