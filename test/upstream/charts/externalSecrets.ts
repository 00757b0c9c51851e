/**
 * The External Secrets Operator chart 2.9.0 (github.com/external-secrets/external-secrets @
 * helm-chart-2.9.0, cc5bfbc2: deploy/charts/external-secrets). Every statement about a template is a
 * FACT read at that tag. There is no helm-chart-2.10.0 tag: 2.9.0 is the newest chart released there.
 */
import { omitEnabled, type ChartModel } from "./chartModel";
import { deploymentPeakPods, type Workload } from "./workloads";
import { isMap, mergeValues, readUpstreamYaml, type Values } from "./values";

const FOLDER = "external-secrets";
const VALUES_FILE = "deploy_charts_external-secrets_values.yaml";
const TEMPLATES = "deploy/charts/external-secrets/templates";

/**
 * FACT (templates/_helpers.tpl "external-secrets.reconciler-sanity-test", included first by
 * templates/deployment.yaml when createOperator): the install fails with this message when PushSecrets are off but
 * ClusterPushSecrets (default on) are not.
 */
export const RECONCILER_SANITY_FAILURE =
  "You have disabled processing of PushSecrets but not ClusterPushSecrets. This is an invalid configuration. ClusterPushSecret processing depends on processing of PushSecrets. Please either enable processing of PushSecrets, or disable processing of ClusterPushSecrets.";

/**
 * FACT (deployment.yaml, webhook-deployment.yaml, cert-controller-deployment.yaml): a
 * (pod)SecurityContext map is rendered only when `enabled` is true and it has another key, minus
 * `enabled` ("external-secrets.renderSecurityContext"); on OpenShift (the API has
 * security.openshift.io/v1) it also drops runAsUser/runAsGroup/fsGroup, which does not apply here.
 */
const securityContextOf = (context: unknown) => (isMap(context) && context.enabled && Object.keys(context).length > 1 ? omitEnabled(context) : undefined);

function deployment(name: string, component: Values, containerName: string, volumes: Values[], namespace: string): Workload {
  const replicas = Number(component.replicaCount);
  const strategy = isMap(component.strategy) ? component.strategy : {};
  const podContext = securityContextOf(component.podSecurityContext);
  const containerContext = securityContextOf(component.securityContext);
  // FACT: each Deployment copies `<component>.resources`, `.hostNetwork`, `.strategy`, `.replicaCount`
  // and `.extraVolumes`/`.extraInitContainers` verbatim into the object.
  return {
    chart: "external-secrets 2.9.0",
    peakPods: deploymentPeakPods(replicas, strategy),
    object: {
      apiVersion: "apps/v1", kind: "Deployment", metadata: { name, namespace },
      spec: {
        replicas, ...(Object.keys(strategy).length > 0 ? { strategy } : {}),
        selector: { matchLabels: { "app.kubernetes.io/name": name } },
        template: {
          metadata: { labels: { "app.kubernetes.io/name": name } },
          spec: {
            hostNetwork: Boolean(component.hostNetwork),
            ...(podContext ? { securityContext: podContext } : {}),
            ...(Array.isArray(component.extraInitContainers) && component.extraInitContainers.length > 0 ? { initContainers: component.extraInitContainers } : {}),
            containers: [{
              name: containerName, image: "ghcr.io/external-secrets/external-secrets",
              ...(containerContext ? { securityContext: containerContext } : {}),
              ...(isMap(component.resources) && Object.keys(component.resources).length > 0 ? { resources: component.resources } : {}),
            }],
            volumes: [...volumes, ...(Array.isArray(component.extraVolumes) ? (component.extraVolumes as Values[]) : [])],
          },
        },
      },
    },
  };
}

export const externalSecretsChart: ChartModel = {
  chart: "external-secrets", version: "2.9.0", folder: FOLDER, ref: "helm-chart-2.9.0", valuesFile: VALUES_FILE,
  schemaFile: "deploy_charts_external-secrets_values.schema.json",
  reads: () => ({
    declared: readUpstreamYaml(FOLDER, VALUES_FILE),
    templateReads: ["", "webhook.", "certController."].flatMap((prefix) => [
      { path: `${prefix}podSecurityContext`, source: `${TEMPLATES}: the ${prefix || "controller."}podSecurityContext map (all keys but enabled) becomes the pod's securityContext` },
      { path: `${prefix}resources`, source: `${TEMPLATES}: ${prefix || "controller."}resources is copied verbatim into the container's resources` },
    ]),
    legacyAliases: [],
  }),
  effectiveValues: (values) => mergeValues(readUpstreamYaml(FOLDER, VALUES_FILE), values),
  render(values, namespace) {
    const v = mergeValues(readUpstreamYaml(FOLDER, VALUES_FILE), values);
    if (v.createOperator && !v.processPushSecret && v.processClusterPushSecret) throw new Error(`external-secrets 2.9.0: ${RECONCILER_SANITY_FAILURE}`);
    const webhook = v.webhook as Values;
    const certController = v.certController as Values;
    return [
      ...(v.createOperator ? [deployment("external-secrets", v, "external-secrets", [], namespace)] : []),
      // FACT (webhook-deployment.yaml): the webhook mounts its serving certificate from a Secret.
      ...(webhook.create ? [deployment("external-secrets-webhook", webhook, "webhook", [{ name: "certs", secret: { secretName: "external-secrets-webhook" } }], namespace)] : []),
      // FACT (cert-controller-deployment.yaml): rendered when certController.create and not webhook.certManager.enabled.
      ...(certController.create && !(webhook.certManager as Values).enabled ? [deployment("external-secrets-cert-controller", certController, "cert-controller", [], namespace)] : []),
    ];
  },
};
