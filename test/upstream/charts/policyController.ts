/**
 * The Sigstore policy-controller chart 0.10.5 (github.com/sigstore/helm-charts @ policy-controller-0.10.5,
 * 6ba96b7c: charts/policy-controller). Every statement about a template is a FACT read at that tag.
 */
import { omitEnabled, type ChartModel } from "./chartModel";
import { deploymentPeakPods } from "./workloads";
import { isMap, mergeValues, readUpstreamYaml, type Values } from "./values";

const FOLDER = "policy-controller-chart";
const VALUES_FILE = "charts_policy-controller_values.yaml";
const WEBHOOK_TEMPLATE = "templates/webhook/deployment_webhook.yaml";
const CLEANUP_TEMPLATE = "templates/webhook/cleanup-leases.yaml";

/** A security context the chart renders only when its `enabled` switch is on, minus the switch. */
const whenEnabled = (context: unknown) => (isMap(context) && context.enabled ? omitEnabled(context) : undefined);

/**
 * FACT (templates/webhook/cleanup-leases.yaml): the Job renders `resources.limits` and
 * `resources.requests` entries only for non-empty cpu/memory values (the defaults are "").
 */
function cleanupResources(resources: unknown): Values | undefined {
  if (!isMap(resources)) return undefined;
  const list = (kind: string) => Object.fromEntries(["cpu", "memory"].flatMap((name) => {
    const value = isMap(resources[kind]) ? (resources[kind])[name] : undefined;
    return value ? [[name, value]] : [];
  }));
  return { limits: list("limits"), requests: list("requests") };
}

export const policyControllerChart: ChartModel = {
  chart: "policy-controller", version: "0.10.5", folder: FOLDER, ref: "policy-controller-0.10.5", valuesFile: VALUES_FILE,
  schemaFile: "charts_policy-controller_values.schema.json",
  reads: () => ({
    declared: readUpstreamYaml(FOLDER, VALUES_FILE),
    templateReads: [
      { path: "webhook.podSecurityContext", source: `${WEBHOOK_TEMPLATE}: webhook.podSecurityContext (all keys but enabled) becomes the webhook *container's* securityContext` },
      { path: "webhook.securityContext", source: `${WEBHOOK_TEMPLATE}: webhook.securityContext (all keys but enabled) becomes the *pod's* securityContext` },
      { path: "leasescleanup.podSecurityContext", source: `${CLEANUP_TEMPLATE}: leasescleanup.podSecurityContext (all keys but enabled) becomes the kubectl container's securityContext` },
    ],
    legacyAliases: [],
  }),
  effectiveValues: (values) => mergeValues(readUpstreamYaml(FOLDER, VALUES_FILE), values),
  render(values, namespace) {
    const v = mergeValues(readUpstreamYaml(FOLDER, VALUES_FILE), values);
    const webhook = v.webhook as Values;
    const cleanup = v.leasescleanup as Values;
    // FACT (deployment_webhook.yaml): the names are swapped: webhook.podSecurityContext is rendered on the
    // container, webhook.securityContext on the pod; no strategy is set (the Kubernetes default applies).
    const containerContext = whenEnabled(webhook.podSecurityContext);
    const podContext = whenEnabled(webhook.securityContext);
    const replicas = Number(webhook.replicaCount);
    const cleanupContext = whenEnabled(cleanup.podSecurityContext);
    const cleanupLimits = cleanupResources(cleanup.resources);
    return [
      {
        chart: "policy-controller 0.10.5",
        peakPods: deploymentPeakPods(replicas, {}),
        object: {
          apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "policy-controller-webhook", namespace },
          spec: {
            replicas,
            selector: { matchLabels: { "control-plane": "policy-controller-webhook" } },
            template: {
              metadata: { labels: { "control-plane": "policy-controller-webhook" } },
              spec: {
                serviceAccountName: "policy-controller-webhook",
                automountServiceAccountToken: Boolean(webhook.automountServiceAccountToken),
                ...(podContext ? { securityContext: podContext } : {}),
                containers: [{
                  name: `policy-controller-${String(webhook.name)}`, image: "ghcr.io/sigstore/policy-controller/policy-controller",
                  ports: [{ containerPort: 8443, name: "https", protocol: "TCP" }, { containerPort: 9090, name: "metrics", protocol: "TCP" }],
                  ...(isMap(webhook.resources) ? { resources: webhook.resources } : {}),
                  ...(containerContext ? { securityContext: containerContext } : {}),
                }],
                // FACT: a writable $HOME emptyDir, plus webhook.volumes (and a custom CA ConfigMap when registryCaBundle.name).
                volumes: [{ name: "writable-home-dir", emptyDir: {} }, ...(Array.isArray(webhook.volumes) ? (webhook.volumes as Values[]) : [])],
              },
            },
          },
        },
      },
      {
        // FACT (cleanup-leases.yaml): a Job run as a post-delete hook; no pod-level securityContext.
        chart: "policy-controller 0.10.5",
        peakPods: 1,
        hook: "post-delete",
        object: {
          apiVersion: "batch/v1", kind: "Job", metadata: { name: "leases-cleanup", namespace },
          spec: {
            template: {
              metadata: { name: "leases-cleanup" },
              spec: {
                restartPolicy: "OnFailure",
                containers: [{
                  name: "kubectl", image: "cgr.dev/chainguard/kubectl",
                  ...(cleanupLimits ? { resources: cleanupLimits } : {}),
                  ...(cleanupContext ? { securityContext: cleanupContext } : {}),
                }],
              },
            },
          },
        },
      },
    ];
  },
};
