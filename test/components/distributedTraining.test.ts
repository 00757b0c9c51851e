import * as pulumi from "@pulumi/pulumi";
import { installRecordingMocks, settle, single, valueOf } from "../support/pulumiMocks";
import { validateResource } from "../support/policyArgs";
import { describeWithShared } from "../support/upstream";
import { upstreamCrdProblems } from "../support/upstreamCrdSchema";

const created = installRecordingMocks();

import { MeshAuth, TeamNamespace, TrainingJob } from "../../components";
import { policies } from "../../policypacks/ml-guard/policies";

/**
 * Distributed training across the three places that must agree: the team NetworkPolicies
 * (TeamNamespace), the training-peers AuthorizationPolicy (MeshAuth) and the training pods (TrainingJob).
 */
const team = new TeamNamespace("vision", {
  group: "ml-vision", environment: "dev", dataClassification: "internal",
  quota: { cpu: "16", memory: "64Gi", gpu: 2, pvcs: 10, storage: "1Ti", pods: 50 },
  containerDefaults: { cpuRequest: "250m", cpuLimit: "1", memoryRequest: "512Mi", memoryLimit: "2Gi" },
  podSecurityVersion: "v1.35", meshIngressNamespace: "istio-ingress",
});
const mesh = new MeshAuth("mesh", {
  ingressNamespace: "istio-ingress", ingressGatewayServiceAccount: "istio-ingressgateway",
  jwt: { issuer: "https://login.example.com", jwksUri: "https://login.example.com/jwks.json", audiences: ["ml"] },
  teams: [{ name: "vision", namespace: team.namespaceName }],
});
new TrainingJob("resnet", {
  team: "vision", namespace: team.namespaceName, name: "resnet", workers: 3, gpu: 1,
  image: `123456789012.dkr.ecr.us-west-2.amazonaws.com/ml/train@sha256:${"c".repeat(64)}`, command: ["torchrun", "train.py"],
});

type Replica = { template: { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: any } };
const job = () => single(created, "kubernetes:kubeflow.org/v1:PyTorchJob", "resnet").inputs as { spec: { pytorchReplicaSpecs: Record<string, Replica> } };
const replicas = () => Object.entries(job().spec.pytorchReplicaSpecs);
const networkPolicy = (name: string) => (single(created, "kubernetes:networking.k8s.io/v1:NetworkPolicy", `vision-${name}`).inputs as { spec: any }).spec;
const ports = (list: string) => list.split(",").map(Number);
const COLLECTIVE = Array.from({ length: 1024 }, (_, index) => 40000 + index);

beforeAll(async () => {
  await valueOf(pulumi.all([team.namespaceName, mesh.urn]));
  await settle();
});

describe("rendezvous", () => {
  it("runs workers only, rendezvousing through torchrun's c10d store on the first worker", () => {
    // FACT: with a Master replica the training operator appends its `init-pytorch` container (image
    // from --pytorch-init-container-image, alpine:3.10 in the released manifests, no securityContext)
    // to every Worker pod; without a Master it adds none ("There is no need to set init container if no
    // master is specified"). kubeflow/training-operator v1.9.0 pkg/controller.v1/pytorch/initcontainer.go
    // setInitContainer. Pod Security restricted refuses a container without seccomp, runAsNonRoot and
    // dropped capabilities, so a Master would keep every worker from starting.
    // FACT: with an elasticPolicy the operator sets PET_RDZV_ENDPOINT=<job>-worker-0:<rdzvPort> and, with
    // no min/max replicas, PET_NNODES=<worker replicas>, and creates no autoscaler without metrics
    // (pkg/controller.v1/pytorch/elastic.go generateEnvRDZVEndpoint, generateEnvNnodes; hpa.go), v1.9.0.
    const spec = job().spec as unknown as { elasticPolicy: Record<string, unknown>; pytorchReplicaSpecs: Record<string, { replicas: number }> };
    expect(Object.keys(spec.pytorchReplicaSpecs)).toEqual(["Worker"]);
    expect(spec.pytorchReplicaSpecs.Worker.replicas).toBe(3);
    expect(spec.elasticPolicy).toEqual({ rdzvBackend: "c10d", rdzvPort: 29500 });
  });

  it("starts the sidecar before the trainer and lets the pod finish when it does (a native sidecar)", () => {
    for (const [, replica] of replicas()) expect(replica.template.metadata.annotations["sidecar.istio.io/nativeSidecar"]).toBe("true");
  });

  it("names the rendezvous port as the training operator requires, on the port the team opens between training pods", () => {
    // FACT: the training operator reads MASTER_PORT only from the container "pytorch" port named
    // `pytorchjob-port` (getPortFromPyTorchJob); when no port has that name its defaulting webhook adds
    // pytorchjob-port 23456 (setPyTorchDefaultPort), so any other name makes ranks rendezvous on 23456.
    // kubeflow/training-operator pkg/controller.v1/pytorch/envvar.go, pkg/apis/kubeflow.org/v1/
    // pytorch_defaults.go and pytorch_types.go (PyTorchJobDefaultPortName, PyTorchJobDefaultPort), v1.9.0.
    const rendezvous = networkPolicy("allow-training-rendezvous").ingress[0].ports.map((port: { port: number }) => port.port);
    for (const [role, replica] of replicas()) {
      const container = replica.template.spec.containers.find((candidate: { name: string }) => candidate.name === "pytorch");
      expect([role, container.ports]).toEqual([role, [{ name: "pytorchjob-port", containerPort: 29500, protocol: "TCP" }]]);
      expect(rendezvous).toContain(container.ports[0].containerPort);
    }
  });

  it("stays in the mesh: mTLS, and training-peers admits only the team's training identity on that port", () => {
    const peers = (single(created, "kubernetes:security.istio.io/v1:AuthorizationPolicy", "mesh-vision-training-peers").inputs as { spec: any }).spec;
    expect(peers).toEqual({
      selector: { matchLabels: { "mlops.io/role": "training" } },
      action: "ALLOW",
      rules: [{ from: [{ source: { principals: ["cluster.local/ns/vision/sa/training"] } }], to: [{ operation: { ports: ["29500"] } }] }],
    });
    for (const [, replica] of replicas()) expect(ports(replica.template.metadata.annotations["traffic.sidecar.istio.io/excludeInboundPorts"])).not.toContain(29500);
  });
});

describe("collective traffic (NCCL, Gloo)", () => {
  // FACT: NCCL binds its bootstrap and socket-transport listeners to port 0 unless NCCL_COMM_ID forces
  // the root's port (NVIDIA/nccl src/misc/socket.cc ncclSocketListen: "addr port should be 0 (Any port)",
  // v2.30.7-1), and Linux picks such ports from net.ipv4.ip_local_port_range (ip(7)), a per-pod sysctl
  // Kubernetes counts as safe (kubernetes/kubernetes pkg/kubelet/sysctl/safe_sysctls.go) and Pod Security
  // restricted allows.
  it("makes the kernel pick every listening port inside the range the NetworkPolicy opens", () => {
    const open = networkPolicy("allow-training-collectives");
    const [range] = open.ingress[0].ports;
    expect(open.egress[0].ports).toEqual([range]);
    for (const [role, replica] of replicas()) {
      expect([role, replica.template.spec.securityContext.sysctls]).toEqual([role, [{ name: "net.ipv4.ip_local_port_range", value: `${range.port} ${range.endPort}` }]]);
    }
  });

  it("opens that range only between the team's training pods", () => {
    const open = networkPolicy("allow-training-collectives");
    const training = { matchLabels: { "mlops.io/role": "training" } };
    expect([open.podSelector, open.ingress[0].from, open.egress[0].to]).toEqual([training, [{ podSelector: training }], [{ podSelector: training }]]);
    for (const [, replica] of replicas()) expect(replica.template.metadata.labels["mlops.io/role"]).toBe("training");
  });

  it("keeps the range out of the sidecar, both ways, port by port", () => {
    // FACT: unless outboundTrafficPolicy is ALLOW_ANY (the platform sets REGISTRY_ONLY), a connection the
    // sidecar cannot match to a registered service, such as one to a pod IP on a port no Service declares,
    // goes to the BlackHole cluster (istio/istio pilot/pkg/networking/core/listener_builder.go, tag 1.30.0);
    // rank-to-rank NCCL connections are exactly that, so the sidecar
    // must not capture them outbound, and then not inbound either (STRICT mTLS would refuse the plain text).
    // FACT: Istio accepts these annotations only as comma-separated single ports (no ranges):
    // istio/istio pkg/kube/inject/validate.go validatePortList/parsePort and cni/pkg/plugin/sidecar_redirect.go
    // validatePortList, tag 1.30.0; each becomes one iptables RETURN rule (tools/istio-iptables/pkg/capture/run.go).
    const open = networkPolicy("allow-training-collectives").ingress[0].ports[0];
    for (const [, replica] of replicas()) {
      const annotations = replica.template.metadata.annotations;
      for (const key of ["traffic.sidecar.istio.io/excludeInboundPorts", "traffic.sidecar.istio.io/excludeOutboundPorts"]) {
        expect(annotations[key]).toMatch(/^\d+(,\d+)*$/);
        expect(ports(annotations[key])).toEqual(COLLECTIVE);
      }
      expect([open.port, open.endPort]).toEqual([COLLECTIVE[0], COLLECTIVE[COLLECTIVE.length - 1]]);
    }
  });

  it("leaves the training pods compliant with every ml-guard workload rule (the sysctl is in the safe set)", () => {
    const workloadRules = policies.map((policy) => policy.name).filter((name) => name.startsWith("pod-"));
    expect(workloadRules).toContain("pod-restrict-sysctls");
    const findings = workloadRules.flatMap((name) => validateResource(name, "kubernetes:kubeflow.org/v1:PyTorchJob", job() as never).map((finding) => `${name}: ${finding.message}`));
    expect(findings).toEqual([]);
    const unsafe = structuredClone(job());
    unsafe.spec.pytorchReplicaSpecs.Worker.template.spec.securityContext.sysctls = [{ name: "net.core.somaxconn", value: "1024" }];
    expect(validateResource("pod-restrict-sysctls", "kubernetes:kubeflow.org/v1:PyTorchJob", unsafe as never)).toHaveLength(1);
  });
});

describeWithShared("the PyTorchJob against the training operator's CRD (v1.9.0)", ["upstream/training-operator/manifests_base_crds_kubeflow.org_pytorchjobs.yaml"], () => {
  it("fits the schema, with no field the API server would drop", () => {
    const object = single(created, "kubernetes:kubeflow.org/v1:PyTorchJob", "resnet").inputs;
    expect(upstreamCrdProblems(object)).toEqual([]);
  });
});
