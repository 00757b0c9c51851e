/**
 * What Istio's sidecar injector (a mutating webhook, so after the ServiceAccount plugin and before
 * any validating admission) adds to a pod in a namespace labelled istio-injection=enabled, with
 * Istio CNI and native sidecars, as far as the admission policies read it: the istio-validation init
 * container and the istio-proxy native sidecar (an init container with restartPolicy Always), both
 * with readOnlyRootFilesystem: true, and the istio-token projected volume for the audience istio-ca.
 * FACT: istio/istio manifests/charts/istio-control/istio-discovery/files/injection-template.yaml
 * (stored copy 29bcc3c: istio-validation under CNI and istio-proxy set readOnlyRootFilesystem true,
 * unless core dumps are enabled; istio-token's audience is .Values.global.sds.token.aud) and the
 * chart's values.yaml at 1.30.0 (../shared/upstream/istio: global.sds.token.aud istio-ca).
 */
/**
 * The proxy image when the release sets no global.proxy.image, as the chart's values.yaml at 1.30.0
 * names it (global.hub, global.tag; a release sets its own hub and version tag): a tag, not a digest,
 * from a registry outside the allowed ones either way.
 */
export const CHART_PROXY_IMAGE = "registry.istio.io/testing/proxyv2:latest";
const PROXY_SECURITY = { allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true, runAsGroup: 1337, runAsUser: 1337, runAsNonRoot: true };

type Pod = { metadata: Record<string, any>; spec: Record<string, any> };

/** Istio's injection with `proxyImage` (istiod's global.proxy.image and proxy_init.image, or the chart's default). */
export const withIstioSidecar = (proxyImage: string) => <T extends Pod>(pod: T): T => {
  const spec = structuredClone(pod.spec);
  spec.initContainers = [
    { name: "istio-validation", image: proxyImage, args: ["istio-iptables", "--run-validation", "--skip-rule-apply"], securityContext: PROXY_SECURITY },
    { name: "istio-proxy", image: proxyImage, args: ["proxy", "sidecar"], restartPolicy: "Always", securityContext: PROXY_SECURITY, volumeMounts: [{ mountPath: "/var/run/secrets/tokens", name: "istio-token" }] },
    ...(spec.initContainers ?? []),
  ];
  spec.volumes = [
    ...(spec.volumes ?? []),
    { name: "istio-envoy", emptyDir: { medium: "Memory" } },
    { name: "istio-data", emptyDir: {} },
    { name: "istio-token", projected: { sources: [{ serviceAccountToken: { path: "istio-token", expirationSeconds: 43200, audience: "istio-ca" } }] } },
  ];
  return { ...pod, spec };
};
