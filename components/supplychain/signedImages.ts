import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LABELS, MANAGED_BY } from "../tenancy/labels";
import { egressTo } from "../tenancy/namespaceDefaults";
import { PlatformNamespace } from "../tenancy/platformNamespace";
import type { Endpoint } from "../secrets/externalSecrets";

/** Who must have signed an image: a cosign public key, or a keyless (Fulcio) identity. */
export type SignatureAuthority =
  | { publicKey: string }
  | { keyless: { issuer: string; subjectRegExp: string } };

export interface SignedImagesArgs {
  /** Install the Sigstore policy-controller with Helm; omit when the cluster runs one. */
  install?: {
    chartVersion: string;
    namespace: string;
    environment: string;
    podSecurityVersion: string;
    apiServer: Endpoint;
    /** Registries and Sigstore services the controller fetches signatures from. */
    egress: Endpoint[];
  };
  /** Image globs the policy covers (e.g. `*.dkr.ecr.*.amazonaws.com/**`). */
  images: string[];
  authority: SignatureAuthority;
}

/** Label that opts a namespace into the policy-controller's verification. */
export const SIGSTORE_INCLUDE_LABEL = "policy.sigstore.dev/include";
const CHART_REPOSITORY = "https://sigstore.github.io/helm-charts";

/** A ClusterImagePolicy (policy.sigstore.dev/v1beta1); Sigstore publishes no typed model package. */
export interface ClusterImagePolicySpec {
  images: { glob: string }[];
  authorities: ({ key: { data: string } } | { keyless: { url: string; identities: { issuer: string; subjectRegExp: string }[] }; ctlog: { url: string } })[];
}

export function clusterImagePolicySpec(images: string[], authority: SignatureAuthority): ClusterImagePolicySpec {
  return {
    images: images.map((glob) => ({ glob })),
    authorities: [
      "publicKey" in authority
        ? { key: { data: authority.publicKey } }
        : { keyless: { url: "https://fulcio.sigstore.dev", identities: [{ issuer: authority.keyless.issuer, subjectRegExp: authority.keyless.subjectRegExp }] }, ctlog: { url: "https://rekor.sigstore.dev" } },
    ],
  };
}

// The chart renders `podSecurityContext` (minus `enabled`) as the *container's* securityContext.
const restrictedContainer = (runAsUser: number) => ({
  enabled: true, runAsNonRoot: true, runAsUser, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" },
}) satisfies k8s.types.input.core.v1.SecurityContext & { enabled: boolean };

/** Chart values: the webhook and the leases-cleanup hook (run on uninstall) admitted by Pod Security restricted. */
function controllerValues() {
  return {
    webhook: {
      // Refuse admission when verification cannot run, rather than letting unsigned images through.
      failurePolicy: "Fail",
      podSecurityContext: { ...restrictedContainer(1000), readOnlyRootFilesystem: true },
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    },
    // kubectl writes its discovery cache under $HOME, so its root filesystem stays writable. 65532: the nonroot user of Chainguard images.
    leasescleanup: { podSecurityContext: restrictedContainer(65532) },
  };
}

/**
 * Signed images at admission: the Sigstore policy-controller (optional, pinned, hardened, locked-down
 * namespace) and a ClusterImagePolicy requiring a cosign signature from the configured key or
 * identity for every covered image in namespaces labelled policy.sigstore.dev/include=true (every team namespace).
 */
export class SignedImages extends pulumi.ComponentResource {
  constructor(name: string, args: SignedImagesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-ml:supplychain:SignedImages", name, {}, opts);
    const dependsOn: pulumi.Resource[] = [];
    if (args.install) {
      const install = args.install;
      const namespace = new PlatformNamespace(`${name}-controller`, {
        namespace: install.namespace,
        environment: install.environment,
        podSecurityVersion: install.podSecurityVersion,
        cpu: "1",
        memory: "1Gi",
        networkPolicies: {
          "allow-egress-api-server": egressTo(install.apiServer.cidr, install.apiServer.ports),
          ...Object.fromEntries(install.egress.map((endpoint, index) => [`allow-egress-signatures-${index}`, egressTo(endpoint.cidr, endpoint.ports)])),
          "allow-webhook-from-api-server": {
            podSelector: {},
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ ipBlock: { cidr: install.apiServer.cidr } }], ports: [{ protocol: "TCP", port: 8443 }] }],
          },
        },
      }, { parent: this });
      dependsOn.push(new k8s.helm.v3.Release(`${name}-controller`, {
        chart: "policy-controller",
        version: install.chartVersion,
        repositoryOpts: { repo: CHART_REPOSITORY },
        namespace: namespace.namespaceName,
        atomic: true,
        values: controllerValues(),
      }, { parent: this, dependsOn: [namespace] }));
    }
    new k8s.apiextensions.CustomResource(`${name}-policy`, {
      apiVersion: "policy.sigstore.dev/v1beta1",
      kind: "ClusterImagePolicy",
      metadata: { name: "ml-images-signed", labels: { [LABELS.managedBy]: MANAGED_BY } },
      spec: clusterImagePolicySpec(args.images, args.authority),
    }, { parent: this, dependsOn });
    this.registerOutputs({});
  }
}
