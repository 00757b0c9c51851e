import { advisories, enforced, messages, UNKNOWN, validateResource } from "../support/policyArgs";
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
