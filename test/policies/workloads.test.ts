import { advisories, enforced, messages, UNKNOWN, validateResource, type Reported } from "../support/policyArgs";
import { compliantPodSpec, PINNED_IMAGE, servingLabels, workloadKinds } from "../support/workloads";

type Spec = Record<string, any>;
const POD = "kubernetes:core/v1:Pod";
const pod = (spec: Spec, labels: Record<string, string> = {}) => ({ metadata: { name: "p", namespace: "vision", labels }, spec });
const check = (rule: string, spec: Spec, config: Record<string, unknown> = {}) => messages(enforced(validateResource(rule, POD, pod(spec), config)));
const withSpec = (mutate: (spec: Spec) => void) => {
  const spec = compliantPodSpec();
  mutate(spec);
  return spec;
};
const WORKLOAD_RULES = ["pod-require-read-only-root-filesystem", "pod-require-pinned-images", "pod-restrict-image-registries", "pod-require-resources", "pod-require-gpu-limits", "serving-missing-model-labels", "pod-disallow-default-service-account", "pod-disallow-token-automount"];

describe("workload rules", () => {
  it.each(workloadKinds(compliantPodSpec(), servingLabels))("a compliant %s passes every workload rule", (_kind, type, props) => {
    expect(WORKLOAD_RULES.flatMap((rule) => messages(enforced(validateResource(rule, type, props))))).toEqual([]);
  });

  describe("pod-require-read-only-root-filesystem", () => {
    it("catches a writable root filesystem in an init container of a CronJob", () => {
      const spec = withSpec((s) => (s.initContainers[0].securityContext.readOnlyRootFilesystem = false));
      const [, type, props, prefix] = workloadKinds(spec).find(([kind]) => kind === "CronJob")!;
      expect(messages(enforced(validateResource("pod-require-read-only-root-filesystem", type, props)))).toEqual([
        expect.stringContaining(`${prefix}.initContainers[0].securityContext.readOnlyRootFilesystem: initContainer "init" can write`),
      ]);
    });
  });

  describe("pod-require-pinned-images", () => {
    it.each([
      ["a tag", "123456789012.dkr.ecr.us-west-2.amazonaws.com/ml/trainer:1.2"],
      [":latest", "nvcr.io/nvidia/pytorch:latest"],
      ["no tag at all", "registry.k8s.io/pause"],
      ["a registry port and no tag (implicit latest)", "localhost:5000/trainer"],
      ["a malformed digest", "nvcr.io/nvidia/pytorch@sha256:abc"],
    ])("refuses %s", (_case, image) => {
      expect(check("pod-require-pinned-images", withSpec((s) => (s.containers[0].image = image)))).toEqual([expect.stringContaining(`spec.containers[0].image: container "main" uses ${JSON.stringify(image)}`)]);
    });

    it.each([
      ["too short", "nvcr.io/nvidia/pytorch@sha256:abc"],
      ["upper-case hex", `nvcr.io/nvidia/pytorch@sha256:${"A".repeat(64)}`],
      ["no algorithm", `nvcr.io/nvidia/pytorch@${"a".repeat(64)}`],
      ["after a tag", "nvcr.io/nvidia/pytorch:24.01@sha256:"],
    ])("calls a digest that is %s a malformed digest, not a tag", (_case, image) => {
      const [message] = check("pod-require-pinned-images", withSpec((s) => (s.containers[0].image = image)));
      expect(message).toContain(`uses ${JSON.stringify(image)}, whose malformed digest "${image.slice(image.indexOf("@") + 1)}" pins nothing`);
      expect(message).not.toContain("latest");
    });

    it("accepts a tag followed by a digest (the digest decides) and a registry port with a digest", () => {
      expect(check("pod-require-pinned-images", withSpec((s) => (s.containers[0].image = `nvcr.io/nvidia/pytorch:24.01@sha256:${"c".repeat(64)}`)))).toEqual([]);
      expect(check("pod-require-pinned-images", withSpec((s) => (s.containers[0].image = `localhost:5000/trainer@sha256:${"c".repeat(64)}`)))).toEqual([]);
    });

    it("checks the model container of an InferenceService when it names an image", () => {
      const spec = withSpec((s) => (s.model = { modelFormat: { name: "sklearn" }, storageUri: "s3://b/teams/vision/m", image: "kserve/sklearnserver:latest" }));
      const props = { metadata: { namespace: "vision", labels: servingLabels }, spec: { predictor: spec } };
      expect(messages(enforced(validateResource("pod-require-pinned-images", "kubernetes:serving.kserve.io/v1beta1:InferenceService", props)))).toEqual([
        expect.stringContaining('spec.predictor.model.image: model container "kserve-container"'),
      ]);
    });
  });

  describe("pod-restrict-image-registries", () => {
    const registryOf = (image: string, config = {}) => check("pod-restrict-image-registries", withSpec((s) => (s.containers[0].image = image)), config);

    it.each([
      ["Docker Hub, implicit", `nginx@sha256:${"d".repeat(64)}`],
      ["a look-alike host", `docker.io.evil.com/ml/trainer@sha256:${"d".repeat(64)}`],
      ["an ECR look-alike", `123456789012.dkr.ecr.us-west-2.amazonaws.com.evil.io/x@sha256:${"d".repeat(64)}`],
      ["a host that only starts like an allowed one", `nvcr.io.attacker.net/x@sha256:${"d".repeat(64)}`],
    ])("refuses %s", (_case, image) => {
      expect(registryOf(image)).toHaveLength(1);
    });

    it("accepts the defaults, and takes the list from config with repository prefixes", () => {
      expect(registryOf(PINNED_IMAGE)).toEqual([]);
      expect(registryOf(`ghcr.io/acme/ml/trainer@sha256:${"e".repeat(64)}`, { allowedRegistries: ["ghcr.io/acme", "*.dkr.ecr.*.amazonaws.com"] })).toEqual([]);
      expect(registryOf(`ghcr.io/acme-evil/trainer@sha256:${"e".repeat(64)}`, { allowedRegistries: ["ghcr.io/acme", "*.dkr.ecr.*.amazonaws.com"] })).toHaveLength(1);
    });
  });

  describe("pod-require-resources and pod-require-gpu-limits", () => {
    it("asks for cpu and memory requests and limits (advisory: the LimitRange fills them in)", () => {
      expect(check("pod-require-resources", withSpec((s) => delete s.containers[0].resources.limits))).toEqual([
        expect.stringContaining('spec.containers[0].resources.limits: container "main" sets no limits for cpu and memory'),
      ]);
    });

    it("requires a GPU limit equal to the GPU request", () => {
      expect(check("pod-require-gpu-limits", withSpec((s) => (s.containers[0].resources.requests["nvidia.com/gpu"] = 2)))).toEqual([
        expect.stringContaining('limits["nvidia.com/gpu"]: container "main" requests nvidia.com/gpu without a limit'),
      ]);
      expect(check("pod-require-gpu-limits", withSpec((s) => {
        s.containers[0].resources.requests["nvidia.com/gpu"] = 2;
        s.containers[0].resources.limits["nvidia.com/gpu"] = "4";
      }))).toEqual([expect.stringContaining("requests 2 nvidia.com/gpu but limits \"4\"")]);
      expect(check("pod-require-gpu-limits", withSpec((s) => {
        s.containers[0].resources.requests["nvidia.com/gpu"] = 2;
        s.containers[0].resources.limits["nvidia.com/gpu"] = "2";
      }))).toEqual([]);
    });
  });

  describe("serving-missing-model-labels", () => {
    it("requires the labels on serving pods and InferenceServices, not on training pods", () => {
      expect(messages(enforced(validateResource("serving-missing-model-labels", POD, pod(compliantPodSpec(), { "mlops.io/role": "serving" }))))).toHaveLength(2);
      expect(messages(enforced(validateResource("serving-missing-model-labels", POD, pod(compliantPodSpec(), { "mlops.io/role": "training" }))))).toEqual([]);
      const isvc = { metadata: { namespace: "vision", labels: { "mlops.io/model-name": "fraud" } }, spec: { predictor: compliantPodSpec() } };
      expect(messages(enforced(validateResource("serving-missing-model-labels", "kubernetes:serving.kserve.io/v1beta1:InferenceService", isvc)))).toEqual([
        expect.stringContaining('metadata.labels["mlops.io/model-version"]: the serving workload has no mlops.io/model-version label'),
      ]);
    });

    it("checks the pod template's labels of a Deployment, with labels from config", () => {
      const [, type, props] = workloadKinds(compliantPodSpec(), { "mlops.io/role": "serving", owner: "x" }).find(([kind]) => kind === "Deployment")!;
      expect(messages(enforced(validateResource("serving-missing-model-labels", type, props, { requiredLabels: ["owner"] })))).toEqual([]);
      expect(messages(enforced(validateResource("serving-missing-model-labels", type, props)))).toEqual([
        expect.stringContaining('spec.template.metadata.labels["mlops.io/model-name"]'),
        expect.stringContaining('spec.template.metadata.labels["mlops.io/model-version"]'),
      ]);
    });
  });

  describe("service accounts", () => {
    it.each([["missing", undefined], ["default", "default"]])("refuses a %s serviceAccountName", (_case, name) => {
      expect(check("pod-disallow-default-service-account", withSpec((s) => (s.serviceAccountName = name)))).toHaveLength(1);
    });

    it("refuses an inherited token automount and accepts an explicit opt-in", () => {
      expect(check("pod-disallow-token-automount", withSpec((s) => delete s.automountServiceAccountToken))).toHaveLength(1);
      expect(check("pod-disallow-token-automount", withSpec((s) => (s.automountServiceAccountToken = true)))).toEqual([]);
    });
  });

  it("an unknown image is advisory until apply", () => {
    const reported = validateResource("pod-require-pinned-images", POD, pod(withSpec((s) => (s.containers[0].image = UNKNOWN))));
    expect(enforced(reported)).toEqual([]);
    expect(advisories(reported)).toHaveLength(1);
  });
});

const ISVC = "kubernetes:serving.kserve.io/v1beta1:InferenceService";
const UNKNOWN_TAIL = "is not known until apply, so this preview cannot check it; pulumi up checks it again once it is known";
/** Each finding with its level, so a test pins both what was said and whether it blocks. */
const levelled = (reported: Reported[]) => reported.map((item) => `${item.level}: ${item.message}`);
const run = (rule: string, spec: Spec, labels: Record<string, string> = {}, config: Record<string, unknown> = {}) => levelled(validateResource(rule, POD, pod(spec, labels), config));
const digest = (image: string) => `${image}@sha256:${"d".repeat(64)}`;
/** An InferenceService whose predictor serves a model through KServe's model spec. */
const inferenceService = (model: Record<string, unknown>) => ({ metadata: { namespace: "vision", labels: servingLabels }, spec: { predictor: { ...withSpec((s) => (s.containers = [])), model } } });

describe("workload rules: exact findings", () => {
  describe("pod-require-read-only-root-filesystem", () => {
    it.each([
      ["unset", (s: Spec) => delete s.containers[0].securityContext.readOnlyRootFilesystem],
      ["false", (s: Spec) => (s.containers[0].securityContext.readOnlyRootFilesystem = false)],
      ['the string "true" (not a boolean)', (s: Spec) => (s.containers[0].securityContext.readOnlyRootFilesystem = "true")],
      ["no securityContext at all", (s: Spec) => delete s.containers[0].securityContext],
    ])("refuses a container whose readOnlyRootFilesystem is %s", (_case, mutate) => {
      expect(run("pod-require-read-only-root-filesystem", withSpec(mutate))).toEqual([
        'policy: spec.containers[0].securityContext.readOnlyRootFilesystem: container "main" can write to its root filesystem; set readOnlyRootFilesystem: true and mount an emptyDir for scratch space',
      ]);
    });

    it("an unknown value is advisory until apply", () => {
      expect(run("pod-require-read-only-root-filesystem", withSpec((s) => (s.containers[0].securityContext.readOnlyRootFilesystem = UNKNOWN)))).toEqual([
        `advisory: spec.containers[0].securityContext.readOnlyRootFilesystem: readOnlyRootFilesystem of container "main" ${UNKNOWN_TAIL}`,
      ]);
    });
  });

  describe("pod-require-pinned-images", () => {
    it.each([
      ["a tag", "nvcr.io/nvidia/pytorch:24.01", 'container "main" uses "nvcr.io/nvidia/pytorch:24.01", tag 24.01, not a digest; pin it as nvcr.io/nvidia/pytorch@sha256:<digest>'],
      ["no tag (implicit latest)", "registry.k8s.io/pause", 'container "main" uses "registry.k8s.io/pause", tag latest (implicit), not a digest; pin it as registry.k8s.io/pause@sha256:<digest>'],
      ["a Docker Hub short name", "nginx", 'container "main" uses "nginx", tag latest (implicit), not a digest; pin it as docker.io/library/nginx@sha256:<digest>'],
    ])("names the tag and the pinned form for %s", (_case, image, message) => {
      expect(run("pod-require-pinned-images", withSpec((s) => (s.containers[0].image = image)))).toEqual([`policy: spec.containers[0].image: ${message}`]);
    });

    it.each([
      ["no image", (s: Spec) => delete s.containers[0].image],
      ["an empty image", (s: Spec) => (s.containers[0].image = "")],
      ["an image that is not a string", (s: Spec) => (s.containers[0].image = 42)],
    ])("refuses a container with %s", (_case, mutate) => {
      expect(run("pod-require-pinned-images", withSpec(mutate))).toEqual(['policy: spec.containers[0].image: container "main" names no image']);
    });

    it("an unknown image is advisory until apply, named by container", () => {
      expect(run("pod-require-pinned-images", withSpec((s) => (s.initContainers[0].image = UNKNOWN)))).toEqual([`advisory: spec.initContainers[0].image: image of initContainer "init" ${UNKNOWN_TAIL}`]);
    });

    it("leaves a KServe model with no image to its serving runtime, but still checks the pod's containers", () => {
      const runtimeImage = inferenceService({ modelFormat: { name: "sklearn" }, storageUri: "s3://b/teams/vision/m" });
      expect(levelled(validateResource("pod-require-pinned-images", ISVC, runtimeImage))).toEqual([]);
      const withSidecar = { ...runtimeImage, spec: { predictor: { ...runtimeImage.spec.predictor, containers: [{ name: "proxy", image: "nvcr.io/proxy:1" }] } } };
      expect(levelled(validateResource("pod-require-pinned-images", ISVC, withSidecar))).toEqual([
        'policy: spec.predictor.containers[0].image: container "proxy" uses "nvcr.io/proxy:1", tag 1, not a digest; pin it as nvcr.io/proxy@sha256:<digest>',
      ]);
    });
  });

  describe("pod-restrict-image-registries", () => {
    const DEFAULTS = "*.dkr.ecr.*.amazonaws.com, public.ecr.aws, registry.k8s.io, nvcr.io";

    it("names the registry, the repository and the allowed list, from config when set", () => {
      expect(run("pod-restrict-image-registries", withSpec((s) => (s.containers[0].image = digest("nginx"))))).toEqual([
        `policy: spec.containers[0].image: container "main" pulls from docker.io/library/nginx, which is not an allowed registry (${DEFAULTS})`,
      ]);
      expect(run("pod-restrict-image-registries", withSpec((s) => (s.initContainers[0].image = digest("nvcr.io/nvidia/pytorch"))), {}, { allowedRegistries: ["ghcr.io/acme"] })).toEqual([
        "policy: spec.containers[0].image: container \"main\" pulls from 123456789012.dkr.ecr.us-west-2.amazonaws.com/ml/trainer, which is not an allowed registry (ghcr.io/acme)",
        'policy: spec.initContainers[0].image: initContainer "init" pulls from nvcr.io/nvidia/pytorch, which is not an allowed registry (ghcr.io/acme)',
      ]);
    });

    it.each([
      ["no image", (s: Spec) => delete s.containers[0].image],
      ["an empty image", (s: Spec) => (s.containers[0].image = "")],
    ])("leaves %s to pod-require-pinned-images (one finding, not two)", (_case, mutate) => {
      expect(run("pod-restrict-image-registries", withSpec(mutate))).toEqual([]);
    });

    it("an unknown image is advisory until apply", () => {
      expect(run("pod-restrict-image-registries", withSpec((s) => (s.containers[0].image = UNKNOWN)))).toEqual([`advisory: spec.containers[0].image: image of container "main" ${UNKNOWN_TAIL}`]);
    });

    it("checks a KServe model's own image, and not a model that leaves it to the runtime", () => {
      expect(levelled(validateResource("pod-restrict-image-registries", ISVC, inferenceService({ modelFormat: { name: "sklearn" }, image: digest("kserve/sklearnserver") })))).toEqual([
        `policy: spec.predictor.model.image: model container "kserve-container" pulls from docker.io/kserve/sklearnserver, which is not an allowed registry (${DEFAULTS})`,
      ]);
      expect(levelled(validateResource("pod-restrict-image-registries", ISVC, inferenceService({ modelFormat: { name: "sklearn" } })))).toEqual([]);
    });
  });

  describe("pod-require-resources", () => {
    const SUFFIX = "; set both so scheduling and the quota do not depend on namespace defaults";

    it.each([
      ["no requests at all", (s: Spec) => delete s.containers[0].resources.requests, 'spec.containers[0].resources.requests: container "main" sets no requests for cpu and memory'],
      ["a null memory limit", (s: Spec) => (s.containers[0].resources.limits.memory = null), 'spec.containers[0].resources.limits: container "main" sets no limits for memory'],
      ["an empty cpu request", (s: Spec) => (s.containers[0].resources.requests.cpu = ""), 'spec.containers[0].resources.requests: container "main" sets no requests for cpu'],
    ])("reports %s", (_case, mutate, expected) => {
      expect(run("pod-require-resources", withSpec(mutate))).toEqual([`policy: ${expected}${SUFFIX}`]);
    });

    it("reports requests and limits each for an init container with no resources", () => {
      expect(run("pod-require-resources", withSpec((s) => delete s.initContainers[0].resources))).toEqual([
        `policy: spec.initContainers[0].resources.requests: initContainer "init" sets no requests for cpu and memory${SUFFIX}`,
        `policy: spec.initContainers[0].resources.limits: initContainer "init" sets no limits for cpu and memory${SUFFIX}`,
      ]);
    });

    it("accepts a zero quantity (set, if small)", () => {
      expect(run("pod-require-resources", withSpec((s) => (s.containers[0].resources.requests.cpu = 0)))).toEqual([]);
    });

    it("does not hold ephemeral debug containers to it (they cannot declare resources)", () => {
      expect(run("pod-require-resources", withSpec((s) => (s.ephemeralContainers = [{ name: "debug", image: PINNED_IMAGE }])))).toEqual([]);
    });

    it("unknown resources are advisory until apply", () => {
      expect(run("pod-require-resources", withSpec((s) => (s.containers[0].resources = UNKNOWN)))).toEqual([`advisory: spec.containers[0].resources: resources of container "main" ${UNKNOWN_TAIL}`]);
    });
  });

  describe("pod-require-gpu-limits", () => {
    const gpu = (request: unknown, limit?: unknown, list = "containers") => withSpec((s) => {
      const container = list === "containers" ? s.containers[0] : (s[list] = [{ name: "debug", image: PINNED_IMAGE, resources: { requests: {}, limits: {} } }])[0];
      container.resources.requests["nvidia.com/gpu"] = request;
      if (limit !== undefined) container.resources.limits["nvidia.com/gpu"] = limit;
    });

    it("states both quantities when they differ", () => {
      expect(run("pod-require-gpu-limits", gpu(1, 2))).toEqual(['policy: spec.containers[0].resources.limits["nvidia.com/gpu"]: container "main" requests 1 nvidia.com/gpu but limits 2; they must be equal']);
    });

    it("reports a missing limit at the limit's path, for AMD GPUs too", () => {
      expect(run("pod-require-gpu-limits", withSpec((s) => (s.containers[0].resources.requests["amd.com/gpu"] = "1")))).toEqual([
        'policy: spec.containers[0].resources.limits["amd.com/gpu"]: container "main" requests amd.com/gpu without a limit; GPUs cannot be overcommitted, set limits["amd.com/gpu"] equal to the request',
      ]);
    });

    it("does not hold ephemeral debug containers to it", () => {
      expect(run("pod-require-gpu-limits", gpu(1, undefined, "ephemeralContainers"))).toEqual([]);
    });

    it.each([
      ["limit", gpu(1, UNKNOWN)],
      ["request", gpu(UNKNOWN, 1)],
    ])("an unknown GPU %s is advisory until apply", (_case, spec) => {
      expect(run("pod-require-gpu-limits", spec)).toEqual([`advisory: spec.containers[0].resources.limits["nvidia.com/gpu"]: the nvidia.com/gpu limit of container "main" ${UNKNOWN_TAIL}`]);
    });
  });

  describe("serving-missing-model-labels", () => {
    const serving = (labels: Record<string, string>) => run("serving-missing-model-labels", compliantPodSpec(), { "mlops.io/role": "serving", ...labels });
    const missing = (label: string) => `policy: metadata.labels["${label}"]: the serving workload has no ${label} label; add it so the served model is identifiable`;

    it.each([
      ["blank", "  "],
      ["empty", ""],
    ])("refuses a %s label value", (_case, value) => {
      expect(serving({ "mlops.io/model-name": value, "mlops.io/model-version": "3" })).toEqual([missing("mlops.io/model-name")]);
    });

    it("accepts non-blank values, and checks only the configured labels", () => {
      expect(serving({ "mlops.io/model-name": "fraud", "mlops.io/model-version": "3" })).toEqual([]);
      expect(run("serving-missing-model-labels", compliantPodSpec(), { "mlops.io/role": "serving" }, { requiredLabels: ["owner"] })).toEqual([missing("owner")]);
    });

    it("an unknown label is advisory until apply", () => {
      expect(serving({ "mlops.io/model-name": UNKNOWN, "mlops.io/model-version": "3" })).toEqual([`advisory: metadata.labels["mlops.io/model-name"]: label mlops.io/model-name ${UNKNOWN_TAIL}`]);
    });
  });

  describe("pod-disallow-default-service-account", () => {
    const DEFAULT_SA = 'policy: spec.serviceAccountName: the workload runs as the default ServiceAccount; set serviceAccountName to a dedicated account (training or serving)';

    it.each([
      ["missing", (s: Spec) => delete s.serviceAccountName],
      ["empty", (s: Spec) => (s.serviceAccountName = "")],
      ["default", (s: Spec) => (s.serviceAccountName = "default")],
      ["default by the deprecated serviceAccount field", (s: Spec) => { delete s.serviceAccountName; s.serviceAccount = "default"; }],
    ])("refuses a %s serviceAccountName", (_case, mutate) => {
      expect(run("pod-disallow-default-service-account", withSpec(mutate))).toEqual([DEFAULT_SA]);
    });

    it("accepts a dedicated account, also by the deprecated serviceAccount field, and reports at the template's spec", () => {
      expect(run("pod-disallow-default-service-account", withSpec((s) => { delete s.serviceAccountName; s.serviceAccount = "training"; }))).toEqual([]);
      const [, type, props] = workloadKinds(withSpec((s) => (s.serviceAccountName = "default"))).find(([kind]) => kind === "Deployment")!;
      expect(levelled(validateResource("pod-disallow-default-service-account", type, props))).toEqual([DEFAULT_SA.replace("spec.serviceAccountName", "spec.template.spec.serviceAccountName")]);
    });

    it("an unknown name is advisory until apply", () => {
      expect(run("pod-disallow-default-service-account", withSpec((s) => (s.serviceAccountName = UNKNOWN)))).toEqual([`advisory: spec.serviceAccountName: the ServiceAccount name ${UNKNOWN_TAIL}`]);
    });
  });

  describe("pod-disallow-token-automount", () => {
    const INHERITS = "policy: spec.automountServiceAccountToken: the pod inherits token automount from its ServiceAccount; set automountServiceAccountToken: false (true is refused unless the ServiceAccount is allowlisted)";

    it.each([
      ["unset", (s: Spec) => delete s.automountServiceAccountToken],
      ["null (unset in a manifest)", (s: Spec) => (s.automountServiceAccountToken = null)],
    ])("refuses an automount that is %s", (_case, mutate) => {
      expect(run("pod-disallow-token-automount", withSpec(mutate))).toEqual([INHERITS]);
    });

    it("accepts an explicit false or true (true is pod-restrict-api-token-mount's to judge), and reports at a CronJob's template spec", () => {
      expect(run("pod-disallow-token-automount", withSpec((s) => (s.automountServiceAccountToken = false)))).toEqual([]);
      expect(run("pod-disallow-token-automount", withSpec((s) => (s.automountServiceAccountToken = true)))).toEqual([]);
      const [, type, props, prefix] = workloadKinds(withSpec((s) => delete s.automountServiceAccountToken)).find(([kind]) => kind === "CronJob")!;
      expect(levelled(validateResource("pod-disallow-token-automount", type, props))).toEqual([INHERITS.replace("spec.automountServiceAccountToken", `${prefix}.automountServiceAccountToken`)]);
    });

    it("an unknown value is advisory until apply", () => {
      expect(run("pod-disallow-token-automount", withSpec((s) => (s.automountServiceAccountToken = UNKNOWN)))).toEqual([`advisory: spec.automountServiceAccountToken: automountServiceAccountToken ${UNKNOWN_TAIL}`]);
    });
  });
});
