import {
  AdmissionPolicies, AuditTrail, EncryptedBucket, ExternalSecrets, kubernetesAuditPolicy, MeshAuth, ModelAlerts, ModelEndpoint,
  accessLogCollector, MeshAccessLogShipping, RuntimeDetection, SignedImages, TeamAwsRoles, TeamNamespace, teamBucketPrefix, VaultAccess, vaultAuditSocket, type AuditPolicy,
} from "@secure-ml-platform/components";
import { ApprovalAttestations, findApproval, type ModelApproval } from "@secure-ml-platform/components";
import * as pulumi from "@pulumi/pulumi";
import type { DataClassification, PlatformConfig } from "../config/schema";
import { dataClassifications } from "../config/schema";
import { stackApprovals } from "./approvals";

/** Everything one environment needs, as validated by the stack config schema, with credentials as Pulumi secrets. */
export type MlPlatformArgs = Omit<PlatformConfig, "vaultToken" | "databasePassword"> & {
  /** Password of vault.database.username: pass a Pulumi secret. */
  databasePassword?: pulumi.Input<string>;
};

export interface BucketOutputs {
  name: pulumi.Output<string>;
  arn: pulumi.Output<string>;
  keyArn: pulumi.Output<string>;
}

export interface TeamOutputs {
  namespace: pulumi.Output<string>;
  trainingServiceAccount: pulumi.Output<string>;
  servingServiceAccount: pulumi.Output<string>;
  /** The team's key prefix in the datasets and model-artifacts buckets. */
  bucketPrefix: string;
  /** Per service account (`training`, `serving`): Secrets External Secrets keeps fresh, to mount as files (empty without Vault). */
  credentialSecrets: Record<string, string[]>;
  /** IAM role per service account (`training`, `serving`) assumed through IRSA (empty without awsWorkloadIdentity). */
  awsRoleArns: Record<string, pulumi.Output<string>>;
}

/** The most sensitive classification wins for storage shared by several teams. */
function highestClassification(levels: DataClassification[]): DataClassification {
  return levels.reduce((highest, level) =>
    dataClassifications.indexOf(level) > dataClassifications.indexOf(highest) ? level : highest, "internal");
}

/** Builds one environment of the platform: encrypted storage and a namespace per team. */
export class MlPlatform extends pulumi.ComponentResource {
  readonly datasets: EncryptedBucket;
  readonly artifacts: EncryptedBucket;
  readonly accessLogs: EncryptedBucket;
  readonly teams: Record<string, TeamOutputs> = {};
  readonly vault?: VaultAccess;
  readonly externalSecrets?: ExternalSecrets;
  readonly mesh?: MeshAuth;
  readonly models: ModelEndpoint[] = [];
  /** The stack's model approvals, each with its approver's teams: recorded on the endpoints they approve, and exported. */
  readonly approvals: ModelApproval[];
  readonly auditTrail: AuditTrail;
  /** The Kubernetes API server audit policy for these teams (a file for self-managed clusters). */
  readonly kubernetesAuditPolicy: AuditPolicy;

  constructor(name: string, args: MlPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-ml:platform:MlPlatform", name, {}, opts);
    const parent = { parent: this };
    this.approvals = stackApprovals(args.approvals, args.approvers);
    const storage = args.storage;
    const baseTags = { Environment: args.environment, ManagedBy: "secure-ml-platform", "mlops.io/owner": args.owner };
    const sharedClassification = highestClassification(args.teams.map((team) => team.dataClassification));
    const keySettings = {
      keyAdministratorArns: storage.keyAdministratorArns,
      keyUserArns: storage.keyUserArns,
      kmsDeletionWindowDays: storage.kmsDeletionWindowDays,
      kmsRotationPeriodDays: storage.kmsRotationPeriodDays,
    };

    this.accessLogs = new EncryptedBucket(`${name}-access-logs`, {
      ...keySettings,
      receivesAccessLogs: true,
      expireObjectsAfterDays: storage.accessLogRetentionDays,
      noncurrentVersionRetentionDays: storage.accessLogRetentionDays,
      tags: { ...baseTags, "mlops.io/bucket-role": "access-logs", "mlops.io/data-classification": sharedClassification },
    }, parent);
    const dataBucket = (role: string, extra: Partial<ConstructorParameters<typeof EncryptedBucket>[1]>) =>
      new EncryptedBucket(`${name}-${role}`, {
        ...keySettings,
        ...extra,
        noncurrentVersionRetentionDays: storage.noncurrentVersionRetentionDays,
        accessLogs: { bucket: this.accessLogs.bucketName, prefix: `${role}/` },
        tags: { ...baseTags, "mlops.io/bucket-role": role, "mlops.io/data-classification": sharedClassification },
      }, parent);
    this.datasets = dataBucket("datasets", {});
    this.artifacts = dataBucket("model-artifacts", { objectLock: storage.artifactObjectLock });

    const k8s = args.kubernetes;
    // The config requires meshAccessLogs whenever a sink and an installed mesh are both set.
    const accessLogShipping = args.mesh?.install && args.securityEvents?.meshAccessLogs
      ? { collectorImage: args.securityEvents.meshAccessLogs.collectorImage, sink: args.securityEvents.sink }
      : undefined;
    const shippedTo = accessLogShipping ? accessLogCollector : undefined;
    const teamBuckets = pulumi.all([this.datasets.bucketArn, this.datasets.keyArn, this.artifacts.bucketArn, this.artifacts.keyArn])
      .apply(([datasetsArn, datasetsKey, artifactsArn, artifactsKey]) => ({ datasets: { bucketArn: datasetsArn, keyArn: datasetsKey }, artifacts: { bucketArn: artifactsArn, keyArn: artifactsKey } }));
    const namespaces: Record<string, TeamNamespace> = {};
    for (const team of args.teams) {
      // The namespace is named after the team, so its IAM roles can name their service accounts before it exists.
      const awsRoles = args.awsWorkloadIdentity && new TeamAwsRoles(`${name}-${team.name}-aws`, {
        team: team.name,
        namespace: team.name,
        oidcProvider: { arn: args.awsWorkloadIdentity.oidcProviderArn, issuerUrl: args.awsWorkloadIdentity.issuerUrl },
        buckets: teamBuckets,
        region: args.awsRegion,
        sessionDurationSeconds: args.awsWorkloadIdentity.sessionDurationSeconds,
        tags: baseTags,
      }, parent);
      const namespace = new TeamNamespace(team.name, {
        group: team.group,
        environment: args.environment,
        dataClassification: team.dataClassification,
        quota: team.quota,
        containerDefaults: team.containerDefaults,
        podSecurityVersion: k8s.podSecurityVersion,
        istioInjection: k8s.istioInjection,
        meshIngressNamespace: k8s.meshIngressNamespace,
        meshControlPlaneNamespace: k8s.meshControlPlaneNamespace,
        monitoringNamespace: k8s.monitoringNamespace,
        accessLogCollector: shippedTo,
        trainingPorts: k8s.trainingPorts,
        servingPort: k8s.servingPort,
        egress: k8s.egress,
        requireSignedImages: args.supplyChain !== undefined,
        awsRoleArns: awsRoles?.roleArns,
      }, parent);
      namespaces[team.name] = namespace;
      this.teams[team.name] = {
        namespace: namespace.namespaceName,
        trainingServiceAccount: namespace.trainingServiceAccountName,
        servingServiceAccount: namespace.servingServiceAccountName,
        bucketPrefix: teamBucketPrefix(team.name),
        credentialSecrets: {},
        awsRoleArns: awsRoles?.roleArns ?? {},
      };
    }
    if (args.vault) {
      const { topology, kubernetesCaCert, tokenReviewerNamespace, database, ...vaultConfig } = args.vault;
      this.vault = new VaultAccess(`${name}-vault`, {
        environment: args.environment,
        ...vaultConfig,
        topology: topology === "external" && kubernetesCaCert !== undefined
          ? { kind: "external", kubernetesCaCert, reviewerNamespace: tokenReviewerNamespace }
          : { kind: "in-cluster" },
        teams: args.teams.map((team) => ({ name: team.name, namespace: namespaces[team.name].namespaceName })),
        database: database && args.databasePassword !== undefined ? { ...database, password: args.databasePassword } : undefined,
        auditSocket: args.securityEvents && vaultAuditSocket(args.securityEvents.sink),
      }, parent);
      if (args.externalSecrets) {
        const eso = args.externalSecrets;
        const vaultAccess = this.vault;
        this.externalSecrets = new ExternalSecrets(`${name}-external-secrets`, {
          // The config schema requires both endpoints whenever externalSecrets is set.
          install: eso.install && k8s.apiServer && k8s.vaultEndpoint
            ? { chartVersion: eso.chartVersion, namespace: eso.namespace, environment: args.environment, podSecurityVersion: k8s.podSecurityVersion, apiServer: k8s.apiServer, vaultEndpoint: k8s.vaultEndpoint }
            : undefined,
          vaultAddress: vaultConfig.address,
          vaultAuthPath: vaultAccess.authPath,
          vaultAudience: vaultConfig.audience,
          teams: args.teams.map((team) => ({ name: team.name, namespace: namespaces[team.name].namespaceName, vault: vaultAccess.teams[team.name] })),
        }, parent);
        for (const [team, secretNames] of Object.entries(this.externalSecrets.secretNames)) this.teams[team].credentialSecrets = secretNames;
      }
    }
    this.auditTrail = new AuditTrail(`${name}-audit`, {
      environment: args.environment,
      region: args.awsRegion,
      dataBucketArns: [this.datasets.bucketArn, this.artifacts.bucketArn],
      accessLogBucket: this.accessLogs.bucketName,
      multiRegion: args.audit.multiRegion,
      retention: { mode: args.audit.lockMode, days: args.audit.retentionDays },
      keySettings,
      tags: baseTags,
    }, parent);
    this.kubernetesAuditPolicy = kubernetesAuditPolicy(args.teams.map((team) => team.name));

    if (args.supplyChain) {
      const chain = args.supplyChain;
      const signedImages = new SignedImages(`${name}-signed-images`, {
        // The config schema requires the API server endpoint whenever supplyChain.install is set.
        install: chain.install && k8s.apiServer
          ? { chartVersion: chain.chartVersion, namespace: chain.namespace, environment: args.environment, podSecurityVersion: k8s.podSecurityVersion, apiServer: k8s.apiServer, egress: chain.egress }
          : undefined,
        images: k8s.allowedImageRegistries.map((pattern) => `${pattern.replace(/\/$/, "")}/**`),
        authority: chain.authority,
      }, parent);
      if (chain.approvalAttestations) {
        // OCI models: the approval again at admission, as an attestation on the model image.
        new ApprovalAttestations(`${name}-approval-attestations`, chain.approvalAttestations, { parent: this, dependsOn: [signedImages] });
      }
    }

    if (k8s.admissionPolicies) {
      new AdmissionPolicies(`${name}-admission`, {
        allowedRegistries: k8s.allowedImageRegistries,
        allowedTokenServiceAccounts: k8s.allowedTokenServiceAccounts,
        exemptNamespaces: k8s.admissionExemptNamespaces,
      }, parent);
    }

    if (args.mesh) {
      const meshConfig = args.mesh;
      if (accessLogShipping) {
        new MeshAccessLogShipping(`${name}-access-logs`, {
          ...accessLogShipping,
          environment: args.environment,
          podSecurityVersion: k8s.podSecurityVersion,
          ingressNamespace: k8s.meshIngressNamespace,
        }, parent);
      }
      const mesh = new MeshAuth(`${name}-mesh`, {
        // The config schema requires the API server and JWKS endpoints whenever mesh.install is set.
        install: meshConfig.install && k8s.apiServer && meshConfig.jwksEndpoint
          ? { istioVersion: meshConfig.istioVersion, environment: args.environment, podSecurityVersion: k8s.podSecurityVersion, apiServer: k8s.apiServer, jwksEndpoint: meshConfig.jwksEndpoint, proxyImage: meshConfig.proxyImage,
            accessLogCollector: shippedTo }
          : undefined,
        rootNamespace: meshConfig.namespace,
        trustDomain: meshConfig.trustDomain,
        ingressNamespace: k8s.meshIngressNamespace,
        ingressGatewayServiceAccount: meshConfig.ingressGatewayServiceAccount,
        jwt: meshConfig.jwt,
        teams: args.teams.map((team) => ({ name: team.name, namespace: namespaces[team.name].namespaceName })),
        trainingPorts: k8s.trainingPorts,
        egress: k8s.egress,
      }, parent);
      this.mesh = mesh;
      for (const model of args.models) {
        this.models.push(new ModelEndpoint(`${name}-${model.team}-${model.name}`, {
          ...model,
          namespace: namespaces[model.team].namespaceName,
          artifactsBucket: this.artifacts.bucketName,
          port: k8s.servingPort,
          gatewayPrincipal: mesh.gatewayPrincipal,
          jwt: meshConfig.jwt,
          rateLimit: meshConfig.rateLimit,
          maxRequestBodyBytes: meshConfig.maxRequestBodyBytes,
          approval: findApproval(this.approvals, { team: model.team, name: model.name, artifactDigest: `sha256:${model.artifactSha256}` }),
          // The config requires modelVerification whenever models are served; manifests are signed by the images' authority.
          verification: { ...args.modelVerification!, authority: args.supplyChain?.authority },
        }, { parent: this, dependsOn: mesh.controlPlane }));
      }
    }
    if (args.runtimeDetection) {
      const detection = args.runtimeDetection;
      new RuntimeDetection(`${name}-runtime`, {
        chartVersion: detection.chartVersion,
        environment: args.environment,
        podSecurityVersion: k8s.podSecurityVersion,
        // FACT (prometheus-operator, pkg/alertmanager): the operator gives every Alertmanager the governing Service alertmanager-operated, web port 9093.
        alertmanagerUrl: detection.alertmanagerUrl ?? `http://alertmanager-operated.${k8s.monitoringNamespace}.svc:9093`,
        servingEgress: k8s.egress,
        credentialReaders: detection.credentialReaders,
        metricsScrapedFrom: detection.metrics ? k8s.monitoringNamespace : undefined,
        sink: args.securityEvents?.sink,
      }, parent);
    }
    if (args.alerts) {
      new ModelAlerts(`${name}-alerts`, {
        thresholds: args.alerts,
        rateLimit: args.mesh?.rateLimit,
        teams: args.teams.map((team) => ({
          name: team.name,
          namespace: namespaces[team.name].namespaceName,
          endpoints: args.models.filter((model) => model.team === team.name).map((model) => model.name),
        })),
      }, parent);
    }
    this.registerOutputs({});
  }
}
