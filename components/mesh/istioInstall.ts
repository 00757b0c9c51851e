import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { byNamespaceName, egressTo, tcp } from "../tenancy/namespaceDefaults";
import { PlatformNamespace } from "../tenancy/platformNamespace";
import type { MeshInstall } from "./meshAuth";

const CHART_REPOSITORY = "https://istio-release.storage.googleapis.com/charts";
const ISTIOD_XDS_PORT = 15012;
const ISTIOD_WEBHOOK_PORT = 15017;

/** Istio base (CRDs), CNI (so sidecars need no privileged init container) and istiod, each pinned. */
export function installIstio(owner: pulumi.ComponentResource, name: string, namespace: string, ingressNamespace: string, install: MeshInstall): pulumi.Resource[] {
  const controlPlane = new PlatformNamespace(`${name}-control-plane`, {
    namespace,
    environment: install.environment,
    podSecurityVersion: install.podSecurityVersion,
    cpu: "4",
    memory: "8Gi",
    networkPolicies: {
      "allow-egress-api-server": egressTo(install.apiServer.cidr, install.apiServer.ports),
      "allow-xds-from-mesh": {
        podSelector: { matchLabels: { app: "istiod" } },
        policyTypes: ["Ingress"],
        ingress: [{
          from: [{ namespaceSelector: { matchLabels: { "istio-injection": "enabled" } } }, { namespaceSelector: byNamespaceName(ingressNamespace) }],
          ports: [tcp(ISTIOD_XDS_PORT)],
        }],
      },
      "allow-webhook-from-api-server": {
        podSelector: { matchLabels: { app: "istiod" } },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ ipBlock: { cidr: install.apiServer.cidr } }], ports: [tcp(ISTIOD_WEBHOOK_PORT)] }],
      },
    },
  }, { parent: owner });
  const release = (component: string, chart: string, releaseNamespace: pulumi.Input<string>, values: Record<string, unknown>, dependsOn: pulumi.Resource[]) =>
    new k8s.helm.v3.Release(`${name}-${component}`, {
      chart, version: install.istioVersion, repositoryOpts: { repo: CHART_REPOSITORY }, namespace: releaseNamespace, values, atomic: true,
    }, { parent: owner, dependsOn });
  const base = release("base", "base", controlPlane.namespaceName, { defaultRevision: "default" }, [controlPlane]);
  // The CNI node agent needs host access, so it runs in kube-system, which Pod Security leaves privileged.
  const cni = release("cni", "cni", "kube-system", { cni: { excludeNamespaces: ["kube-system"] } }, [base]);
  const istiod = release("istiod", "istiod", controlPlane.namespaceName, {
    pilot: { cni: { enabled: true }, resources: { requests: { cpu: "500m", memory: "2Gi" } } },
    meshConfig: { accessLogFile: "/dev/stdout", outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } },
  }, [cni]);
  return [controlPlane, base, cni, istiod];
}
