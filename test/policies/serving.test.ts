import { UNKNOWN, validateResource, type Reported } from "../support/policyArgs";
import { compliantContainer, compliantPodSpec, servingLabels } from "../support/workloads";

const ISVC = "kubernetes:serving.kserve.io/v1beta1:InferenceService";
const CSC = "kubernetes:serving.kserve.io/v1alpha1:ClusterStorageContainer";
const UID = "serving.kserve.io/storage-initializer-uid";
const UNKNOWN_TAIL = "is not known until apply, so this preview cannot check it; pulumi up checks it again once it is known";
const levelled = (reported: Reported[]) => reported.map((item) => `${item.level}: ${item.message}`);

describe("kserve-storage-initializer-missing-istio-uid", () => {
  const RULE = "kserve-storage-initializer-missing-istio-uid";
  const model = (storageUri: unknown) => ({ ...compliantContainer("kserve-container"), modelFormat: { name: "sklearn" }, storageUri });
  const isvc = (annotations: Record<string, unknown> | string, predictor: Record<string, unknown> = { ...compliantPodSpec(), model: model("s3://artifacts/teams/vision/fraud/3/") }) =>
    ({ metadata: { name: "fraud", namespace: "vision", labels: servingLabels, annotations }, spec: { predictor } });
  const check = (props: Record<string, unknown>, config = {}) => levelled(validateResource(RULE, ISVC, props, config));
  const missing = (uri: string, path = 'metadata.annotations["serving.kserve.io/storage-initializer-uid"]') =>
    `policy: ${path}: ${uri} is downloaded by KServe's storage-initializer, whose traffic Istio CNI redirects to a sidecar that may not run yet; set ${UID}: "1337" so the download bypasses the sidecar`;

  it.each([
    ["the sidecar's UID on the InferenceService", isvc({ [UID]: "1337" })],
    ["the sidecar's UID on the predictor (KServe copies component annotations too)", isvc({}, { ...compliantPodSpec(), annotations: { [UID]: "1337" }, model: model("s3://a/b/") })],
    ["a model on a PVC, which KServe mounts instead of downloading", isvc({}, { ...compliantPodSpec(), model: model("pvc://models/fraud/") })],
    ["a model in an OCI image (modelcar)", isvc({}, { ...compliantPodSpec(), model: model("oci://registry/fraud:3") })],
    ["a predictor without a model to download", isvc({}, compliantPodSpec())],
    ["a pod opted out of the sidecar (another rule refuses that)", isvc({ "sidecar.istio.io/inject": "false" })],
  ])("accepts %s", (_case, props) => {
    expect(check(props)).toEqual([]);
  });

  it.each([
    ["no annotation with an s3 model", isvc({}), [missing("s3://artifacts/teams/vision/fraud/3/")]],
    ["no annotation with a framework shortcut and an hf model", isvc({}, { ...compliantPodSpec(), huggingface: model("hf://org/model") }), [missing("hf://org/model")]],
    ["no annotation with a storageUris list", isvc({}, { ...compliantPodSpec(), storageUris: [{ uri: "gs://bucket/m", mountPath: "/mnt/models" }] }), [missing("gs://bucket/m")]],
    ["no annotation with a custom container's STORAGE_URI", isvc({}, { ...compliantPodSpec(), containers: [{ ...compliantContainer("kserve-container"), env: [{ name: "STORAGE_URI", value: "s3://a/m/" }] }] }), [missing("s3://a/m/")]],
    ["another UID, whose download is still redirected", isvc({ [UID]: "1000" }), ['policy: metadata.annotations["serving.kserve.io/storage-initializer-uid"]: runs the storage-initializer as UID "1000"; only the sidecar\'s UID 1337 bypasses the redirect to the sidecar']],
  ])("refuses %s", (_case, props, expected) => {
    expect(check(props)).toEqual(expected);
  });

  it("follows a mesh whose sidecar runs as another UID", () => {
    expect(check(isvc({ [UID]: "1337" }), { istioProxyUid: 2000 })).toEqual([expect.stringContaining('runs the storage-initializer as UID "1337"; only the sidecar\'s UID 2000')]);
    expect(check(isvc({ [UID]: "2000" }), { istioProxyUid: 2000 })).toEqual([]);
  });

  it.each([
    ["the annotation's value", isvc({ [UID]: UNKNOWN }), 'metadata.annotations["serving.kserve.io/storage-initializer-uid"]', "the storage-initializer UID"],
    ["the model URI (a computed bucket name)", isvc({}, { ...compliantPodSpec(), model: model(UNKNOWN) }), "spec.predictor.model.storageUri", "the model URI (a PVC or OCI image needs no download)"],
  ])("an unknown %s is advisory until apply", (_case, props, path, what) => {
    expect(check(props)).toEqual([`advisory: ${path}: ${what} ${UNKNOWN_TAIL}`]);
  });

  it("a computed URI with the annotation set passes in preview (ModelEndpoint's case)", () => {
    expect(check(isvc({ [UID]: "1337" }, { ...compliantPodSpec(), model: model(UNKNOWN) }))).toEqual([]);
  });

  it.each([["y"], ["yes"], ["TRUE"], ["On"], [""]])("still requires the UID when sidecar.istio.io/inject is %j (Istio injects for y, yes, true, on in any case)", (value) => {
    expect(check(isvc({ "sidecar.istio.io/inject": value }))).toEqual([missing("s3://artifacts/teams/vision/fraud/3/")]);
  });

  it("takes the sidecar as off from the pod label or the component's annotation too", () => {
    expect(check({ ...isvc({}), metadata: { name: "fraud", namespace: "vision", labels: { ...servingLabels, "sidecar.istio.io/inject": "no" }, annotations: {} } })).toEqual([]);
    expect(check(isvc({}, { ...compliantPodSpec(), annotations: { "sidecar.istio.io/inject": "disabled" }, model: model("s3://a/b/") }))).toEqual([]);
  });

  it("names the component's annotation when the UID is set there, and a storage spec as the model", () => {
    expect(check(isvc({}, { ...compliantPodSpec(), annotations: { [UID]: "0" }, model: model("s3://a/b/") }))).toEqual([
      'policy: spec.predictor.annotations["serving.kserve.io/storage-initializer-uid"]: runs the storage-initializer as UID "0"; only the sidecar\'s UID 1337 bypasses the redirect to the sidecar',
    ]);
    const fromStorageSpec = { ...compliantContainer("kserve-container"), modelFormat: { name: "sklearn" }, storage: { key: "localMinIO", path: "models/fraud" } };
    expect(check(isvc({}, { ...compliantPodSpec(), model: fromStorageSpec }))).toEqual([missing("the model")]);
  });

  it("reads STORAGE_URI from the component's containers only, and no other variable", () => {
    const initWithUri = { ...compliantContainer("fetch"), env: [{ name: "STORAGE_URI", value: "s3://a/m/" }] };
    expect(check(isvc({}, { ...compliantPodSpec(), initContainers: [initWithUri], containers: [{ ...compliantContainer("kserve-container"), env: [{ name: "MODEL_URI", value: "s3://a/m/" }] }] }))).toEqual([]);
  });

  it("an unknown set of annotations is advisory until apply", () => {
    expect(check(isvc(UNKNOWN))).toEqual([`advisory: metadata.annotations: the annotations ${UNKNOWN_TAIL}`]);
  });

  it("ignores other workloads and exempt namespaces", () => {
    const deploymentWithUri = { ...compliantPodSpec(), containers: [{ ...compliantContainer("server"), env: [{ name: "STORAGE_URI", value: "s3://a/m/" }] }] };
    expect(validateResource(RULE, "kubernetes:apps/v1:Deployment", { metadata: { namespace: "vision" }, spec: { template: { metadata: {}, spec: deploymentWithUri } } })).toEqual([]);
    expect(validateResource(RULE, "kubernetes:apps/v1:Deployment", { metadata: { namespace: "vision" }, spec: { template: { metadata: {}, spec: compliantPodSpec() } } })).toEqual([]);
    expect(validateResource(RULE, ISVC, { ...isvc({}), metadata: { name: "x", namespace: "kube-system" } })).toEqual([]);
  });
});

describe("kserve-storage-container-require-restricted", () => {
  const RULE = "kserve-storage-container-require-restricted";
  const RESTRICTED = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };
  const storageContainer = (securityContext?: unknown) => ({
    metadata: { name: "default" },
    spec: { container: { name: "storage-initializer", image: "kserve/storage-initializer:v0.20.0", ...(securityContext === undefined ? {} : { securityContext }) }, supportedUriFormats: [{ prefix: "s3://" }] },
  });
  const check = (props: Record<string, unknown>) => levelled(validateResource(RULE, CSC, props));
  const at = (field: string) => `policy: spec.container.securityContext.${field}`;

  it("accepts a container restricted on its own", () => {
    expect(check(storageContainer(RESTRICTED))).toEqual([]);
    expect(check(storageContainer({ ...RESTRICTED, runAsUser: 1337, readOnlyRootFilesystem: true }))).toEqual([]);
  });

  it("refuses KServe's default, which has no securityContext: every control the container decides", () => {
    expect(check(storageContainer())).toEqual([
      `${at("capabilities.drop")}: initContainer "storage-initializer" does not drop ALL capabilities; set capabilities.drop: ["ALL"]`,
      `${at("allowPrivilegeEscalation")}: initContainer "storage-initializer" may gain privileges (setuid binaries); set allowPrivilegeEscalation: false`,
      `${at("runAsNonRoot")}: initContainer "storage-initializer" may run as root; set runAsNonRoot: true on the pod or the container`,
      'policy: spec.container.securityContext.seccompProfile: no seccomp profile for initContainer "storage-initializer"; set securityContext.seccompProfile.type: RuntimeDefault on the pod or the container',
    ]);
  });

  it.each([
    ["root", { ...RESTRICTED, runAsUser: 0 }, "runAsUser"],
    ["privileged", { ...RESTRICTED, privileged: true }, "privileged"],
    ["an added capability", { ...RESTRICTED, capabilities: { drop: ["ALL"], add: ["NET_ADMIN"] } }, "capabilities.add"],
    ["seccomp off", { ...RESTRICTED, seccompProfile: { type: "Unconfined" } }, "seccompProfile.type"],
  ])("refuses %s", (_case, securityContext, field) => {
    expect(check(storageContainer(securityContext))).toEqual([expect.stringContaining(`${at(field)}: `)]);
  });

  it("names an unnamed storage container as KServe does, storage-initializer", () => {
    const unnamed = { metadata: { name: "default" }, spec: { container: { image: "kserve/storage-initializer:v0.20.0", securityContext: { ...RESTRICTED, privileged: true } } } };
    expect(check(unnamed)).toEqual([expect.stringContaining('initContainer "storage-initializer"')]);
  });

  it("an unknown container is advisory until apply", () => {
    expect(check({ metadata: { name: "default" }, spec: { container: UNKNOWN } })).toEqual([`advisory: spec.container: the storage container ${UNKNOWN_TAIL}`]);
  });

  it("ignores other kinds", () => {
    expect(validateResource(RULE, "kubernetes:serving.kserve.io/v1alpha1:ServingRuntime", storageContainer())).toEqual([]);
  });
});
