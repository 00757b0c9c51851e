import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { byNamespaceName, egressTo, tcp } from "../tenancy/namespaceDefaults";
import { PlatformNamespace } from "../tenancy/platformNamespace";
import type { OperatorInstall } from "./externalSecrets";

const CHART_REPOSITORY = "https://charts.external-secrets.io";
const WEBHOOK_PORT = 10250;

// The chart copies these maps (minus `enabled`) into the pod and container specs: typed as what they become.
const hardenedContainer = {
  enabled: true,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: 1000,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
} satisfies k8s.types.input.core.v1.SecurityContext & { enabled: boolean };
const hardenedPod = { enabled: true, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } } satisfies k8s.types.input.core.v1.PodSecurityContext & { enabled: boolean };
const smallResources = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "256Mi" } } satisfies k8s.types.input.core.v1.ResourceRequirements;

/** Chart values: restricted security contexts and resources for every component; only namespaced stores. */
function operatorValues() {
  const component = { securityContext: hardenedContainer, podSecurityContext: hardenedPod, resources: smallResources };
  return {
    installCRDs: true,
    ...component,
    webhook: { ...component, port: WEBHOOK_PORT },
    certController: component,
    // Teams use namespaced SecretStores; cluster-wide stores are the cross-tenant hole, so the operator ignores them.
    processClusterStore: false,
    processClusterExternalSecret: false,
    // No PushSecrets (they write to Vault). The chart refuses ClusterPushSecrets on without PushSecrets.
    processPushSecret: false,
    processClusterPushSecret: false,
  };
}

export function installOperator(owner: pulumi.ComponentResource, name: string, install: OperatorInstall): k8s.helm.v3.Release {
  const webhookPods = { matchLabels: { "app.kubernetes.io/name": "external-secrets-webhook" } };
  const namespace = new PlatformNamespace(`${name}-operator`, {
    namespace: install.namespace,
    environment: install.environment,
    podSecurityVersion: install.podSecurityVersion,
    cpu: "2",
    memory: "2Gi",
    networkPolicies: {
      "allow-egress-api-server": egressTo(install.apiServer.cidr, install.apiServer.ports),
      "allow-egress-vault": egressTo(install.vaultEndpoint.cidr, install.vaultEndpoint.ports),
      "allow-webhook-from-api-server": {
        podSelector: webhookPods,
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ ipBlock: { cidr: install.apiServer.cidr } }], ports: [tcp(WEBHOOK_PORT)] }],
      },
      "allow-metrics-from-monitoring": {
        podSelector: {},
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ namespaceSelector: byNamespaceName("monitoring") }], ports: [tcp(8080)] }],
      },
    },
  }, { parent: owner });
  return new k8s.helm.v3.Release(`${name}-operator`, {
    chart: "external-secrets",
    version: install.chartVersion,
    repositoryOpts: { repo: CHART_REPOSITORY },
    namespace: namespace.namespaceName,
    values: operatorValues(),
    atomic: true,
  }, { parent: owner, dependsOn: [namespace] });
}
