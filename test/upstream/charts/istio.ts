/**
 * Istio 1.30.0 charts (github.com/istio/istio @ 1.30.0, badd809e: manifests/charts/base,
 * manifests/charts/istio-cni, manifests/charts/istio-control/istio-discovery), as far as the program
 * relies on them. Every statement about a template is a FACT read at that tag.
 */
import type { ChartModel } from "./chartModel";
import { deploymentPeakPods, type Workload } from "./workloads";
import { isMap, mergeValues, readUpstreamYaml, type ChartReads, type TemplateRead, type Values } from "./values";

const FOLDER = "istio";
const REF = "1.30.0";
const CHART = (name: string) => `${name} ${REF}`;
const nonEmpty = (value: unknown): value is Values => isMap(value) && Object.keys(value).length > 0;

/**
 * FACT (templates/zzz_profile.yaml of all three charts): the chart's defaults sit under
 * `_internal_defaults_do_not_set`; the template merges the release's values over them
 * (mustMergeOverwrite) and replaces `.Values` with the result. FACT (Helm pkg/engine/engine.go
 * sortTemplates, v3.18.0): templates render in reverse name order, so zzz_profile.yaml runs first and
 * every other template sees the merged values.
 */
function defaultsOf(file: string): Values {
  return readUpstreamYaml(FOLDER, file)._internal_defaults_do_not_set as Values;
}

/**
 * FACT (templates/zzy_descope_legacy.yaml of istiod and istio-cni): right after zzz_profile.yaml,
 * `mustMergeOverwrite $.Values (index $.Values "pilot")` (istiod; "cni" for istio-cni) copies the
 * legacy prefix to the top level, so `pilot.cni.enabled` still reaches `cni.enabled` at 1.30.0. The
 * charts' values.yaml tells users to set the flat keys; this suite refuses the prefix so the program
 * writes the documented key.
 */
function flattened(file: string, values: Values, legacyPrefix?: string): Values {
  const merged = mergeValues(defaultsOf(file), values);
  return legacyPrefix && isMap(merged[legacyPrefix]) ? mergeValues(merged, merged[legacyPrefix]) : merged;
}

const reads = (file: string, templateReads: TemplateRead[], legacyPrefix?: string): ChartReads => ({
  declared: defaultsOf(file),
  templateReads,
  legacyAliases: legacyPrefix ? [{ prefix: legacyPrefix, source: `templates/zzy_descope_legacy.yaml copies ${legacyPrefix}.* to the top level` }] : [],
});

const BASE_VALUES = "manifests_charts_base_values.yaml";
const CNI_VALUES = "manifests_charts_istio-cni_values.yaml";
const ISTIOD_VALUES = "manifests_charts_istio-control_istio-discovery_values.yaml";

/** The base chart: CRDs, the validating webhook, service accounts. It starts no pod (no Deployment, DaemonSet or Job template). */
export const istioBase: ChartModel = {
  chart: "base", version: REF, folder: FOLDER, ref: REF, valuesFile: BASE_VALUES,
  reads: () => reads(BASE_VALUES, []),
  effectiveValues: (values) => flattened(BASE_VALUES, values),
  render: () => [],
};

/** What the istio-cni chart writes into its ConfigMap (templates/configmap-cni.yaml). */
export function cniExcludedNamespaces(values: Values): string[] {
  // FACT: EXCLUDE_NAMESPACES is `.Values.excludeNamespaces` joined with commas; the node agent leaves pods there alone.
  const excluded = flattened(CNI_VALUES, values, "cni").excludeNamespaces;
  return Array.isArray(excluded) ? excluded.map(String) : [];
}

export const istioCni: ChartModel = {
  chart: "cni", version: REF, folder: FOLDER, ref: REF, valuesFile: CNI_VALUES,
  reads: () => reads(CNI_VALUES, [], "cni"),
  effectiveValues: (values) => flattened(CNI_VALUES, values, "cni"),
  render(values, namespace) {
    const v = flattened(CNI_VALUES, values, "cni");
    const ambient = v.ambient as Values;
    // FACT (templates/daemonset.yaml): the install-cni container runs as root with NET_ADMIN, NET_RAW,
    // SYS_PTRACE, SYS_ADMIN and DAC_OVERRIDE, mounts host paths (CNI bin/conf dirs, /proc for repair),
    // and gets AppArmor "unconfined" (annotation when useAppArmorAnnotation, the default, else the
    // securityContext field). Nothing in values makes it restricted: it must run in a privileged namespace.
    const securityContext: Values = {
      privileged: false, runAsGroup: 0, runAsUser: 0, runAsNonRoot: false,
      capabilities: { drop: ["ALL"], add: ["NET_ADMIN", "NET_RAW", "SYS_PTRACE", "SYS_ADMIN", "DAC_OVERRIDE"] },
      ...(v.useAppArmorAnnotation ? {} : { appArmorProfile: { type: "Unconfined" } }),
      ...(nonEmpty(v.seccompProfile) ? { seccompProfile: v.seccompProfile } : {}),
    };
    const hostPath = (name: string, path: string) => ({ name, hostPath: { path } });
    const repair = (v.repair as Values).repairPods || ambient.enabled;
    return [{
      chart: CHART("cni"),
      peakPods: 1,
      object: {
        apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "istio-cni-node", namespace },
        spec: {
          selector: { matchLabels: { "k8s-app": "istio-cni-node" } },
          template: {
            metadata: {
              labels: { "k8s-app": "istio-cni-node", "sidecar.istio.io/inject": "false" },
              annotations: v.useAppArmorAnnotation ? { "container.apparmor.security.beta.kubernetes.io/install-cni": "unconfined" } : {},
            },
            spec: {
              ...(ambient.enabled && ambient.shareHostNetworkNamespace ? { hostNetwork: true } : {}),
              containers: [{ name: "install-cni", image: "install-cni", securityContext, resources: nonEmpty(v.resources) ? v.resources : (v.global as Values).defaultResources }],
              volumes: [
                hostPath("cni-bin-dir", String(v.cniBinDir)),
                ...(repair ? [hostPath("cni-host-procfs", "/proc")] : []),
                hostPath("cni-net-dir", String(v.cniConfDir)),
                hostPath("cni-socket-dir", "/var/run/istio-cni"),
                hostPath("cni-netns-dir", String(v.cniNetnsDir)),
              ],
            },
          },
        },
      },
    }];
  },
};

/**
 * FACT (istio-discovery templates/_helpers.tpl, "istiod.resources"): renders `limits` and `requests`
 * of the map, dropping empty values.
 */
function istiodResources(resources: Values): Values {
  return Object.fromEntries(["limits", "requests"].flatMap((kind) => {
    const list = Object.entries(isMap(resources[kind]) ? (resources[kind]) : {}).filter(([, value]) => value !== null && value !== "" && value !== undefined);
    return list.length > 0 ? [[kind, Object.fromEntries(list)]] : [];
  }));
}

const ISTIOD_TEMPLATE_READS: TemplateRead[] = [
  { path: "resources.limits", source: "templates/deployment.yaml renders .Values.resources (limits and requests) through istiod.resources into the discovery container" },
  { path: "seccompProfile.type", source: "templates/deployment.yaml copies .Values.seccompProfile into the discovery container's securityContext" },
  { path: "global.proxy.seccompProfile.type", source: "files/injection-template.yaml copies .Values.global.proxy.seccompProfile into the injected istio-validation/istio-init and istio-proxy containers" },
  // FACT (templates/configmap.yaml): `mergeOverwrite $originalMesh .Values.meshConfig` becomes the mesh
  // config istiod loads; the fields below are MeshConfig's (pkg/config/mesh/mesh.go DefaultMeshConfig sets them).
  { path: "meshConfig.accessLogFile", source: "templates/configmap.yaml merges .Values.meshConfig into the `mesh` ConfigMap key (MeshConfig.accessLogFile)" },
  { path: "meshConfig.outboundTrafficPolicy.mode", source: "templates/configmap.yaml merges .Values.meshConfig into the `mesh` ConfigMap key (MeshConfig.outboundTrafficPolicy)" },
  { path: "meshConfig.trustDomain", source: "templates/configmap.yaml merges .Values.meshConfig over the mesh's trustDomain \"cluster.local\" (MeshConfig.trustDomain)" },
  { path: "meshConfig.extensionProviders", source: "templates/configmap.yaml merges .Values.meshConfig into the `mesh` ConfigMap key; pkg/config/mesh/mesh.go ApplyMeshConfig adds them to the built-in providers by name" },
  { path: "meshConfig.defaultProviders.metrics", source: "templates/configmap.yaml merges .Values.meshConfig into the `mesh` ConfigMap key (MeshConfig.defaultProviders.metrics)" },
  { path: "meshConfig.defaultProviders.accessLogging", source: "templates/configmap.yaml merges .Values.meshConfig into the `mesh` ConfigMap key (MeshConfig.defaultProviders.accessLogging)" },
];

/**
 * The `mesh` key of istiod's ConfigMap, as far as the program relies on it.
 * FACT (templates/configmap.yaml): the chart's own mesh (trustDomain, rootNamespace, and
 * defaultProviders.metrics [prometheus]) with `mergeOverwrite` of .Values.meshConfig over it.
 * FACT (templates/_helpers.tpl "default-prometheus"): the chart writes its defaultProviders only when
 * .Values.meshConfig.defaultProviders is unset and telemetry.enabled, telemetry.v2.enabled and
 * telemetry.v2.prometheus.enabled are all true.
 */
export function istiodMeshConfig(values: Values): Values {
  const v = flattened(ISTIOD_VALUES, values, "pilot");
  const meshValues = isMap(v.meshConfig) ? v.meshConfig : {};
  const telemetry = (isMap(v.telemetry) ? v.telemetry : {});
  const v2 = (isMap(telemetry.v2) ? telemetry.v2 : {});
  const prometheus = !isMap(meshValues.defaultProviders) && telemetry.enabled === true && v2.enabled === true && isMap(v2.prometheus) && v2.prometheus.enabled === true;
  const global = (isMap(v.global) ? v.global : {});
  const chartMesh: Values = {
    trustDomain: "cluster.local",
    rootNamespace: global.istioNamespace,
    ...(prometheus ? { defaultProviders: { metrics: ["prometheus"] } } : {}),
  };
  return mergeValues(chartMesh, meshValues);
}

export const istiod: ChartModel = {
  chart: "istiod", version: REF, folder: FOLDER, ref: REF, valuesFile: ISTIOD_VALUES,
  reads: () => reads(ISTIOD_VALUES, ISTIOD_TEMPLATE_READS, "pilot"),
  effectiveValues: (values) => flattened(ISTIOD_VALUES, values, "pilot"),
  render(values, namespace) {
    const v = flattened(ISTIOD_VALUES, values, "pilot");
    // FACT (templates/autoscale.yaml): an HPA up to autoscaleMax when autoscaleEnabled, autoscaleMin and
    // autoscaleMax are all set; templates/deployment.yaml sets `replicas` only without it.
    const replicas = v.autoscaleEnabled && v.autoscaleMin && v.autoscaleMax ? Number(v.autoscaleMax) : Number(v.replicaCount);
    const strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: v.rollingMaxSurge, maxUnavailable: v.rollingMaxUnavailable } };
    // FACT (templates/deployment.yaml): no pod-level securityContext; the discovery container's is fixed
    // except seccompProfile, which comes from .Values.seccompProfile when set (default {}: none).
    const securityContext: Values = {
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] },
      ...(nonEmpty(v.seccompProfile) ? { seccompProfile: v.seccompProfile } : {}),
    };
    const global = v.global as Values;
    const volumes: Values[] = [
      { name: "local-certs", emptyDir: { medium: "Memory" } },
      { name: "istio-token", projected: { sources: [{ serviceAccountToken: { audience: "istio-ca", expirationSeconds: 43200, path: "istio-token" } }] } },
      { name: "cacerts", secret: { secretName: "cacerts", optional: true } },
      { name: "istio-kubeconfig", secret: { secretName: "istio-kubeconfig", optional: true } },
      { name: "istio-csr-dns-cert", secret: { secretName: "istiod-tls", optional: true } },
      { name: "istio-csr-ca-configmap", configMap: { name: "istio-ca-root-cert", optional: true } },
      ...(v.jwksResolverExtraRootCA ? [{ name: "extracacerts", configMap: { name: "pilot-jwks-extra-cacerts" } }] : []),
      ...(Array.isArray(v.volumes) ? (v.volumes as Values[]) : []),
    ];
    const workload: Workload = {
      chart: CHART("istiod"),
      peakPods: deploymentPeakPods(replicas, strategy),
      object: {
        apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "istiod", namespace },
        spec: {
          replicas, strategy,
          selector: { matchLabels: { istio: "pilot" } },
          template: {
            metadata: { labels: { app: "istiod", istio: "pilot", "sidecar.istio.io/inject": "false" } },
            spec: {
              serviceAccountName: "istiod",
              ...(Array.isArray(v.initContainers) && v.initContainers.length > 0 ? { initContainers: v.initContainers } : {}),
              containers: [{
                name: "discovery", image: "pilot", securityContext,
                resources: istiodResources(nonEmpty(v.resources) ? v.resources : (global.defaultResources as Values)),
                ports: [8080, 15010, 15012, 15017, 15014].map((containerPort) => ({ containerPort, protocol: "TCP" })),
              }],
              volumes,
            },
          },
        },
      },
    };
    return [workload];
  },
};

/**
 * What istiod's sidecar injector renders its template with. FACT (templates/istiod-injector-
 * configmap.yaml): the `values` key is `pick .Values "global" "sidecarInjectorWebhook" "revision"`
 * plus `pilot` = `pick .Values "cni" "env"`, all taken from the merged (flattened) values.
 */
export function injectorValues(values: Values): { global: Values; pilot: { cni: Values; env: Values } } {
  const v = flattened(ISTIOD_VALUES, values, "pilot");
  return { global: v.global as Values, pilot: { cni: v.cni as Values, env: (v.env ?? {}) as Values } };
}

/**
 * A pod after istiod injects the sidecar (default interception mode REDIRECT, no TPROXY, no
 * NET_BIND_SERVICE annotation). FACT (files/injection-template.yaml): with `.Values.pilot.cni.enabled`
 * the init container is `istio-validation` (UID 1337, non-root, read-only root, drops ALL); without it
 * it is `istio-init` (UID 0, runAsNonRoot false, adds NET_ADMIN and NET_RAW) to write iptables rules.
 * istio-proxy runs as 1337, drops ALL, read-only root; both take global.proxy.seccompProfile when set
 * and privileged/allowPrivilegeEscalation from global.proxy.privileged. (A native sidecar is the same
 * container moved to initContainers with restartPolicy Always: the same controls apply.)
 */
export function injectSidecar(pod: { metadata: Values; spec: Values }, injector: ReturnType<typeof injectorValues>): { metadata: Values; spec: Values } {
  const proxy = injector.global.proxy as Values;
  const privileged = Boolean(proxy.privileged);
  const seccomp = nonEmpty(proxy.seccompProfile) ? { seccompProfile: proxy.seccompProfile } : {};
  const cni = Boolean(injector.pilot.cni.enabled);
  const init = cni
    ? { name: "istio-validation", securityContext: { allowPrivilegeEscalation: privileged, privileged, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true, runAsGroup: 1337, runAsUser: 1337, runAsNonRoot: true, ...seccomp } }
    : { name: "istio-init", securityContext: { allowPrivilegeEscalation: privileged, privileged, capabilities: { add: ["NET_ADMIN", "NET_RAW"], drop: ["ALL"] }, readOnlyRootFilesystem: false, runAsGroup: 0, runAsNonRoot: false, runAsUser: 0, ...seccomp } };
  const sidecar = { name: "istio-proxy", securityContext: { allowPrivilegeEscalation: privileged, capabilities: { drop: ["ALL"] }, privileged, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 1337, runAsGroup: 1337, ...seccomp } };
  const list = (field: string) => (Array.isArray(pod.spec[field]) ? (pod.spec[field] as Values[]) : []);
  return { metadata: pod.metadata, spec: { ...pod.spec, initContainers: [{ ...init, image: "proxyv2" }, ...list("initContainers")], containers: [...list("containers"), { ...sidecar, image: "proxyv2" }] } };
}
