import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LABELS, MANAGED_BY } from "./labels";
import { BASELINE_NETWORK_POLICIES, restrictedPodSecurityLabels } from "./namespaceDefaults";

export interface PlatformNamespaceArgs {
  /** Namespace name, e.g. `external-secrets`. */
  namespace: string;
  environment: string;
  /** Pod Security Standards version pinned for enforce/audit/warn. */
  podSecurityVersion: string;
  /** CPU and memory the platform service may use in total. GPUs are quota'd to zero. */
  cpu: string;
  memory: string;
  /** What the service's pods need beyond DNS, as NetworkPolicy specs keyed by name. */
  networkPolicies: Record<string, k8s.types.input.networking.v1.NetworkPolicySpec>;
}

/**
 * A namespace for a platform service (the External Secrets Operator, the mesh control plane) held to
 * the same guardrails as team namespaces: Pod Security restricted, a quota with no GPUs, container
 * defaults, and default-deny networking with only the declared openings.
 */
export class PlatformNamespace extends pulumi.ComponentResource {
  readonly namespace: k8s.core.v1.Namespace;
  readonly namespaceName: pulumi.Output<string>;

  constructor(name: string, args: PlatformNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-ml:tenancy:PlatformNamespace", name, {}, opts);
    const labels = { [LABELS.environment]: args.environment, [LABELS.managedBy]: MANAGED_BY };
    this.namespace = new k8s.core.v1.Namespace(`${name}-namespace`, {
      metadata: { name: args.namespace, labels: { ...labels, ...restrictedPodSecurityLabels(args.podSecurityVersion) } },
    }, { parent: this });
    const namespace = this.namespace.metadata.name;
    const inNamespace = { parent: this, dependsOn: [this.namespace] };
    const metadata = (objectName: string) => ({ name: objectName, namespace, labels });

    new k8s.core.v1.ResourceQuota(`${name}-quota`, {
      metadata: metadata("platform-quota"),
      spec: {
        hard: {
          "requests.cpu": args.cpu, "limits.cpu": args.cpu, "requests.memory": args.memory, "limits.memory": args.memory,
          "requests.nvidia.com/gpu": "0", "services.loadbalancers": "0", "services.nodeports": "0",
        },
      },
    }, inNamespace);
    new k8s.core.v1.LimitRange(`${name}-limits`, {
      metadata: metadata("container-defaults"),
      spec: { limits: [{ type: "Container", defaultRequest: { cpu: "50m", memory: "64Mi" }, default: { cpu: "500m", memory: "512Mi" } }] },
    }, inNamespace);
    for (const [policyName, spec] of Object.entries({ ...BASELINE_NETWORK_POLICIES, ...args.networkPolicies })) {
      new k8s.networking.v1.NetworkPolicy(`${name}-${policyName}`, { metadata: metadata(policyName), spec }, inNamespace);
    }

    this.namespaceName = namespace;
    this.registerOutputs({ namespaceName: this.namespaceName });
  }
}
