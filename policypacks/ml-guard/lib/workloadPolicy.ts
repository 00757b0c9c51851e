import type { ResourceValidationPolicy } from "@pulumi/policy";
import { exemptNamespacesSchema, isExemptNamespace, type ExemptNamespacesConfig } from "./config";
import { reportFindings, unverified, type Finding } from "./findings";
import { podTemplatesOf, type PodView } from "./kubernetes";
import { rawProps } from "./values";

type Metadata = Pick<ResourceValidationPolicy, "name" | "description" | "severity" | "remediationSteps" | "framework" | "enforcementLevel">;

/**
 * A rule over every pod template a resource carries (Pods, Deployments, CronJobs, Kubeflow jobs,
 * InferenceServices...), skipping exempt namespaces. `check` returns the findings for one template.
 */
export function workloadPolicy<C extends ExemptNamespacesConfig>(
  metadata: Metadata,
  check: (pod: PodView, config: C) => Finding[],
  extraConfig: NonNullable<ResourceValidationPolicy["configSchema"]>["properties"] = {},
): ResourceValidationPolicy {
  return {
    enforcementLevel: "mandatory",
    ...metadata,
    configSchema: { properties: { ...exemptNamespacesSchema.properties, ...extraConfig } },
    validateResource: (args, reportViolation) => {
      const pods = podTemplatesOf(args.type, rawProps(args.props));
      if (pods.length === 0) return;
      const config = args.getConfig<C>();
      if (isExemptNamespace(pods[0].namespace, config)) return;
      // A template whose parts are unknown (first preview) is never passed silently.
      const unknownParts = pods.flatMap((pod) => pod.unknownPaths.map((path) => unverified(path, "this part of the pod template")));
      reportFindings(reportViolation, [...unknownParts, ...pods.flatMap((pod) => check(pod, config))]);
    },
  };
}
