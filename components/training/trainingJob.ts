import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LABELS, MANAGED_BY, WORKLOAD_ROLES } from "../tenancy/labels";
import { credentialFiles } from "../kubernetes/credentialFiles";
import { NATIVE_SIDECAR_ANNOTATIONS } from "../mesh/sidecar";
import { CONTAINER_SECURITY_CONTEXT, POD_SECURITY_CONTEXT } from "../kubernetes/securityContexts";
import { COLLECTIVE_PORT_SYSCTL, COLLECTIVE_SIDECAR_ANNOTATIONS } from "../tenancy/trainingTraffic";
import { lineageAnnotations, lineageEnv, lineageProblems, type TrainingLineage, type TrainingLineageArgs } from "./lineage";

export interface TrainingJobArgs {
  team: string;
  namespace: pulumi.Input<string>;
  /** Job name (DNS label). */
  name: string;
  /** Training image, pinned by digest. */
  image: string;
  /**
   * The launch command, a `torchrun` invocation (e.g. `["torchrun", "-m", "train"]`): the operator
   * gives torchrun its rendezvous endpoint and node count (PET_RDZV_ENDPOINT, PET_NNODES), and
   * torchrun gives each process RANK, WORLD_SIZE and MASTER_ADDR/PORT.
   */
  command: string[];
  /** Pods (torchrun nodes); the first also hosts the rendezvous. Default 2. */
  workers?: number;
  cpu?: string;
  memory?: string;
  /** GPUs per replica. Default 0. */
  gpu?: number;
  /**
   * Credential Secrets External Secrets keeps fresh (e.g. mlflow-db-training-credentials), mounted
   * read-only at /var/run/secrets/mlops/<secret>/<key>. Read them at each new connection. AWS access
   * needs none: the training service account assumes its IAM role through IRSA.
   */
  credentialSecrets?: pulumi.Input<string[]>;
  /** Keep the job suspended, as a template a team resumes with `kubectl patch`. Default true. */
  suspend?: boolean;
  /** Default `training`. */
  serviceAccount?: string;
  /**
   * torch.distributed rendezvous port (the c10d store on the first worker), one of the team's
   * trainingPorts, which the team NetworkPolicy and the training-peers AuthorizationPolicy open
   * between training pods. Default 29500.
   */
  port?: number;
  /**
   * The dataset version the job reads and where it writes the artifact: recorded on the job
   * (mlops.io/dataset, mlops.io/dataset-version, mlops.io/artifact), given to the training code as
   * MLOPS_DATASET_URI, MLOPS_DATASET_VERSION, MLOPS_ARTIFACT_URI, and output as `lineage` for the
   * approval of the artifact it produces. Omit for a job whose output is never served.
   */
  lineage?: TrainingLineageArgs;
}

const DEFAULTS = { workers: 2, cpu: "4", memory: "16Gi", gpu: 0, suspend: true, serviceAccount: "training", port: 29500 } as const;

/**
 * A distributed PyTorch training job (Kubeflow PyTorchJob) that passes every ml-guard rule by
 * construction: training ServiceAccount, restricted security context, read-only root (scratch and
 * /dev/shm as emptyDirs), digest-pinned image, Guaranteed resources with GPU limits, credentials only
 * as mounted files. Suspended by default: a template the team resumes.
 *
 * Workers only, with torchrun's c10d rendezvous on the first worker (an elastic policy of fixed
 * size): with a Master replica the training operator adds an `init-pytorch` container of its own
 * image and no security context to every worker, which Pod Security restricted refuses.
 */
export class TrainingJob extends pulumi.ComponentResource {
  /** What an approval of this job's artifact names as its lineage; undefined without `lineage`. */
  readonly lineage: pulumi.Output<TrainingLineage | undefined>;

  constructor(name: string, args: TrainingJobArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = [
      !/^[^@\s]+@sha256:[a-f0-9]{64}$/.test(args.image) && `image ${JSON.stringify(args.image)} must be pinned by digest (registry/repository@sha256:<64 hex>)`,
      ...(args.lineage ? lineageProblems(args.lineage) : []),
    ].filter((problem): problem is string => typeof problem === "string");
    if (problems.length > 0) throw new Error(`TrainingJob ${name}: ${problems.join("; ")}`);
    super("secure-ml:training:TrainingJob", name, {}, opts);
    const settings = { ...DEFAULTS, ...Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined)) } as typeof DEFAULTS & TrainingJobArgs;
    const labels = { [LABELS.workloadRole]: WORKLOAD_ROLES.training, [LABELS.team]: args.team, [LABELS.managedBy]: MANAGED_BY };
    const amounts: Record<string, string> = { cpu: settings.cpu, memory: settings.memory, ...(settings.gpu > 0 ? { "nvidia.com/gpu": String(settings.gpu) } : {}) };
    const credentials = pulumi.output(args.credentialSecrets ?? []).apply(credentialFiles);
    const replica = (replicas: number) => ({
      replicas,
      restartPolicy: "OnFailure",
      template: {
        // NCCL/Gloo listen inside COLLECTIVE_PORTS, which the sidecar leaves alone (see tenancy/trainingTraffic).
        metadata: { labels, annotations: { ...COLLECTIVE_SIDECAR_ANNOTATIONS, ...NATIVE_SIDECAR_ANNOTATIONS } },
        spec: {
          serviceAccountName: settings.serviceAccount,
          automountServiceAccountToken: false,
          securityContext: { ...POD_SECURITY_CONTEXT, sysctls: [COLLECTIVE_PORT_SYSCTL] },
          containers: [{
            // The training operator requires this container name.
            name: "pytorch",
            image: args.image,
            command: args.command,
            ...(args.lineage ? { env: lineageEnv(args.lineage) } : {}),
            // The training operator takes the rendezvous port only from a port of this name (else it adds 23456).
            ports: [{ name: "pytorchjob-port", containerPort: settings.port, protocol: "TCP" }],
            resources: { requests: amounts, limits: amounts },
            securityContext: CONTAINER_SECURITY_CONTEXT,
            volumeMounts: credentials.volumeMounts.apply((mounts) => [{ name: "scratch", mountPath: "/tmp" }, { name: "shm", mountPath: "/dev/shm" }, ...mounts]),
          }],
          // NCCL needs more shared memory than the runtime's default 64 MiB.
          volumes: credentials.volumes.apply((volumes) => [{ name: "scratch", emptyDir: {} }, { name: "shm", emptyDir: { medium: "Memory", sizeLimit: "8Gi" } }, ...volumes]),
        },
      },
    });
    new k8s.apiextensions.CustomResource(name, {
      apiVersion: "kubeflow.org/v1",
      kind: "PyTorchJob",
      metadata: { name: args.name, namespace: args.namespace, labels, annotations: lineageAnnotations(args.lineage) },
      spec: {
        runPolicy: { suspend: settings.suspend, cleanPodPolicy: "None", ttlSecondsAfterFinished: 86400 },
        // No min/max replicas: a fixed number of nodes (PET_NNODES = workers), no autoscaler.
        elasticPolicy: { rdzvBackend: "c10d", rdzvPort: settings.port },
        pytorchReplicaSpecs: { Worker: replica(settings.workers) },
      },
    }, { parent: this });
    const lineage = args.lineage;
    this.lineage = pulumi.output(args.namespace).apply((namespace) => (lineage ? { trainingJob: `${namespace}/${args.name}`, ...lineage } : undefined));
    this.registerOutputs({ lineage: this.lineage });
  }
}
