/** The pod-template walker on the workload CRDs: which templates it finds, and what it cannot read. Upstream facts: test/policies/workloadsCrdKinds.test.ts. */
import { podTemplatesOf } from "../../../policypacks/ml-guard/lib/kubernetes";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const container = (name: string) => ({ name, image: "registry.example.com/app@sha256:" + "a".repeat(64) });
const template = (name = "main") => ({ metadata: { labels: { app: name } }, spec: { containers: [container(name)] } });
const paths = (type: string, props: Record<string, unknown>) => podTemplatesOf(type, props).map((view) => view.containers.map((c) => `${c.list}:${c.path}`));

describe("workload CRDs", () => {
  it("reads a LeaderWorkerSet's leader template when given, and always its worker template", () => {
    const lws = "kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet";
    expect(paths(lws, { spec: { leaderWorkerTemplate: { leaderTemplate: template(), workerTemplate: template() } } })).toEqual([
      ["containers:spec.leaderWorkerTemplate.leaderTemplate.spec.containers[0]"],
      ["containers:spec.leaderWorkerTemplate.workerTemplate.spec.containers[0]"],
    ]);
    expect(paths(lws, { spec: { leaderWorkerTemplate: { workerTemplate: template() } } })).toHaveLength(1);
  });

  it("reads a RayCluster's head and every worker group; a RayJob's cluster and submitter; a RayJob on an existing cluster has none", () => {
    const cluster = { headGroupSpec: { template: template() }, workerGroupSpecs: [{ groupName: "gpu", template: template() }, { groupName: "cpu", template: template() }] };
    expect(podTemplatesOf("kubernetes:ray.io/v1:RayCluster", { spec: cluster }).map((view) => view.specPath)).toEqual([
      "spec.headGroupSpec.template.spec", "spec.workerGroupSpecs[0].template.spec", "spec.workerGroupSpecs[1].template.spec",
    ]);
    expect(podTemplatesOf("kubernetes:ray.io/v1:RayJob", { spec: { rayClusterSpec: cluster, submitterPodTemplate: template() } }).map((view) => view.specPath)).toEqual([
      "spec.rayClusterSpec.headGroupSpec.template.spec", "spec.rayClusterSpec.workerGroupSpecs[0].template.spec", "spec.rayClusterSpec.workerGroupSpecs[1].template.spec", "spec.submitterPodTemplate.spec",
    ]);
    expect(podTemplatesOf("kubernetes:ray.io/v1:RayJob", { spec: { clusterSelector: { "ray.io/cluster": "shared" }, submissionMode: "HTTPMode" } })).toEqual([]);
  });

  it("reads a ServingRuntime's inlined pod spec, its labels and annotations, and a multi-node runtime's workerSpec", () => {
    const views = podTemplatesOf("kubernetes:serving.kserve.io/v1alpha1:ServingRuntime", {
      spec: { labels: { a: "1" }, containers: [container("kserve-container")], workerSpec: { containers: [container("worker")] } },
    });
    expect(views.map((view) => [view.metadataPath, view.metadata.labels, view.containers.map((c) => c.path)])).toEqual([
      ["spec", { a: "1" }, ["spec.containers[0]"]],
      ["spec.workerSpec", undefined, ["spec.workerSpec.containers[0]"]],
    ]);
  });

  it("gives a Notebook's pod the Notebook's labels but not its annotations (the controller copies only labels)", () => {
    const [view] = podTemplatesOf("kubernetes:kubeflow.org/v1:Notebook", { metadata: { labels: { team: "vision" }, annotations: { note: "x" } }, spec: { template: { spec: { containers: [container("nb")] } } } });
    expect(view).toMatchObject({ metadataPath: "metadata", metadata: { labels: { team: "vision" } }, specPath: "spec.template.spec" });
    expect(view.metadata.annotations).toBeUndefined();
  });

  it("still reads the replica specs of the other kubeflow.org jobs", () => {
    expect(paths("kubernetes:kubeflow.org/v1:PyTorchJob", { spec: { pytorchReplicaSpecs: { Worker: { template: template() } } } })).toEqual([["containers:spec.pytorchReplicaSpecs.Worker.template.spec.containers[0]"]]);
  });

  it("reads extensions/v1beta1 and apps/v1beta2 workloads, an OpenShift DeploymentConfig and a core PodTemplate", () => {
    for (const type of ["kubernetes:extensions/v1beta1:DaemonSet", "kubernetes:apps/v1beta2:Deployment", "kubernetes:apps.openshift.io/v1:DeploymentConfig"]) {
      expect(paths(type, { spec: { template: template() } })).toEqual([["containers:spec.template.spec.containers[0]"]]);
    }
    expect(paths("kubernetes:core/v1:PodTemplate", { template: template() })).toEqual([["containers:template.spec.containers[0]"]]);
  });
});

describe("Argo workflows", () => {
  const WF = "kubernetes:argoproj.io/v1alpha1:Workflow";

  it("makes one pod per container, script or containerSet template, and none for steps, dag, suspend or resource templates", () => {
    const spec = {
      templates: [
        { name: "main", steps: [[{ name: "a", template: "a" }]] },
        { name: "d", dag: { tasks: [] } },
        { name: "wait", suspend: {} },
        { name: "r", resource: { action: "create", manifest: "kind: ConfigMap" } },
        { name: "a", container: container("ignored-name"), initContainers: [container("init")], sidecars: [container("side")] },
        { name: "s", script: { image: "python@sha256:" + "b".repeat(64), source: "print(1)" } },
        { name: "c", containerSet: { containers: [container("x"), container("y")] } },
      ],
    };
    expect(paths(WF, { spec })).toEqual([
      ["containers:spec.templates[4].container", "initContainers:spec.templates[4].initContainers[0]", "containers:spec.templates[4].sidecars[0]"],
      ["containers:spec.templates[5].script"],
      ["containers:spec.templates[6].containerSet.containers[0]", "containers:spec.templates[6].containerSet.containers[1]"],
    ]);
    expect(podTemplatesOf(WF, { spec }).map((view) => view.containers[0].name)).toEqual(["ignored-name", "main", "x"]);
  });

  it("resolves pod fields as Argo does: the template's, else templateDefaults', else the workflow's; volumes of all three", () => {
    const workflowContext = { runAsNonRoot: true };
    const templateContext = { runAsNonRoot: false };
    const spec = {
      securityContext: workflowContext, serviceAccountName: "training", volumes: [{ name: "w", emptyDir: {} }],
      templateDefaults: { automountServiceAccountToken: false },
      podMetadata: { labels: { team: "vision", step: "any" } },
      templates: [
        { name: "inherits", container: container("a"), metadata: { labels: { step: "a" } } },
        { name: "own", container: container("b"), securityContext: templateContext, serviceAccountName: "serving", volumes: [{ name: "t", emptyDir: {} }] },
      ],
    };
    const [inherits, own] = podTemplatesOf(WF, { spec });
    expect(inherits.spec).toMatchObject({ securityContext: workflowContext, serviceAccountName: "training", automountServiceAccountToken: false });
    expect(inherits.metadata.labels).toEqual({ team: "vision", step: "a" });
    expect(own.spec).toMatchObject({ securityContext: templateContext, serviceAccountName: "serving" });
    expect((own.spec.volumes as { name: string }[]).map((volume) => volume.name)).toEqual(["w", "t"]);
  });

  it("reads a CronWorkflow's workflowSpec", () => {
    expect(paths("kubernetes:argoproj.io/v1alpha1:CronWorkflow", { spec: { workflowSpec: { templates: [{ name: "a", container: container("a") }] } } })).toEqual([["containers:spec.workflowSpec.templates[0].container"]]);
  });

  it("marks podSpecPatch, at the workflow or the template, as a part no rule can read", () => {
    const [view] = podTemplatesOf(WF, { spec: { podSpecPatch: "{}", templates: [{ name: "a", container: container("a"), podSpecPatch: '{"hostNetwork": true}' }] } });
    expect(view.uncheckedParts?.map((part) => part.path)).toEqual(["spec.podSpecPatch", "spec.templates[0].podSpecPatch"]);
  });

  it("reports unknown templates, lists and containers as unknown parts", () => {
    expect(podTemplatesOf(WF, { spec: { templates: UNKNOWN } }).map((view) => view.unknownPaths)).toEqual([["spec.templates"]]);
    expect(podTemplatesOf(WF, { spec: { templates: [UNKNOWN] } }).map((view) => view.unknownPaths)).toEqual([["spec.templates[0]"]]);
    const [view] = podTemplatesOf(WF, { spec: { templates: [{ name: "a", container: UNKNOWN, sidecars: UNKNOWN }] } });
    expect(view.unknownPaths).toEqual(expect.arrayContaining(["spec.templates[0].container", "spec.templates[0].sidecars"]));
  });
});

describe("unknown and malformed parts", () => {
  it.each([
    ["kubernetes:jobset.x-k8s.io/v1alpha2:JobSet", { replicatedJobs: UNKNOWN }, "spec.replicatedJobs"],
    ["kubernetes:jobset.x-k8s.io/v1alpha2:JobSet", { replicatedJobs: [{ name: "a", template: UNKNOWN }] }, "spec.replicatedJobs[0]"],
    ["kubernetes:trainer.kubeflow.org/v1alpha1:TrainingRuntime", { template: UNKNOWN }, "spec.template"],
    ["kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet", { leaderWorkerTemplate: UNKNOWN }, "spec.leaderWorkerTemplate"],
    ["kubernetes:ray.io/v1:RayService", { rayClusterConfig: UNKNOWN }, "spec.rayClusterConfig"],
    ["kubernetes:ray.io/v1:RayCluster", { headGroupSpec: UNKNOWN }, "spec.headGroupSpec"],
    ["kubernetes:kubeflow.org/v1:Notebook", { template: UNKNOWN }, "spec.template"],
  ])("%s with %j is one template unknown at %s, never none", (type, spec, path) => {
    const views = podTemplatesOf(type, { spec });
    expect(views.flatMap((view) => view.unknownPaths)).toContain(path);
  });

  it.each([
    ["kubernetes:apps/v1:Deployment", { spec: {} }, "spec.template", "the pod template is missing"],
    ["kubernetes:apps/v1:Deployment", { spec: { template: "pod" } }, "spec.template", "the pod template is a string, not an object"],
    ["kubernetes:core/v1:Pod", { spec: ["main"] }, "spec", "the pod spec is a list, not an object"],
    ["kubernetes:core/v1:Pod", { spec: { containers: { name: "main" } } }, "spec.containers", "containers is an object, not a list of containers"],
    ["kubernetes:core/v1:Pod", { spec: { containers: [] } }, "spec.containers", "the pod spec lists no containers"],
    ["kubernetes:core/v1:Pod", { spec: { containers: [container("a")], initContainers: ["busybox"] } }, "spec.initContainers[0]", 'this entry of initContainers is "busybox", not a container'],
    ["kubernetes:ray.io/v1:RayCluster", { spec: { headGroupSpec: {} } }, "spec.headGroupSpec.template", "the pod template is missing"],
  ])("%s %j is malformed at %s", (type, props, path, problem) => {
    expect(podTemplatesOf(type, props).flatMap((view) => view.malformedParts ?? [])).toEqual([{ path, problem }]);
  });

  it("does not call an InferenceService component or an Argo template without its own containers list malformed", () => {
    const isvc = podTemplatesOf("kubernetes:serving.kserve.io/v1beta1:InferenceService", { spec: { predictor: { model: { modelFormat: { name: "sklearn" } } } } });
    const argo = podTemplatesOf("kubernetes:argoproj.io/v1alpha1:Workflow", { spec: { templates: [{ name: "a", container: container("a") }] } });
    expect([...isvc, ...argo].flatMap((view) => view.malformedParts ?? [])).toEqual([]);
  });
});
