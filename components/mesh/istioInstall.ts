import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { byNamespaceName, egressTo, tcp } from "../tenancy/namespaceDefaults";
import { PlatformNamespace } from "../tenancy/platformNamespace";
import { accessLogMeshConfig, type AccessLogCollector } from "./accessLogProvider";
import type { MeshInstall } from "./meshAuth";

const CHART_REPOSITORY = "https://istio-release.storage.googleapis.com/charts";
const ISTIOD_XDS_PORT = 15012;
const ISTIOD_WEBHOOK_PORT = 15017;
const ISTIOD_PODS = { matchLabels: { app: "istiod" } };

/** Egress from istiod's pods (only) to the JWKS server. */
function jwksEgress(endpoint: MeshInstall["jwksEndpoint"]): k8s.types.input.networking.v1.NetworkPolicySpec {
  if ("cidr" in endpoint) return egressTo(endpoint.cidr, endpoint.ports, ISTIOD_PODS);
  return { podSelector: ISTIOD_PODS, policyTypes: ["Egress"], egress: [{ to: [{ namespaceSelector: byNamespaceName(endpoint.namespace) }], ports: endpoint.ports.map(tcp) }] };
}

/**
 * istiod's values, flat as the 1.30 chart documents them (the `pilot.` prefix is a legacy alias).
 * Pod Security restricted holds in istio-system and in every namespace istiod injects sidecars into.
 */
const istiodValues = (trustDomain: string, proxyImage: string | undefined, accessLogCollector: AccessLogCollector | undefined) => ({
  // Sidecars get the non-root istio-validation init container instead of istio-init (root, NET_ADMIN, NET_RAW).
  cni: { enabled: true },
  seccompProfile: { type: "RuntimeDefault" },
  // FACT (1.30.0 files/injection-template.yaml): an image value holding a "/" is injected as written,
  // digest and all; otherwise the injector builds hub/proxyv2:tag, a tag the admission policies refuse.
  global: proxyImage
    ? { proxy: { image: proxyImage, seccompProfile: { type: "RuntimeDefault" } }, proxy_init: { image: proxyImage } }
    : { proxy: { seccompProfile: { type: "RuntimeDefault" } } },
  // Two replicas and one extra pod during a rollout: the peak (3 pods) fits the namespace quota.
  autoscaleEnabled: false,
  replicaCount: 2,
  rollingMaxSurge: 1,
  // A limit of its own: the namespace's default limit (512Mi) is below istiod's request.
  resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "1", memory: "2Gi" } },
  // The chart writes trustDomain cluster.local unless told: the principals every policy names use this one.
  meshConfig: {
    accessLogFile: "/dev/stdout",
    outboundTrafficPolicy: { mode: "REGISTRY_ONLY" },
    trustDomain,
    ...(accessLogCollector ? accessLogMeshConfig(accessLogCollector) : {}),
  },
});

/** Istio base (CRDs), CNI (so sidecars need no privileged init container) and istiod, each pinned. */
export function installIstio(owner: pulumi.ComponentResource, name: string, mesh: { namespace: string; ingressNamespace: string; trustDomain: string }, install: MeshInstall): pulumi.Resource[] {
  const { namespace, ingressNamespace } = mesh;
  const controlPlane = new PlatformNamespace(`${name}-control-plane`, {
    namespace,
    environment: install.environment,
    podSecurityVersion: install.podSecurityVersion,
    cpu: "4",
    memory: "8Gi",
    networkPolicies: {
      "allow-egress-api-server": egressTo(install.apiServer.cidr, install.apiServer.ports),
      "allow-xds-from-mesh": {
        podSelector: ISTIOD_PODS,
        policyTypes: ["Ingress"],
        ingress: [{
          from: [{ namespaceSelector: { matchLabels: { "istio-injection": "enabled" } } }, { namespaceSelector: byNamespaceName(ingressNamespace) }],
          ports: [tcp(ISTIOD_XDS_PORT)],
        }],
      },
      "allow-webhook-from-api-server": {
        podSelector: ISTIOD_PODS,
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ ipBlock: { cidr: install.apiServer.cidr } }], ports: [tcp(ISTIOD_WEBHOOK_PORT)] }],
      },
      // istiod fetches every RequestAuthentication's jwksUri itself; unreachable, it serves a key set
      // nobody can sign for and every token is rejected.
      "allow-egress-jwks": jwksEgress(install.jwksEndpoint),
    },
  }, { parent: owner });
  const release = (component: string, chart: string, releaseNamespace: pulumi.Input<string>, values: Record<string, unknown>, dependsOn: pulumi.Resource[]) =>
    new k8s.helm.v3.Release(`${name}-${component}`, {
      chart, version: install.istioVersion, repositoryOpts: { repo: CHART_REPOSITORY }, namespace: releaseNamespace, values, atomic: true,
    }, { parent: owner, dependsOn });
  const base = release("base", "base", controlPlane.namespaceName, { defaultRevision: "default" }, [controlPlane]);
  // The CNI node agent needs host access, so it runs in kube-system, which Pod Security leaves privileged.
  const cni = release("cni", "cni", "kube-system", { excludeNamespaces: ["kube-system"] }, [base]);
  const istiod = release("istiod", "istiod", controlPlane.namespaceName, istiodValues(mesh.trustDomain, install.proxyImage, install.accessLogCollector), [cni]);
  return [controlPlane, base, cni, istiod];
}
