import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { IEnvoyFilter } from "@kubernetes-models/istio/networking.istio.io/v1alpha3/EnvoyFilter" with { "resolution-mode": "import" };
import type { IAuthorizationPolicy } from "@kubernetes-models/istio/security.istio.io/v1/AuthorizationPolicy" with { "resolution-mode": "import" };
import type { IRequestAuthentication } from "@kubernetes-models/istio/security.istio.io/v1/RequestAuthentication" with { "resolution-mode": "import" };
import { customResource } from "../kubernetes/customResource";
import { NATIVE_SIDECAR_ANNOTATIONS } from "../mesh/sidecar";
import { allowInference, jwtAuthentication, maxRequestBody, type JwtSettings } from "../mesh/istioObjects";
import { localRateLimit, type EndpointRateLimits } from "../mesh/rateLimit";
import { teamBucketPrefix } from "../storage/prefixes";
import { LABELS, MANAGED_BY, WORKLOAD_ROLES } from "../tenancy/labels";
import { inferenceService, KSERVE_ANNOTATIONS, MODEL_SHA256_ANNOTATION } from "./inferenceService";
import { endpointApprovalAnnotations, type ModelApproval } from "./approvals";
import { POD_SECURITY_CONTEXT } from "../kubernetes/securityContexts";
import { modelServerContainer, verifiedModelPod, type ServingPodSettings } from "./servingWorkload";
import { verificationProblems, type ModelSource, type ModelVerificationSettings } from "./verification/verifiedModel";

export interface ModelEndpointArgs {
  /** Team publishing the model; its namespace is named after it. */
  team: string;
  /** The team namespace (an Output, so the endpoint waits for it). */
  namespace: pulumi.Input<string>;
  /** Model name (DNS label): the endpoint's name and its mlops.io/model-name label. */
  name: string;
  version: string;
  /** Model server image, pinned by digest (registry/repository@sha256:...). */
  image: string;
  /** The model-artifacts bucket; the model lives under the team's prefix `teams/<team>/`. */
  artifactsBucket: pulumi.Input<string>;
  /** Path inside the team's prefix, e.g. `fraud/3/`: the model directory, with its signed manifest as model.sig. Give this or artifactImage. */
  artifactPath?: string;
  /**
   * The model as an OCI image (KServe modelcar layout: the files under /models, model.sig among them),
   * pinned by digest; its cosign signature is checked at admission like every image. Give this or artifactPath.
   */
  artifactImage?: string;
  /**
   * SHA-256 of the model's signed manifest (the DSSE payload of model.sig: `npm run model-verify -- digest model.sig`);
   * recorded on the workload, and the model starts only if its files match that manifest.
   */
  artifactSha256: string;
  /** The model-verify and downloader images, and who must have signed the manifest. */
  verification: ModelVerificationSettings;
  /** KServe model format (runtime kserve). Default `sklearn`. */
  modelFormat?: string;
  /** `kserve` (InferenceService in Standard mode: a plain Deployment) or `deployment` (Deployment + Service). Default `kserve`. */
  runtime?: "kserve" | "deployment";
  cpu?: string;
  memory?: string;
  /** GPUs per replica. Default 0. */
  gpu?: number;
  replicas?: number;
  /** Default `serving`. */
  serviceAccount?: string;
  /** Default 8080. */
  port?: number;
  /** Who may call: the ingress gateway's identity (MeshAuth.gatewayPrincipal, or a platform stack output). */
  gatewayPrincipal: pulumi.Input<string>;
  /** Tokens callers must present; the endpoint validates them itself, so it is covered in any stack. */
  jwt: pulumi.Input<JwtSettings>;
  /** JWT claims callers must carry (claim -> accepted values); a dotted name such as `realm_access.roles` is a nested claim. */
  requiredClaims?: Record<string, string[]>;
  /** Rate limits per replica (per caller, and endpoint-wide as a backstop); omit for none. */
  rateLimit?: EndpointRateLimits;
  /** Largest request body accepted at the proxy. Default 10 MiB. */
  maxRequestBodyBytes?: number;
  /** The approval of this artifact (the production stack's approvals): recorded as mlops.io/approval-* annotations, which ml-guard requires in production stacks. */
  approval?: ModelApproval;
}

const DEFAULTS = { modelFormat: "sklearn", runtime: "kserve", cpu: "1", memory: "2Gi", gpu: 0, replicas: 2, serviceAccount: "serving", port: 8080, maxRequestBodyBytes: 10 * 1024 * 1024 } as const;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/;
/** Claim names, dot-separated for nested claims; brackets would break Istio's `request.auth.claims[...]` key. */
const CLAIM_PATH = /^[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*$/;

function validate(name: string, args: ModelEndpointArgs): void {
  const problems = [
    !DNS_LABEL.test(args.name) && `name ${JSON.stringify(args.name)} must be a DNS label of at most 40 characters`,
    !/^[^@\s]+@sha256:[a-f0-9]{64}$/.test(args.image) && `image ${JSON.stringify(args.image)} must be pinned by digest (registry/repository@sha256:<64 hex>)`,
    !/^[a-f0-9]{64}$/.test(args.artifactSha256 ?? "") && "artifactSha256 must be the artifact's SHA-256 (64 lower-case hex characters): an endpoint refuses an artifact it cannot verify",
    (args.artifactPath === undefined) === (args.artifactImage === undefined) && "give exactly one of artifactPath (S3) and artifactImage (OCI)",
    args.artifactPath !== undefined && (args.artifactPath.startsWith("/") || args.artifactPath.split("/").includes("..")) && `artifactPath ${JSON.stringify(args.artifactPath)} must stay inside the team's prefix (relative, no '..')`,
    ...verificationProblems(args.artifactImage !== undefined ? { ociImage: args.artifactImage } : { s3Uri: "" }, args.verification),
    ...Object.keys(args.requiredClaims ?? {}).filter((claim) => !CLAIM_PATH.test(claim))
      .map((claim) => `requiredClaims key ${JSON.stringify(claim)} must be a claim name, with dots for nested claims (realm_access.roles)`),
  ].filter((problem): problem is string => typeof problem === "string");
  if (problems.length > 0) throw new Error(`ModelEndpoint ${name}: ${problems.join("; ")}`);
}

/**
 * A team's published model: a KServe InferenceService (or a Deployment and Service) that passes every
 * ml-guard rule by construction, serving the artifact from the team's prefix of the artifacts bucket
 * with its SHA-256 recorded, reachable only through the ingress gateway with a valid token (and the
 * required claims, validated by its own RequestAuthentication), rate limited and with a bounded request body.
 */
export class ModelEndpoint extends pulumi.ComponentResource {
  readonly storageUri: pulumi.Output<string>;
  /** Labels on the serving pods; the mesh policies select them. */
  readonly podLabels: Record<string, string>;

  constructor(name: string, args: ModelEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    validate(name, args);
    super("secure-ml:serving:ModelEndpoint", name, {}, opts);
    const settings = { ...DEFAULTS, ...Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined)) } as typeof DEFAULTS & ModelEndpointArgs;
    const parent = { parent: this };
    const source: ModelSource = args.artifactImage !== undefined
      ? { ociImage: args.artifactImage }
      : { s3Uri: pulumi.interpolate`s3://${args.artifactsBucket}/${teamBucketPrefix(args.team)}${args.artifactPath ?? ""}` };
    this.storageUri = "ociImage" in source ? pulumi.output(`oci://${source.ociImage}`) : pulumi.output(source.s3Uri);
    this.podLabels = {
      [LABELS.workloadRole]: WORKLOAD_ROLES.serving,
      [LABELS.team]: args.team,
      [LABELS.modelName]: args.name,
      [LABELS.modelVersion]: args.version,
      [LABELS.managedBy]: MANAGED_BY,
    };
    const selector = { [LABELS.modelName]: args.name, [LABELS.workloadRole]: WORKLOAD_ROLES.serving };
    const annotations = { [MODEL_SHA256_ANNOTATION]: args.artifactSha256, ...endpointApprovalAnnotations(name, args), "sidecar.istio.io/inject": "true", ...NATIVE_SIDECAR_ANNOTATIONS };
    const metadata = (objectName: string, extra: Record<string, string> = {}) => ({ name: objectName, namespace: args.namespace, labels: this.podLabels, annotations: extra });
    const pod: ServingPodSettings = {
      image: args.image, port: settings.port, serviceAccount: settings.serviceAccount, cpu: settings.cpu, memory: settings.memory, gpu: settings.gpu,
      source, verification: args.verification, manifestSha256: args.artifactSha256,
    };

    if (settings.runtime === "kserve") {
      new k8s.apiextensions.CustomResource(name, { ...inferenceService(pod, settings.modelFormat, settings.replicas), metadata: metadata(args.name, { ...annotations, ...KSERVE_ANNOTATIONS }) }, parent);
    } else {
      new k8s.apps.v1.Deployment(name, {
        metadata: metadata(args.name, annotations),
        spec: {
          replicas: settings.replicas,
          selector: { matchLabels: selector },
          template: {
            metadata: { labels: this.podLabels, annotations },
            spec: {
              serviceAccountName: pod.serviceAccount,
              automountServiceAccountToken: false,
              securityContext: POD_SECURITY_CONTEXT,
              initContainers: verifiedModelPod(pod).initContainers,
              containers: [modelServerContainer(pod)],
              volumes: [...verifiedModelPod(pod).volumes, { name: "tmp", emptyDir: {} }],
            },
          },
        },
      }, parent);
      new k8s.core.v1.Service(`${name}-service`, {
        metadata: metadata(args.name),
        spec: { type: "ClusterIP", selector, ports: [{ name: "http", port: 80, targetPort: settings.port, protocol: "TCP" }] },
      }, parent);
    }

    const jwt = pulumi.output(args.jwt);
    const servingPort = settings.port;
    customResource<IRequestAuthentication>(`${name}-jwt`, {
      apiVersion: "security.istio.io/v1", kind: "RequestAuthentication", metadata: metadata(`${args.name}-jwt`),
      spec: jwt.apply((settings) => jwtAuthentication(selector, settings).spec ?? {}),
    }, parent);
    customResource<IAuthorizationPolicy>(`${name}-allow-inference`, {
      apiVersion: "security.istio.io/v1", kind: "AuthorizationPolicy", metadata: metadata(`${args.name}-allow-inference`),
      spec: pulumi.all([args.gatewayPrincipal, jwt]).apply(([gatewayPrincipal, settings]) =>
        allowInference({ selector, gatewayPrincipal, issuer: settings.issuer, port: servingPort, requiredClaims: args.requiredClaims }).spec ?? {}),
    }, parent);
    customResource<IEnvoyFilter>(`${name}-max-body`, { ...maxRequestBody(selector, settings.maxRequestBodyBytes), metadata: metadata(`${args.name}-max-body`) }, parent);
    if (args.rateLimit) {
      customResource<IEnvoyFilter>(`${name}-rate-limit`, {
        ...localRateLimit(selector, args.rateLimit), metadata: metadata(`${args.name}-rate-limit`),
      }, parent);
    }
    this.registerOutputs({ storageUri: this.storageUri });
  }
}

