import * as pulumi from "@pulumi/pulumi";
import { installRecordingMocks, settle, single, valueOf } from "../support/pulumiMocks";
import { validateKubernetesObject } from "../support/kubernetesSchemas";
import { applyInboundHttpFilterPatches, ISTIO_1_30_INBOUND_HTTP_FILTERS, type EnvoyFilterSpec } from "../support/istioInboundChain";
import { describeWithShared } from "../support/upstream";
import { upstreamCrdProblems } from "../support/upstreamCrdSchema";

const created = installRecordingMocks();

import { MeshAuth } from "../../components/mesh/meshAuth";
import { ModelEndpoint } from "../../components/serving/modelEndpoint";

const DIGEST = "a".repeat(64);
const mesh = new MeshAuth("mesh", {
  install: {
    istioVersion: "1.30.0", environment: "dev", podSecurityVersion: "v1.35", apiServer: { cidr: "10.0.0.0/28", ports: [443] },
    jwksEndpoint: { cidr: "10.0.210.0/28", ports: [443] },
  },
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
  requiredClaims: { groups: ["vision-clients"], "realm_access.roles": ["inference"] },
  rateLimit: { requestsPerSecond: 20, burst: 40, perCaller: { requestsPerSecond: 5, burst: 10, maxRequestSeconds: 10, maxInFlight: 60, maxCallers: 1000 } },
  maxRequestBodyBytes: 4194304,
  verification: {
    verifierImage: `123456789012.dkr.ecr.us-west-2.amazonaws.com/ml-platform/model-verify@sha256:${"d".repeat(64)}`,
    downloaderImage: `123456789012.dkr.ecr.us-west-2.amazonaws.com/ml-platform/kserve-storage-initializer@sha256:${"e".repeat(64)}`,
  },
};
const kserve = new ModelEndpoint("classifier", endpointArgs);
const deployment = new ModelEndpoint("classifier-deploy", { ...endpointArgs, name: "classifier-deploy", runtime: "deployment", gpu: 0 });

type K8sObject = { apiVersion: string; kind: string; metadata: any; spec: any };
const object = (type: string, name: string) => single(created, type, name).inputs as K8sObject;
const ISTIO_SECURITY = "kubernetes:security.istio.io/v1";
const ENVOY_FILTER = "kubernetes:networking.istio.io/v1alpha3:EnvoyFilter";
const ISTIO_CRDS = "upstream/istio/manifests_charts_base_files_crd-all.gen.yaml";
const KSERVE_CRD = "upstream/kserve/config_crd_full_serving.kserve.io_inferenceservices.yaml";
const BEARER_ONLY = [{ name: "Authorization", prefix: "Bearer " }];

beforeAll(async () => {
  await valueOf(pulumi.all([mesh.urn, kserve.storageUri, deployment.urn]));
  await settle();
});

describe("MeshAuth", () => {
  it("requires mutual TLS mesh-wide and in every team namespace", () => {
    expect(object(`${ISTIO_SECURITY}:PeerAuthentication`, "mesh-mesh-mtls")).toMatchObject({ metadata: { name: "default", namespace: "istio-system" }, spec: { mtls: { mode: "STRICT" } } });
    expect(object(`${ISTIO_SECURITY}:PeerAuthentication`, "mesh-vision-mtls").spec).toEqual({ mtls: { mode: "STRICT" } });
  });

  it("validates JWTs of the issuer for serving pods, over https, with audiences, from the Authorization header only, without forwarding the token", () => {
    expect(object(`${ISTIO_SECURITY}:RequestAuthentication`, "mesh-vision-jwt").spec).toEqual({
      selector: { matchLabels: { "mlops.io/role": "serving" } },
      jwtRules: [{ issuer: "https://login.example.com", jwksUri: "https://login.example.com/jwks.json", audiences: ["ml-inference"], forwardOriginalToken: false, fromHeaders: BEARER_ONLY }],
    });
  });

  it("denies by default: allow-nothing for the namespace, tokenless requests refused, training pods open only to the team's own, on the rendezvous port", () => {
    expect(object(`${ISTIO_SECURITY}:AuthorizationPolicy`, "mesh-vision-allow-nothing").spec).toEqual({});
    expect(object(`${ISTIO_SECURITY}:AuthorizationPolicy`, "mesh-vision-deny-without-token").spec).toEqual({
      selector: { matchLabels: { "mlops.io/role": "serving" } }, action: "DENY", rules: [{ from: [{ source: { notRequestPrincipals: ["*"] } }] }],
    });
    expect(object(`${ISTIO_SECURITY}:AuthorizationPolicy`, "mesh-vision-training-peers").spec.rules).toEqual([
      { from: [{ source: { principals: ["cluster.local/ns/vision/sa/training"] } }], to: [{ operation: { ports: ["29500"] } }] },
    ]);
  });

  it("installs base, CNI and istiod pinned, istiod's namespace locked down", () => {
    for (const component of ["base", "cni", "istiod"]) {
      expect(single(created, "kubernetes:helm.sh/v3:Release", `mesh-${component}`).inputs).toMatchObject({ version: "1.30.0", repositoryOpts: { repo: "https://istio-release.storage.googleapis.com/charts" } });
    }
    expect((single(created, "kubernetes:helm.sh/v3:Release", "mesh-istiod").inputs).values.cni.enabled).toBe(true);
    // FACT: the istiod chart's mesh config says trustDomain "cluster.local" and is merged with
    // .Values.meshConfig (mergeOverwrite), so only meshConfig.trustDomain changes it (istio/istio 1.30.0
    // manifests/charts/istio-control/istio-discovery/templates/configmap.yaml):
    // the workload identities in every AuthorizationPolicy must be issued in the same trust domain.
    expect((single(created, "kubernetes:helm.sh/v3:Release", "mesh-istiod").inputs).values.meshConfig.trustDomain).toBe("cluster.local");
    expect(mesh.gatewayPrincipal).toBe("cluster.local/ns/istio-ingress/sa/istio-ingressgateway");
    expect(object("kubernetes:core/v1:Namespace", "mesh-control-plane-namespace").metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    expect(object("kubernetes:networking.k8s.io/v1:NetworkPolicy", "mesh-control-plane-allow-xds-from-mesh").spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { "istio-injection": "enabled" } } }, { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-ingress" } } },
    ]);
  });
});

describe("tokens are read only from Authorization: Bearer", () => {
  // FACT: with no from_headers, from_params and from_cookies, Envoy's jwt_authn also extracts a token from
  // the `access_token` query parameter (default locations); any explicit location replaces the defaults.
  // envoyproxy/envoy source/extensions/filters/http/jwt_authn/extractor.cc, ExtractorImpl::addProvider
  // (commit 03ec6568); Istio 1.30 copies fromHeaders/fromParams/fromCookies into the provider unchanged
  // (istio/istio pilot/pkg/security/authn/policy_applier.go, convertToEnvoyJwtConfig, tag 1.30.0).
  it.each([["the namespace's serving policy", "mesh-vision-jwt"], ["each endpoint's own policy", "classifier-jwt"]])("%s names the header and no other location", (_case, name) => {
    const [rule] = object(`${ISTIO_SECURITY}:RequestAuthentication`, name).spec.jwtRules;
    expect(rule.fromHeaders).toEqual(BEARER_ONLY);
    expect(rule.fromParams).toBeUndefined();
    expect(rule.fromCookies).toBeUndefined();
  });
});

describe("ModelEndpoint", () => {
  it("publishes an InferenceService that passes the workload rules by construction", () => {
    const isvc = object("kubernetes:serving.kserve.io/v1beta1:InferenceService", "classifier");
    expect(isvc.metadata.labels).toMatchObject({ "mlops.io/role": "serving", "mlops.io/team": "vision", "mlops.io/model-name": "classifier", "mlops.io/model-version": "1" });
    expect(isvc.metadata.annotations).toMatchObject({ "mlops.io/model-sha256": "b".repeat(64), "sidecar.istio.io/inject": "true" });
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

  it("uses KServe's current deployment mode name, Standard", () => {
    // FACT: KServe 0.20 names the plain-Deployment mode Standard; RawDeployment is LegacyRawDeployment,
    // "deprecated: use Standard" (kserve/kserve pkg/constants/constants.go, v0.20.0). Its webhook refuses
    // an update whose deploymentMode annotation differs from ParseDeploymentMode(status), which folds
    // RawDeployment into Standard, so an InferenceService annotated RawDeployment cannot be updated once
    // reconciled (pkg/apis/serving/v1beta1/inference_service_validation.go validateDeploymentMode, v0.20.0).
    expect(object("kubernetes:serving.kserve.io/v1beta1:InferenceService", "classifier").metadata.annotations["serving.kserve.io/deploymentMode"]).toBe("Standard");
  });

  it("runs KServe's storage-initializer as the sidecar's UID, so its download bypasses a sidecar that is not running yet", () => {
    // FACT: KServe's pod mutator sets the storage-initializer's runAsUser from the pod annotation
    // serving.kserve.io/storage-initializer-uid; without it, under Istio CNI (no istio-init), it copies the
    // UID only from an istio-proxy found among the pod's containers (not a native sidecar, and only if
    // Istio's webhook ran first). kserve/kserve pkg/webhook/admission/pod/storage_initializer_injector.go
    // SetIstioCniSecurityContext, v0.20.0. KServe copies InferenceService annotations to the pod unless
    // listed in ServiceAnnotationDisallowedList (pkg/controller/v1beta1/inferenceservice/components/predictor.go,
    // pkg/constants/constants.go, v0.20.0).
    // FACT: Istio CNI never redirects traffic of UID 1337, the sidecar's (istio/istio cni/pkg/plugin/
    // sidecar_redirect.go defaultNoRedirectUID, tools/istio-iptables/pkg/constants DefaultProxyUID, 1.30.0).
    expect(object("kubernetes:serving.kserve.io/v1beta1:InferenceService", "classifier").metadata.annotations["serving.kserve.io/storage-initializer-uid"]).toBe("1337");
  });

  it("allows inference only through the ingress gateway with a token from the issuer and the required claims, nested ones as Istio nests them", () => {
    // FACT: Istio splits `request.auth.claims[a][b]` into the nested claim path [a, b]; `[a.b]` names a
    // claim literally called "a.b" (istio/istio pilot/pkg/security/authz/model/util.go
    // extractNameInNestedBrackets, tag 1.30.0).
    expect(object(`${ISTIO_SECURITY}:AuthorizationPolicy`, "classifier-allow-inference").spec).toEqual({
      selector: { matchLabels: { "mlops.io/model-name": "classifier", "mlops.io/role": "serving" } },
      action: "ALLOW",
      rules: [{
        from: [{ source: { principals: ["cluster.local/ns/istio-ingress/sa/istio-ingressgateway"], requestPrincipals: ["https://login.example.com/*"] } }],
        to: [{ operation: { methods: ["GET", "POST"], ports: ["8080"] } }],
        when: [{ key: "request.auth.claims[groups]", values: ["vision-clients"] }, { key: "request.auth.claims[realm_access][roles]", values: ["inference"] }],
      }],
    });
  });

  it("rate limits per pod and rejects oversized bodies at the proxy", () => {
    const limit = object(ENVOY_FILTER, "classifier-rate-limit").spec.configPatches[0].patch.value.typed_config;
    expect(limit.token_bucket).toEqual({ max_tokens: 40, tokens_per_fill: 20, fill_interval: "1s" });
    const body = object(ENVOY_FILTER, "classifier-max-body").spec.configPatches[0].patch.value.typed_config;
    expect(body.max_request_bytes).toBe(4194304);
  });

  it("serves with a Deployment and a ClusterIP Service when KServe is off", () => {
    const workload = object("kubernetes:apps/v1:Deployment", "classifier-deploy");
    expect(workload.spec.template.metadata.labels["mlops.io/model-name"]).toBe("classifier-deploy");
    expect(workload.spec.template.spec).toMatchObject({ serviceAccountName: "serving", automountServiceAccountToken: false });
    expect(workload.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(object("kubernetes:core/v1:Service", "classifier-deploy-service").spec.type).toBe("ClusterIP");
  });

  it("starts the sidecar before anything that downloads the model (a native sidecar), in both runtimes", () => {
    expect(object("kubernetes:serving.kserve.io/v1beta1:InferenceService", "classifier").metadata.annotations["sidecar.istio.io/nativeSidecar"]).toBe("true");
    expect(object("kubernetes:apps/v1:Deployment", "classifier-deploy").spec.template.metadata.annotations["sidecar.istio.io/nativeSidecar"]).toBe("true");
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
    [{ requiredClaims: { "realm_access..roles": ["x"] } }, 'requiredClaims key "realm_access..roles" must be a claim name, with dots for nested claims'],
    [{ requiredClaims: { "roles[0]": ["x"] } }, 'requiredClaims key "roles[0]" must be a claim name'],
  ])("refuses %j before registering anything", async (change, message) => {
    await settle();
    const before = created.length;
    expect(() => new ModelEndpoint("bad", { ...endpointArgs, ...change })).toThrow(message);
    await settle();
    expect(created.length).toBe(before);
  });
});

describe("the rate limit and the body limit run after authentication and authorization", () => {
  const spec = (name: string) => object(ENVOY_FILTER, name).spec as EnvoyFilterSpec;
  const chainWith = (...filters: EnvoyFilterSpec[]) => applyInboundHttpFilterPatches(ISTIO_1_30_INBOUND_HTTP_FILTERS, filters);
  const RATE_LIMIT = "envoy.filters.http.local_ratelimit";
  const BUFFER = "envoy.filters.http.buffer";

  it("places them between the last RBAC filter and the router: anonymous calls get 401/403, never drain the bucket, never get buffered", () => {
    // Created in either order, the priorities decide: the body limit is patched in first.
    for (const chain of [chainWith(spec("classifier-max-body"), spec("classifier-rate-limit")), chainWith(spec("classifier-rate-limit"), spec("classifier-max-body"))]) {
      expect(chain).toEqual([
        "istio.metadata_exchange", "envoy.filters.http.jwt_authn", "envoy.filters.http.rbac", "envoy.filters.http.rbac",
        "envoy.filters.http.grpc_stats", "envoy.filters.http.fault", "envoy.filters.http.cors", "istio.stats",
        RATE_LIMIT, BUFFER, "envoy.filters.http.router",
      ]);
    }
  });

  it("places the body limit there without a rate limit too", () => {
    const chain = chainWith(spec("classifier-max-body"));
    expect(chain.indexOf(BUFFER)).toBe(chain.indexOf("envoy.filters.http.router") - 1);
    expect(chain.indexOf(BUFFER)).toBeGreaterThan(chain.lastIndexOf("envoy.filters.http.rbac"));
  });

  it("the model itself shows why the old patches were wrong: INSERT_BEFORE without a subFilter lands first", () => {
    const headless = (filter: EnvoyFilterSpec): EnvoyFilterSpec => ({
      configPatches: filter.configPatches?.map((patch) => ({ ...patch, match: { ...patch.match, listener: { filterChain: { filter: { name: "envoy.filters.network.http_connection_manager" } } } } })),
    });
    expect(chainWith(headless(spec("classifier-rate-limit"))).indexOf(RATE_LIMIT)).toBe(0);
  });

  it("matches the chain it patches: both inbound, on the HTTP connection manager", () => {
    for (const name of ["classifier-max-body", "classifier-rate-limit"]) {
      expect(object(ENVOY_FILTER, name).spec.configPatches[0].match).toMatchObject({
        context: "SIDECAR_INBOUND", listener: { filterChain: { filter: { name: "envoy.filters.network.http_connection_manager" } } },
      });
    }
  });
});

describeWithShared("mesh and serving objects against the pinned upstream CRDs (Istio 1.30.0, KServe 0.20.0)", [ISTIO_CRDS, KSERVE_CRD], () => {
  it("every Istio object fits its Istio 1.30 CRD version, with no field the API server would drop", () => {
    const istioObjects = created.filter((resource) => resource.type.includes("istio.io")).map((resource) => resource.inputs as K8sObject);
    for (const item of istioObjects) {
      expect([item.kind, item.metadata.name, upstreamCrdProblems(item)]).toEqual([item.kind, item.metadata.name, []]);
    }
  });

  it("the RequestAuthentication CRD has the header location with its prefix that the policies rely on", () => {
    const withHeader = { apiVersion: "security.istio.io/v1", kind: "RequestAuthentication", metadata: { name: "x", namespace: "vision" }, spec: { jwtRules: [{ issuer: "i", fromHeaders: BEARER_ONLY }] } };
    expect(upstreamCrdProblems(withHeader)).toEqual([]);
    expect(upstreamCrdProblems({ ...withHeader, spec: { jwtRules: [{ issuer: "i", fromHeaders: [{ name: "Authorization", bearerPrefix: "Bearer " }] }] } })).toEqual(["spec.jwtRules[0].fromHeaders[0].bearerPrefix: unknown field: the schema does not specify it (pruned by the API server)"]);
  });

  it("the InferenceService fits the KServe 0.20 CRD", () => {
    expect(upstreamCrdProblems(object("kubernetes:serving.kserve.io/v1beta1:InferenceService", "classifier"))).toEqual([]);
  });
});
