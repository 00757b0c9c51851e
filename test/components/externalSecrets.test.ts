import * as pulumi from "@pulumi/pulumi";
import { installRecordingMocks, settle, single, valueOf } from "../support/pulumiMocks";
import { validateKubernetesObject } from "../support/kubernetesSchemas";

const created = installRecordingMocks();

import { ExternalSecrets } from "../../components/secrets/externalSecrets";

const eso = new ExternalSecrets("eso", {
  install: {
    chartVersion: "2.9.0", namespace: "external-secrets", environment: "dev", podSecurityVersion: "v1.35",
    apiServer: { cidr: "10.0.0.0/28", ports: [443] }, vaultEndpoint: { cidr: "10.0.200.0/28", ports: [8200] },
  },
  vaultAddress: "https://vault.internal:8200",
  vaultAuthPath: "kubernetes",
  teams: [{
    name: "vision",
    namespace: "vision",
    vault: {
      secretsSync: { serviceAccount: "secrets-sync", authRole: "dev-vision-secrets-sync", credentials: [] },
      kvMount: "ml-dev-kv",
      kvPath: "teams/vision",
      workloads: [
        { serviceAccount: "training", authRole: "dev-vision-training", credentials: [{ name: "mlflow-db-training", path: "ml-dev-database/creds/dev-vision-training", leaseTtlSeconds: 3600 }] },
        { serviceAccount: "serving", authRole: "dev-vision-serving", credentials: [{ name: "mlflow-db-serving", path: "ml-dev-database/creds/dev-vision-serving", leaseTtlSeconds: 900 }] },
      ],
    },
  }],
});

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec: any };
const object = (type: string, name: string) => single(created, type, name).inputs as K8sObject;
const ESO = "kubernetes:external-secrets.io/v1";
const GENERATOR = "kubernetes:generators.external-secrets.io/v1alpha1:VaultDynamicSecret";

beforeAll(async () => {
  await valueOf(pulumi.output(eso.urn));
  await settle();
});

describe("ExternalSecrets", () => {
  it("logs in to Vault from each team namespace as the team's own service account and role, with Kubernetes auth", () => {
    const store = object(`${ESO}:SecretStore`, "eso-vision-store");
    expect(store).toMatchObject({ apiVersion: "external-secrets.io/v1", kind: "SecretStore", metadata: { name: "vault", namespace: "vision" } });
    expect(store.spec.provider.vault).toEqual({
      server: "https://vault.internal:8200", path: "ml-dev-kv", version: "v2",
      auth: { kubernetes: { mountPath: "kubernetes", role: "dev-vision-secrets-sync", serviceAccountRef: { name: "secrets-sync", audiences: ["vault"] } } },
    });
    expect(created.some((resource) => (resource.inputs as K8sObject).kind === "ClusterSecretStore")).toBe(false);
    expect(object("kubernetes:core/v1:ServiceAccount", "eso-vision-sync-sa")).toMatchObject({ metadata: { name: "secrets-sync", namespace: "vision" }, automountServiceAccountToken: false });
  });

  it("requests each workload's credentials as that workload's own service account and Vault role", () => {
    for (const identity of ["training", "serving"]) {
      const generator = object(GENERATOR, `eso-vision-mlflow-db-${identity}-generator`);
      expect(generator).toMatchObject({
        apiVersion: "generators.external-secrets.io/v1alpha1", kind: "VaultDynamicSecret", metadata: { name: `mlflow-db-${identity}`, namespace: "vision" },
        spec: { path: `ml-dev-database/creds/dev-vision-${identity}`, method: "GET" },
      });
      expect(generator.spec.provider.auth.kubernetes).toEqual({ mountPath: "kubernetes", role: `dev-vision-${identity}`, serviceAccountRef: { name: identity, audiences: ["vault"] } });
    }
    expect(eso.secretNames.vision).toEqual({ training: ["mlflow-db-training-credentials"], serving: ["mlflow-db-serving-credentials"] });
  });

  it("replaces each credential at three quarters of its lease, and never later than four minutes before it ends", () => {
    const training = object(`${ESO}:ExternalSecret`, "eso-vision-mlflow-db-training");
    expect(training.spec).toMatchObject({ refreshInterval: "2700s", target: { name: "mlflow-db-training-credentials", creationPolicy: "Owner" } });
    expect(training.spec.dataFrom[0].sourceRef.generatorRef).toEqual({ apiVersion: "generators.external-secrets.io/v1alpha1", kind: "VaultDynamicSecret", name: "mlflow-db-training" });
    // 900 s lease: three quarters would be 675 s, but the controller and the kubelet may need 240 s.
    expect(object(`${ESO}:ExternalSecret`, "eso-vision-mlflow-db-serving").spec.refreshInterval).toBe("660s");
  });

  it("produces objects valid against the published External Secrets CRD schemas", () => {
    const objects = created.filter((resource) => /external-secrets\.io/.test(resource.type)).map((resource) => resource.inputs as K8sObject);
    expect(objects.map((o) => o.kind).sort()).toEqual(["ExternalSecret", "ExternalSecret", "SecretStore", "VaultDynamicSecret", "VaultDynamicSecret"]);
    for (const item of objects) expect(() => validateKubernetesObject(item)).not.toThrow();
  });

  it("installs the operator pinned and hardened, ignoring cluster-wide stores", () => {
    const release = single(created, "kubernetes:helm.sh/v3:Release", "eso-operator").inputs as Record<string, any>;
    expect(release).toMatchObject({ chart: "external-secrets", version: "2.9.0", repositoryOpts: { repo: "https://charts.external-secrets.io" }, namespace: "external-secrets" });
    for (const component of [release.values, release.values.webhook, release.values.certController]) {
      expect(component.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
      expect(component.resources.limits).toEqual({ cpu: "200m", memory: "256Mi" });
    }
    expect(release.values).toMatchObject({ processClusterStore: false, processClusterExternalSecret: false });
  });

  it("locks the operator's namespace down like a team namespace", () => {
    const namespace = object("kubernetes:core/v1:Namespace", "eso-operator-namespace");
    expect(namespace.metadata).toMatchObject({ name: "external-secrets", labels: { "pod-security.kubernetes.io/enforce": "restricted" } });
    expect(object("kubernetes:core/v1:ResourceQuota", "eso-operator-quota").spec.hard["requests.nvidia.com/gpu"]).toBe("0");
    expect(object("kubernetes:networking.k8s.io/v1:NetworkPolicy", "eso-operator-default-deny-all").spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    expect(object("kubernetes:networking.k8s.io/v1:NetworkPolicy", "eso-operator-allow-egress-vault").spec.egress).toEqual([{ to: [{ ipBlock: { cidr: "10.0.200.0/28" } }], ports: [{ protocol: "TCP", port: 8200 }] }]);
  });
});
