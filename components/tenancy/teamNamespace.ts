import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { SIGSTORE_INCLUDE_LABEL } from "../supplychain/signedImages";
import { IRSA_ROLE_ANNOTATION, LABELS, MANAGED_BY, WORKLOAD_ROLES } from "./labels";
import { restrictedPodSecurityLabels } from "./namespaceDefaults";
import { teamNetworkPolicies, type EgressTarget } from "./networkPolicies";

export interface TeamQuota {
  /** Total CPU the team's pods may request and be limited to (Kubernetes quantity). */
  cpu: string;
  /** Total memory the team's pods may request and be limited to. */
  memory: string;
  /** NVIDIA GPUs the team may request; 0 forbids GPU pods. */
  gpu: number;
  /** Number of PersistentVolumeClaims. */
  pvcs: number;
  /** Total requested PVC storage. */
  storage: string;
  /** Number of pods. */
  pods: number;
}

export interface ContainerDefaults {
  cpuRequest: string;
  cpuLimit: string;
  memoryRequest: string;
  memoryLimit: string;
}

export interface TeamNamespaceArgs {
  /** The team's IdP group, bound to the team Role. */
  group: string;
  /** Environment name, put on labels. */
  environment: string;
  /** Data classification label of the namespace. */
  dataClassification: string;
  quota: TeamQuota;
  /** Requests/limits for containers that declare none. */
  containerDefaults: ContainerDefaults;
  /** Pod Security Standards version pinned for enforce/audit/warn, e.g. `v1.35`. */
  podSecurityVersion: string;
  /** Label the namespace for Istio sidecar injection and allow sidecars to reach istiod. Default true. */
  istioInjection?: boolean;
  /** Namespace of the mesh ingress gateway, the only allowed source of inference traffic. */
  meshIngressNamespace: string;
  /** Namespace of istiod. Default `istio-system`. */
  meshControlPlaneNamespace?: string;
  /** Namespace of the Prometheus that scrapes the sidecars' merged metrics (port 15020). Default `monitoring`. */
  monitoringNamespace?: string;
  /** The collector the sidecars ship access logs to (MeshAccessLogShipping), opened for egress. Default none. */
  accessLogCollector?: { namespace: string; port: number };
  /** Ports open between the team's training pods. Default [29500]. */
  trainingPorts?: number[];
  /** Port serving pods listen on. Default 8080. */
  servingPort?: number;
  /** Destinations (storage, Vault) team pods may reach besides DNS; MeshAuth gives each a ServiceEntry. Default none. */
  egress?: EgressTarget[];
  /** Opt the namespace into the Sigstore policy-controller's signature verification. Default false. */
  requireSignedImages?: boolean;
  /** IAM roles the training and serving service accounts assume through IRSA (TeamAwsRoles). Default none. */
  awsRoleArns?: Partial<Record<"training" | "serving", pulumi.Input<string>>>;
}

/** Kubeflow training and KServe resources a team manages itself. */
const TEAM_WORKLOAD_RULES: k8s.types.input.rbac.v1.PolicyRule[] = [
  {
    apiGroups: ["kubeflow.org"],
    resources: ["pytorchjobs", "tfjobs", "mpijobs", "xgboostjobs", "paddlejobs", "jaxjobs"],
    verbs: ["create", "get", "list", "watch", "delete"],
  },
  { apiGroups: ["trainer.kubeflow.org"], resources: ["trainjobs"], verbs: ["create", "get", "list", "watch", "delete"] },
  { apiGroups: ["serving.kserve.io"], resources: ["inferenceservices"], verbs: ["create", "get", "list", "watch", "delete"] },
  { apiGroups: [""], resources: ["pods", "pods/log", "events"], verbs: ["get", "list", "watch"] },
];

/**
 * One ML team's namespace: Pod Security `restricted`, sidecar injection, quota (GPUs included),
 * defaults, training/serving ServiceAccounts without token automount, a namespace-scoped Role for the
 * team's group, and default-deny NetworkPolicies with narrow openings.
 */
export class TeamNamespace extends pulumi.ComponentResource {
  readonly namespace: k8s.core.v1.Namespace;
  readonly namespaceName: pulumi.Output<string>;
  readonly trainingServiceAccountName: pulumi.Output<string>;
  readonly servingServiceAccountName: pulumi.Output<string>;

  constructor(name: string, args: TeamNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-ml:tenancy:TeamNamespace", name, {}, opts);
    const parent = { parent: this };
    const istioInjection = args.istioInjection ?? true;
    const commonLabels = {
      [LABELS.team]: name,
      [LABELS.environment]: args.environment,
      [LABELS.managedBy]: MANAGED_BY,
    };

    this.namespace = new k8s.core.v1.Namespace(`${name}-namespace`, {
      metadata: {
        name,
        labels: {
          ...commonLabels,
          [LABELS.dataClassification]: args.dataClassification,
          ...restrictedPodSecurityLabels(args.podSecurityVersion),
          ...(istioInjection ? { "istio-injection": "enabled" } : {}),
          ...(args.requireSignedImages ? { [SIGSTORE_INCLUDE_LABEL]: "true" } : {}),
        },
      },
    }, parent);
    const namespace = this.namespace.metadata.name;
    const inNamespace = { parent: this, dependsOn: [this.namespace] };
    const metadata = (objectName: string) => ({ name: objectName, namespace, labels: commonLabels });

    new k8s.core.v1.ResourceQuota(`${name}-quota`, {
      metadata: metadata("team-quota"),
      spec: {
        hard: {
          "requests.cpu": args.quota.cpu,
          "limits.cpu": args.quota.cpu,
          "requests.memory": args.quota.memory,
          "limits.memory": args.quota.memory,
          // Extended resources cannot be overcommitted, so Kubernetes quotas them by requests only.
          "requests.nvidia.com/gpu": String(args.quota.gpu),
          persistentvolumeclaims: String(args.quota.pvcs),
          "requests.storage": args.quota.storage,
          pods: String(args.quota.pods),
          // Team workloads are reached through the mesh ingress, never directly.
          "services.loadbalancers": "0",
          "services.nodeports": "0",
        },
      },
    }, inNamespace);

    new k8s.core.v1.LimitRange(`${name}-limits`, {
      metadata: metadata("container-defaults"),
      spec: {
        limits: [{
          type: "Container",
          defaultRequest: { cpu: args.containerDefaults.cpuRequest, memory: args.containerDefaults.memoryRequest },
          default: { cpu: args.containerDefaults.cpuLimit, memory: args.containerDefaults.memoryLimit },
        }],
      },
    }, inNamespace);

    const serviceAccount = (role: "training" | "serving") =>
      new k8s.core.v1.ServiceAccount(`${name}-${role}-sa`, {
        metadata: {
          ...metadata(role),
          labels: { ...commonLabels, [LABELS.workloadRole]: role },
          ...(args.awsRoleArns?.[role] !== undefined ? { annotations: { [IRSA_ROLE_ANNOTATION]: args.awsRoleArns[role] } } : {}),
        },
        // Pods that need the API opt in on their own spec; Vault auth uses projected tokens with an audience.
        automountServiceAccountToken: false,
      }, inNamespace);
    const training = serviceAccount(WORKLOAD_ROLES.training);
    const serving = serviceAccount(WORKLOAD_ROLES.serving);

    const role = new k8s.rbac.v1.Role(`${name}-team-role`, {
      metadata: metadata("team-member"),
      rules: TEAM_WORKLOAD_RULES,
    }, inNamespace);
    new k8s.rbac.v1.RoleBinding(`${name}-team-binding`, {
      metadata: metadata("team-member"),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
      subjects: [{ kind: "Group", name: args.group, apiGroup: "rbac.authorization.k8s.io" }],
    }, inNamespace);

    const policies = teamNetworkPolicies({
      trainingPorts: args.trainingPorts ?? [29500],
      servingPort: args.servingPort ?? 8080,
      meshIngressNamespace: args.meshIngressNamespace,
      meshControlPlaneNamespace: istioInjection ? args.meshControlPlaneNamespace ?? "istio-system" : undefined,
      // Without sidecars there is no merged metrics port to scrape.
      monitoringNamespace: istioInjection ? args.monitoringNamespace ?? "monitoring" : undefined,
      accessLogCollector: istioInjection ? args.accessLogCollector : undefined,
      egress: args.egress ?? [],
    });
    for (const [policyName, spec] of Object.entries(policies)) {
      new k8s.networking.v1.NetworkPolicy(`${name}-${policyName}`, { metadata: metadata(policyName), spec }, inNamespace);
    }

    this.namespaceName = namespace;
    this.trainingServiceAccountName = training.metadata.name;
    this.servingServiceAccountName = serving.metadata.name;
    this.registerOutputs({
      namespaceName: this.namespaceName,
      trainingServiceAccountName: this.trainingServiceAccountName,
      servingServiceAccountName: this.servingServiceAccountName,
    });
  }
}
