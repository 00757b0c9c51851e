import * as pulumi from "@pulumi/pulumi";
import { installRecordingMocks, settle, single, valueOf } from "../support/pulumiMocks";
import { validateKubernetesObject } from "../support/kubernetesSchemas";

const created = installRecordingMocks();

import { MeshAuth } from "../../components/mesh/meshAuth";
import { ModelEndpoint } from "../../components/serving/modelEndpoint";

const DIGEST = "a".repeat(64);
const mesh = new MeshAuth("mesh", {
  install: { istioVersion: "1.30.0", environment: "dev", podSecurityVersion: "v1.35", apiServer: { cidr: "10.0.0.0/28", ports: [443] } },
  ingressNamespace: "istio-ingress",
  ingressGatewayServiceAccount: "istio-ingressgateway",
  jwt: { issuer: "https://login.example.com", jwksUri: "https://login.example.com/jwks.json", audiences: ["ml-inference"] },
  teams: [{ name: "vision", namespace: "vision" }],
});
const endpointArgs = {
  team: "vision", namespace: "vision", name: "classifier", version: "1",
  image: `123456789012.dkr.ecr.us-west-2.amazonaws.com/ml/server@sha256:${DIGEST}`,
  artifactsBucket: "ml-dev-model-artifacts-abc", artifactPath: "classifier/1/", artifactSha256: "b".repeat(64),
  modelFormat: "pytorch", gpu: 1,
  gatewayPrincipal: mesh.gatewayPrincipal, jwt: { issuer: "https://login.example.com", jwksUri: "https://login.example.com/jwks.json", audiences: ["ml-inference"] },
  requiredClaims: { groups: ["vision-clients"] },
  rateLimit: { requestsPerSecond: 20, burst: 40 },
  maxRequestBodyBytes: 4194304,
};
const kserve = new ModelEndpoint("classifier", endpointArgs);
const deployment = new ModelEndpoint("classifier-deploy", { ...endpointArgs, name: "classifier-deploy", runtime: "deployment", gpu: 0 });

type K8sObject = { apiVersion: string; kind: string; metadata: any; spec: any };
const object = (type: string, name: string) => single(created, type, name).inputs as K8sObject;
const ISTIO_SECURITY = "kubernetes:security.istio.io/v1";

beforeAll(async () => {
  await valueOf(pulumi.all([mesh.urn, kserve.storageUri, deployment.urn]));
  await settle();
});

describe("MeshAuth", () => {
  it("requires mutual TLS mesh-wide and in every team namespace", () => {
    expect(object(`${ISTIO_SECURITY}:PeerAuthentication`, "mesh-mesh-mtls")).toMatchObject({ metadata: { name: "default", namespace: "istio-system" }, spec: { mtls: { mode: "STRICT" } } });
    expect(object(`${ISTIO_SECURITY}:PeerAuthentication`, "mesh-vision-mtls").spec).toEqual({ mtls: { mode: "STRICT" } });
  });

  it("validates JWTs of the issuer for serving pods, over https, with audiences, without forwarding the token", () => {
    expect(object(`${ISTIO_SECURITY}:RequestAuthentication`, "mesh-vision-jwt").spec).toEqual({
      selector: { matchLabels: { "mlops.io/role": "serving" } },
      jwtRules: [{ issuer: "https://login.example.com", jwksUri: "https://login.example.com/jwks.json", audiences: ["ml-inference"], forwardOriginalToken: false }],
    });
  });

  it("denies by default: allow-nothing for the namespace, tokenless requests refused, training pods open only to the team's own", () => {
    expect(object(`${ISTIO_SECURITY}:AuthorizationPolicy`, "mesh-vision-allow-nothing").spec).toEqual({});
    expect(object(`${ISTIO_SECURITY}:AuthorizationPolicy`, "mesh-vision-deny-without-token").spec).toEqual({
      selector: { matchLabels: { "mlops.io/role": "serving" } }, action: "DENY", rules: [{ from: [{ source: { notRequestPrincipals: ["*"] } }] }],
    });
    expect(object(`${ISTIO_SECURITY}:AuthorizationPolicy`, "mesh-vision-training-peers").spec.rules).toEqual([{ from: [{ source: { principals: ["cluster.local/ns/vision/sa/training"] } }] }]);
  });

  it("installs base, CNI and istiod pinned, istiod's namespace locked down", () => {
    for (const component of ["base", "cni", "istiod"]) {
      expect(single(created, "kubernetes:helm.sh/v3:Release", `mesh-${component}`).inputs).toMatchObject({ version: "1.30.0", repositoryOpts: { repo: "https://istio-release.storage.googleapis.com/charts" } });
    }
    expect((single(created, "kubernetes:helm.sh/v3:Release", "mesh-istiod").inputs).values.pilot.cni.enabled).toBe(true);
    expect(object("kubernetes:core/v1:Namespace", "mesh-control-plane-namespace").metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    expect(object("kubernetes:networking.k8s.io/v1:NetworkPolicy", "mesh-control-plane-allow-xds-from-mesh").spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { "istio-injection": "enabled" } } }, { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-ingress" } } },
    ]);
  });
});

describe("ModelEndpoint", () => {
  it("publishes an InferenceService that passes the workload rules by construction", () => {
    const isvc = object("kubernetes:serving.kserve.io/v1beta1:InferenceService", "classifier");
    expect(isvc.metadata.labels).toMatchObject({ "mlops.io/role": "serving", "mlops.io/team": "vision", "mlops.io/model-name": "classifier", "mlops.io/model-version": "1" });
    expect(isvc.metadata.annotations).toMatchObject({ "mlops.io/model-sha256": "b".repeat(64), "serving.kserve.io/deploymentMode": "RawDeployment", "sidecar.istio.io/inject": "true" });
    const predictor = isvc.spec.predictor;
    expect(predictor).toMatchObject({ serviceAccountName: "serving", automountServiceAccountToken: false, securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } } });
    expect(predictor.model).toMatchObject({
      modelFormat: { name: "pytorch" },
      storageUri: "s3://ml-dev-model-artifacts-abc/teams/vision/classifier/1/",
      image: endpointArgs.image,
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
      resources: { requests: { cpu: "1", memory: "2Gi", "nvidia.com/gpu": "1" }, limits: { cpu: "1", memory: "2Gi", "nvidia.com/gpu": "1" } },
    });
  });

  it("allows inference only through the ingress gateway with a token from the issuer and the required claims", () => {
    expect(object(`${ISTIO_SECURITY}:AuthorizationPolicy`, "classifier-allow-inference").spec).toEqual({
      selector: { matchLabels: { "mlops.io/model-name": "classifier", "mlops.io/role": "serving" } },
      action: "ALLOW",
      rules: [{
        from: [{ source: { principals: ["cluster.local/ns/istio-ingress/sa/istio-ingressgateway"], requestPrincipals: ["https://login.example.com/*"] } }],
        to: [{ operation: { methods: ["GET", "POST"], ports: ["8080"] } }],
        when: [{ key: "request.auth.claims[groups]", values: ["vision-clients"] }],
      }],
    });
  });

  it("rate limits per pod and rejects oversized bodies at the proxy", () => {
    const limit = object("kubernetes:networking.istio.io/v1alpha3:EnvoyFilter", "classifier-rate-limit").spec.configPatches[0].patch.value.typed_config;
    expect(limit.token_bucket).toEqual({ max_tokens: 40, tokens_per_fill: 20, fill_interval: "1s" });
    const body = object("kubernetes:networking.istio.io/v1alpha3:EnvoyFilter", "classifier-max-body").spec.configPatches[0].patch.value.typed_config;
    expect(body.max_request_bytes).toBe(4194304);
  });

  it("serves with a Deployment and a ClusterIP Service when KServe is off", () => {
    const workload = object("kubernetes:apps/v1:Deployment", "classifier-deploy");
    expect(workload.spec.template.metadata.labels["mlops.io/model-name"]).toBe("classifier-deploy");
    expect(workload.spec.template.spec).toMatchObject({ serviceAccountName: "serving", automountServiceAccountToken: false });
    expect(workload.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(object("kubernetes:core/v1:Service", "classifier-deploy-service").spec.type).toBe("ClusterIP");
  });

  it("produces Istio objects valid against the published Istio CRD schemas", () => {
    const istioObjects = created.filter((resource) => resource.type.includes("istio.io")).map((resource) => resource.inputs as K8sObject);
    expect(istioObjects.length).toBe(14);
    for (const item of istioObjects) expect(() => validateKubernetesObject(item)).not.toThrow();
  });

  it.each([
    [{ image: "nvcr.io/nvidia/tritonserver:24.01-py3" }, "must be pinned by digest"],
    [{ artifactSha256: "" }, "artifactSha256 must be the artifact's SHA-256"],
    [{ artifactSha256: "xyz" }, "artifactSha256 must be the artifact's SHA-256"],
    [{ artifactPath: "../nlp/model/" }, "must stay inside the team's prefix"],
    [{ name: "Bad_Name" }, "must be a DNS label"],
  ])("refuses %j before registering anything", async (change, message) => {
    await settle();
    const before = created.length;
    expect(() => new ModelEndpoint("bad", { ...endpointArgs, ...change })).toThrow(message);
    await settle();
    expect(created.length).toBe(before);
  });
});
