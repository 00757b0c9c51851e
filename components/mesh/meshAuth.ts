import * as pulumi from "@pulumi/pulumi";
import type { IAuthorizationPolicy } from "@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy" with { "resolution-mode": "import" };
import type { IPeerAuthentication } from "@kubernetes-models/istio/security.istio.io/v1/PeerAuthentication" with { "resolution-mode": "import" };
import type { IRequestAuthentication } from "@kubernetes-models/istio/security.istio.io/v1/RequestAuthentication" with { "resolution-mode": "import" };
import type { IServiceEntry } from "@kubernetes-models/istio/networking.istio.io/v1/ServiceEntry" with { "resolution-mode": "import" };
import { customResource } from "../kubernetes/customResource";
import type { Endpoint } from "../secrets/externalSecrets";
import { LABELS, MANAGED_BY, WORKLOAD_ROLES } from "../tenancy/labels";
import type { EgressTarget } from "../tenancy/networkPolicies";
import type { AccessLogCollector } from "./accessLogProvider";
import { installIstio } from "./istioInstall";
import { allowNothing, allowPeers, denyWithoutToken, egressServiceEntry, jwtAuthentication, strictPeerAuthentication, workloadPrincipal, type JwtSettings } from "./istioObjects";

export interface MeshInstall {
  /** Istio chart version, pinned (base, cni, istiod). */
  istioVersion: string;
  environment: string;
  podSecurityVersion: string;
  /** The API server as pods see it: istiod watches it and serves its webhook to it. */
  apiServer: Endpoint;
  /**
   * The server behind jwt.jwksUri, as istiod's pods reach it: istiod downloads the signing keys itself
   * (the sidecars get them inline) from a default-deny namespace. Outside the cluster by CIDR, inside it
   * by namespace; `ports` are where its pods listen.
   */
  jwksEndpoint: Endpoint | { namespace: string; ports: number[] };
  /** The sidecar image istiod injects (istio-proxy, istio-validation), pinned by digest; omit to keep the chart's hub and tag. */
  proxyImage?: string;
  /** The collector every sidecar sends its access log to (components/runtime/meshAccessLogShipping); omit to log to stdout only. */
  accessLogCollector?: AccessLogCollector;
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
  /** Rendezvous ports of distributed training (the team NetworkPolicy's trainingPorts). Default [29500]. */
  trainingPorts?: number[];
  /** The team NetworkPolicies' egress targets: each becomes a ServiceEntry in every team namespace. Default none. */
  egress?: EgressTarget[];
}

const servingPods = { [LABELS.workloadRole]: WORKLOAD_ROLES.serving };
const trainingPods = { [LABELS.workloadRole]: WORKLOAD_ROLES.training };

/**
 * Istio security for the ML teams: mutual TLS everywhere (mesh-wide and per namespace, STRICT), JWT
 * validation for serving workloads, and authorization that denies by default: nothing reaches a team
 * namespace unless allowed, serving pods refuse requests without a valid token, and training pods
 * accept only the team's own training pods, on the rendezvous ports (collective traffic bypasses the
 * sidecar: see tenancy/trainingTraffic). The egress the team NetworkPolicies allow is registered as
 * ServiceEntries, which the mesh's REGISTRY_ONLY outbound policy needs. ModelEndpoint adds the
 * per-model allow rule.
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
    this.controlPlane = args.install ? installIstio(this, name, { namespace: rootNamespace, ingressNamespace: args.ingressNamespace, trustDomain }, args.install) : [];
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
        ...allowPeers(trainingPods, [workloadPrincipal(trustDomain, team.name, "training")], args.trainingPorts ?? [29500]), metadata: metadata("training-peers"),
      }, afterControlPlane);
      for (const target of args.egress ?? []) {
        customResource<IServiceEntry>(`${name}-${team.name}-egress-${target.name}`, { ...egressServiceEntry(target), metadata: metadata(`egress-${target.name}`) }, afterControlPlane);
      }
    }
    this.registerOutputs({ gatewayPrincipal: this.gatewayPrincipal });
  }
}
