import { describeContainer, givenSelectorIsEmpty, isKind, labelSelectorIsEmpty, kubernetesTypeToken, parseKubernetesType, podTemplatesOf, type ContainerView } from "../../../policypacks/ml-guard/lib/kubernetes";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const podSpec = { containers: [{ name: "main", image: "registry.example.com/app@sha256:" + "a".repeat(64) }] };

describe("parseKubernetesType", () => {
  it.each([
    ["kubernetes:apps/v1:Deployment", { group: "apps", version: "v1", kind: "Deployment" }],
    ["kubernetes:core/v1:Pod", { group: "", version: "v1", kind: "Pod" }],
    ["kubernetes:networking.k8s.io/v1:NetworkPolicy", { group: "networking.k8s.io", version: "v1", kind: "NetworkPolicy" }],
    ["kubernetes:security.istio.io/v1beta1:AuthorizationPolicy", { group: "security.istio.io", version: "v1beta1", kind: "AuthorizationPolicy" }],
  ])("%s", (type, expected) => {
    expect(parseKubernetesType(type)).toEqual(expected);
  });

  it.each([["aws:s3/bucket:Bucket"], ["xkubernetes:apps/v1:Deployment"], ["kubernetes:apps/v1:Deployment-x"], ["kubernetes:apps/v1"], ["kubernetes:helm.sh/v3:Release:extra"]])("%s is not a Kubernetes object type", (type) => {
    expect(parseKubernetesType(type)).toBeUndefined();
  });
});

describe("kubernetesTypeToken", () => {
  it("puts core objects in the core group", () => {
    expect(kubernetesTypeToken("v1", "Namespace")).toBe("kubernetes:core/v1:Namespace");
  });

  it("keeps a group/version as it is", () => {
    expect(kubernetesTypeToken("apps/v1", "Deployment")).toBe("kubernetes:apps/v1:Deployment");
  });
});

describe("isKind", () => {
  it("matches group and kind, not version", () => {
    expect(isKind("kubernetes:rbac.authorization.k8s.io/v1beta1:RoleBinding", "rbac.authorization.k8s.io", "RoleBinding")).toBe(true);
    expect(isKind("kubernetes:core/v1:Namespace", "", "Namespace")).toBe(true);
  });

  it.each([
    ["kubernetes:example.com/v1:Namespace", "", "Namespace"],
    ["kubernetes:core/v1:Service", "", "Namespace"],
    ["aws:s3/bucket:Bucket", "", "Bucket"],
  ])("%s is not %s/%s", (type, group, kind) => {
    expect(isKind(type, group, kind)).toBe(false);
  });
});

describe("describeContainer", () => {
  const view = (list: ContainerView["list"]): ContainerView => ({ list, name: "c", path: "p", container: {} });

  it.each([
    ["containers", 'container "c"'],
    ["initContainers", 'initContainer "c"'],
    ["ephemeralContainers", 'ephemeralContainer "c"'],
    ["model", 'model container "c"'],
  ] as const)("%s", (list, expected) => {
    expect(describeContainer(view(list))).toBe(expected);
  });
});

describe("podTemplatesOf", () => {
  it("reads a Pod's own spec", () => {
    const [pod] = podTemplatesOf("kubernetes:core/v1:Pod", { metadata: { name: "p", namespace: "vision" }, spec: podSpec });
    expect(pod).toMatchObject({ kind: "Pod", metadataPath: "metadata", specPath: "spec", namespace: "vision", unknownPaths: [] });
    expect(pod.containers.map((view) => view.path)).toEqual(["spec.containers[0]"]);
  });

  it.each([
    ["kubernetes:apps/v1:Deployment"],
    ["kubernetes:apps/v1:StatefulSet"],
    ["kubernetes:apps/v1:DaemonSet"],
    ["kubernetes:apps/v1:ReplicaSet"],
    ["kubernetes:core/v1:ReplicationController"],
    ["kubernetes:batch/v1:Job"],
  ])("reads the template of %s", (type) => {
    const views = podTemplatesOf(type, { spec: { template: { metadata: {}, spec: podSpec } } });
    expect(views.map((view) => view.specPath)).toEqual(["spec.template.spec"]);
  });

  it("reads a CronJob's job template", () => {
    const views = podTemplatesOf("kubernetes:batch/v1:CronJob", { spec: { jobTemplate: { spec: { template: { spec: podSpec } } } } });
    expect(views.map((view) => view.containers[0].path)).toEqual(["spec.jobTemplate.spec.template.spec.containers[0]"]);
  });

  it("reads every replica of a Kubeflow training job and nothing else of its spec", () => {
    const views = podTemplatesOf("kubernetes:kubeflow.org/v1:PyTorchJob", {
      spec: {
        runPolicy: { template: { spec: podSpec } },
        pytorchReplicaSpecs: { Master: { template: { spec: podSpec } }, Worker: { template: { spec: podSpec } } },
        elasticReplicaSpecs: "not-a-map",
      },
    });
    expect(views.map((view) => view.specPath)).toEqual(["spec.pytorchReplicaSpecs.Master.template.spec", "spec.pytorchReplicaSpecs.Worker.template.spec"]);
  });

  it("reads each InferenceService component with its model server as a container", () => {
    const views = podTemplatesOf("kubernetes:serving.kserve.io/v1beta1:InferenceService", {
      metadata: { namespace: "vision" },
      spec: { predictor: { sklearn: { storageUri: "s3://m" }, containers: [{ name: "side" }] }, transformer: { containers: [{}] }, explainer: "none" },
    });
    expect(views.map((view) => [view.specPath, view.containers.map((container) => `${container.list}:${container.name}:${container.path}`)])).toEqual([
      ["spec.predictor", ["containers:side:spec.predictor.containers[0]", "model:kserve-container:spec.predictor.sklearn"]],
      ["spec.transformer", ["containers:#0:spec.transformer.containers[0]"]],
    ]);
    expect(views[0]).toMatchObject({ metadataPath: "metadata", namespace: "vision" });
  });

  it.each([
    ["aws:s3/bucket:Bucket"],
    ["kubernetes:core/v1:ConfigMap"],
    ["kubernetes:example.com/v1:Pod"],
    ["kubernetes:argoproj.io/v1alpha1:Deployment"],
    ["kubernetes:example.com/v1:CronJob"],
    ["kubernetes:batch/v1:Pod"],
    ["kubernetes:example.com/v1:InferenceService"],
    ["kubernetes:serving.kserve.io/v1alpha1:TrainedModel"],
  ])("finds no pod template in %s", (type) => {
    const spec = { ...podSpec, template: { spec: podSpec }, jobTemplate: { spec: { template: { spec: podSpec } } }, predictor: { containers: podSpec.containers } };
    expect(podTemplatesOf(type, { spec })).toEqual([]);
  });

  it.each([
    [{ metadata: UNKNOWN, spec: podSpec }, ["spec.template.metadata"]],
    [UNKNOWN, ["spec.template"]],
    [{ spec: UNKNOWN }, ["spec.template.spec"]],
    [{ spec: { ...podSpec, securityContext: UNKNOWN } }, ["spec.template.spec.securityContext"]],
    [{ spec: { ...podSpec, volumes: UNKNOWN } }, ["spec.template.spec.volumes"]],
    [{ spec: { containers: UNKNOWN } }, ["spec.template.spec.containers"]],
    [{ spec: { ...podSpec, initContainers: [UNKNOWN] } }, ["spec.template.spec.initContainers[0]"]],
    [{ spec: { containers: [{ name: "main", securityContext: UNKNOWN }] } }, ["spec.template.spec.containers[0].securityContext"]],
  ])("template %j reports its unknown parts %j", (template, paths) => {
    const [view] = podTemplatesOf("kubernetes:apps/v1:Deployment", { spec: { template } });
    expect(view.unknownPaths).toEqual(paths);
  });
});

describe("label selectors", () => {
  it.each([
    ["a missing selector", undefined, true],
    ["{}", {}, true],
    ["empty matchLabels and matchExpressions", { matchLabels: {}, matchExpressions: [] }, true],
    ["a label", { matchLabels: { team: "vision" } }, false],
    ["an expression", { matchExpressions: [{ key: "team", operator: "Exists" }] }, false],
  ])("labelSelectorIsEmpty: %s", (_case, selector, expected) => {
    expect(labelSelectorIsEmpty(selector)).toBe(expected);
  });

  it.each([
    ["a missing selector (not given)", undefined, false],
    ["{}", {}, true],
    ["a label", { matchLabels: { team: "vision" } }, false],
    ["an unknown selector", UNKNOWN, undefined],
    ["unknown matchLabels", { matchLabels: UNKNOWN }, undefined],
    ["unknown matchExpressions", { matchExpressions: UNKNOWN }, undefined],
  ])("givenSelectorIsEmpty: %s", (_case, selector, expected) => {
    expect(givenSelectorIsEmpty(selector)).toBe(expected);
  });
});
