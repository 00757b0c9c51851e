import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { IAuthorizationPolicy } from "@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy" with { "resolution-mode": "import" };
import type { IPeerAuthentication } from "@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication" with { "resolution-mode": "import" };
import type { IRequestAuthentication } from "@kubernetes-models/istio/security.istio.io/v1/RequestAuthentication" with { "resolution-mode": "import" };
import { customResource } from "../kubernetes/customResource";
import type { Endpoint } from "../secrets/externalSecrets";
import { LABELS, MANAGED_BY, WORKLOAD_ROLES } from "../tenancy/labels";
import { byNamespaceName, egressTo, tcp } from "../tenancy/namespaceDefaults";
import { PlatformNamespace } from "../tenancy/platformNamespace";
import { allowNothing, allowPeers, denyWithoutToken, jwtAuthentication, strictPeerAuthentication, workloadPrincipal, type JwtSettings } from "./istioObjects";

export interface MeshInstall {
  /** Istio chart version, pinned (base, cni, istiod). */
  istioVersion: string;
  environment: string;
  podSecurityVersion: string;
  /** The API server as pods see it: istiod watches it and serves its webhook to it. */
  apiServer: Endpoint;
}

export interface MeshTeam {
  /** Team name, which is also its namespace's name (identities are built from it). */
  name: string;
  /** The team namespace (an Output of TeamNamespace, so policies wait for it). */
  namespace: pulumi.Input<string>;
}

export interface MeshAuthArgs {
  /** Install Istio with Helm; omit to use the cluster's mesh. */
  install?: MeshInstall;
  /** Istio's root namespace (where istiod runs); mesh-wide policies live there. Default `istio-system`. */
  rootNamespace?: string;
  /** Default `cluster.local`. */
  trustDomain?: string;
  /** Namespace and service account of the ingress gateway. */
  ingressNamespace: string;
  ingressGatewayServiceAccount: string;
  jwt: JwtSettings;
  teams: MeshTeam[];
}

const CHART_REPOSITORY = "https://istio-release.storage.googleapis.com/charts";
const ISTIOD_XDS_PORT = 15012;
const ISTIOD_WEBHOOK_PORT = 15017;
const servingPods = { [LABELS.workloadRole]: WORKLOAD_ROLES.serving };
const trainingPods = { [LABELS.workloadRole]: WORKLOAD_ROLES.training };

/**
 * Istio security for the ML teams: mutual TLS everywhere (mesh-wide and per namespace, STRICT), JWT
 * validation for serving workloads, and authorization that denies by default: nothing reaches a team
 * namespace unless allowed, serving pods refuse requests without a valid token, and training pods
 * accept only the team's own training pods. ModelEndpoint adds the per-model allow rule.
 */
export class MeshAuth extends pulumi.ComponentResource {
  /** Identity of the ingress gateway, the only caller model endpoints accept. */
  readonly gatewayPrincipal: string;
  readonly issuer: string;
  /** What must exist before mesh objects can be created (the installed control plane); empty for an existing mesh. */
  readonly controlPlane: pulumi.Resource[];

  constructor(name: string, args: MeshAuthArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-ml:mesh:MeshAuth", name, {}, opts);
    const rootNamespace = args.rootNamespace ?? "istio-system";
    const trustDomain = args.trustDomain ?? "cluster.local";
    this.gatewayPrincipal = workloadPrincipal(trustDomain, args.ingressNamespace, args.ingressGatewayServiceAccount);
    this.issuer = args.jwt.issuer;
    this.controlPlane = args.install ? this.installIstio(name, rootNamespace, args.ingressNamespace, args.install) : [];
    const afterControlPlane = { parent: this, dependsOn: this.controlPlane };
    const labels = { [LABELS.managedBy]: MANAGED_BY };

    customResource<IPeerAuthentication>(`${name}-mesh-mtls`, {
      ...strictPeerAuthentication(), metadata: { name: "default", namespace: rootNamespace, labels },
    }, afterControlPlane);

    for (const team of args.teams) {
      const metadata = (objectName: string) => ({ name: objectName, namespace: team.namespace, labels: { ...labels, [LABELS.team]: team.name } });
      customResource<IPeerAuthentication>(`${name}-${team.name}-mtls`, { ...strictPeerAuthentication(), metadata: metadata("default") }, afterControlPlane);
      customResource<IRequestAuthentication>(`${name}-${team.name}-jwt`, { ...jwtAuthentication(servingPods, args.jwt), metadata: metadata("serving-jwt") }, afterControlPlane);
      customResource<IAuthorizationPolicy>(`${name}-${team.name}-allow-nothing`, { ...allowNothing(), metadata: metadata("allow-nothing") }, afterControlPlane);
      customResource<IAuthorizationPolicy>(`${name}-${team.name}-deny-without-token`, { ...denyWithoutToken(servingPods), metadata: metadata("serving-deny-without-token") }, afterControlPlane);
      customResource<IAuthorizationPolicy>(`${name}-${team.name}-training-peers`, {
        ...allowPeers(trainingPods, [workloadPrincipal(trustDomain, team.name, "training")]), metadata: metadata("training-peers"),
      }, afterControlPlane);
    }
    this.registerOutputs({ gatewayPrincipal: this.gatewayPrincipal });
  }

  /** Istio base (CRDs), CNI (so sidecars need no privileged init container) and istiod, each pinned. */
  private installIstio(name: string, namespace: string, ingressNamespace: string, install: MeshInstall): pulumi.Resource[] {
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
    }, { parent: this });
    const release = (component: string, chart: string, releaseNamespace: pulumi.Input<string>, values: Record<string, unknown>, dependsOn: pulumi.Resource[]) =>
      new k8s.helm.v3.Release(`${name}-${component}`, {
        chart, version: install.istioVersion, repositoryOpts: { repo: CHART_REPOSITORY }, namespace: releaseNamespace, values, atomic: true,
      }, { parent: this, dependsOn });
    const base = release("base", "base", controlPlane.namespaceName, { defaultRevision: "default" }, [controlPlane]);
    // The CNI node agent needs host access, so it runs in kube-system, which Pod Security leaves privileged.
    const cni = release("cni", "cni", "kube-system", { cni: { excludeNamespaces: ["kube-system"] } }, [base]);
    const istiod = release("istiod", "istiod", controlPlane.namespaceName, {
      pilot: { cni: { enabled: true }, resources: { requests: { cpu: "500m", memory: "2Gi" } } },
      meshConfig: { accessLogFile: "/dev/stdout", outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } },
    }, [cni]);
    return [controlPlane, base, cni, istiod];
  }
}
