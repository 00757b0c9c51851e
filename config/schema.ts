import { z } from "zod";
import { approvalSchema, approverSchema } from "./approvals";

/**
 * The one schema of the stack config. Every key the program reads is here, with its default;
 * `loadPlatformConfig` rejects anything else before a single resource is registered.
 */

/** RFC 1123 label, as Kubernetes requires for namespace names. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A Kubernetes resource quantity (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/). */
const QUANTITY = /^(\d+(\.\d+)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(root|role\/[\w+=,.@/-]+|user\/[\w+=,.@/-]+)$/;
const HTTPS_URL = /^https:\/\/[a-z0-9.-]+(:\d{1,5})?(\/[^\s]*)?$/i;
const IAM_OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/[a-z0-9.-]+(\/[\w.-]+)*$/i;
/** `namespace/name` of a ServiceAccount: a DNS label, then a DNS subdomain. */
const SERVICE_ACCOUNT_REFERENCE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const IPV4_CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/(3[0-2]|[12]?\d)$/;

const pinnedImage = z.string().regex(/^[^@\s]+@sha256:[a-f0-9]{64}$/, "must be pinned by digest: registry/repository@sha256:<64 hex>");

const dnsLabel = (maxLength: number) =>
  z
    .string()
    .max(maxLength, `must be at most ${maxLength} characters`)
    .regex(DNS_LABEL, "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit");

const quantity = z
  .union([z.string(), z.number()])
  .transform((value) => String(value))
  .refine((value) => QUANTITY.test(value), "must be a non-negative Kubernetes quantity such as 8, 500m, 64Gi")
  .refine((value) => !/^0*(\.0*)?[a-zA-Z]*$/.test(value), "must be greater than zero");

const count = z.number().int("must be a whole number").nonnegative("must not be negative");

export const dataClassifications = ["public", "internal", "confidential", "restricted"] as const;
const dataClassification = z.enum(dataClassifications);

const quotaSchema = z.strictObject({
  /** Total CPU the team's pods may request (and be limited to). */
  cpu: quantity,
  /** Total memory the team's pods may request (and be limited to). */
  memory: quantity,
  /** NVIDIA GPUs the team may request; 0 means no GPU workloads. */
  gpu: count.max(1024, "must be at most 1024"),
  /** Number of PersistentVolumeClaims. */
  pvcs: count.max(10000, "must be at most 10000").default(20),
  /** Total requested storage over all PVCs. */
  storage: quantity.default("1Ti"),
  /** Number of pods (running or pending). */
  pods: count.min(1, "must be at least 1").max(100000, "must be at most 100000").default(100),
});

const containerDefaultsSchema = z.strictObject({
  /** CPU request given to containers that declare none. */
  cpuRequest: quantity.default("250m"),
  /** CPU limit given to containers that declare none. */
  cpuLimit: quantity.default("1"),
  /** Memory request given to containers that declare none. */
  memoryRequest: quantity.default("512Mi"),
  /** Memory limit given to containers that declare none. */
  memoryLimit: quantity.default("2Gi"),
});

const teamSchema = z.strictObject({
  /** Team name: becomes the namespace `<name>` and prefixes in the buckets. */
  name: dnsLabel(40),
  /** The IdP group bound to the team's Role (a Kubernetes RBAC Group subject). */
  group: z.string().min(1, "must not be empty").max(256, "must be at most 256 characters"),
  /** Classification of the team's data, tagged on what it owns. */
  dataClassification: dataClassification.default("confidential"),
  quota: quotaSchema,
  containerDefaults: containerDefaultsSchema.prefault({}),
});

const objectLockSchema = z.strictObject({
  /** GOVERNANCE lets privileged users lift the lock; COMPLIANCE lets nobody, not even root. */
  mode: z.enum(["GOVERNANCE", "COMPLIANCE"]).default("GOVERNANCE"),
  /** Days every new artifact version is locked. */
  retentionDays: z.number().int("must be a whole number").min(1, "must be at least 1").max(36500, "must be at most 36500"),
});

const storageSchema = z.strictObject({
  /** KMS key deletion window; AWS allows 7-30, we require at least 14 so a mistaken delete can be undone. */
  kmsDeletionWindowDays: z.number().int("must be a whole number").min(14, "must be at least 14 (safe minimum)").max(30, "must be at most 30 (AWS maximum)").default(30),
  /** KMS automatic rotation period (AWS allows 90-2560 days). */
  kmsRotationPeriodDays: z.number().int("must be a whole number").min(90, "must be at least 90 (AWS minimum)").max(2560, "must be at most 2560 (AWS maximum)").default(365),
  /** IAM principals (besides the account root) allowed to administer the keys. */
  keyAdministratorArns: z.array(z.string().regex(IAM_PRINCIPAL_ARN, "must be an IAM role, user or root ARN")).default([]),
  /** IAM principals allowed to use the data keys (encrypt/decrypt) directly. */
  keyUserArns: z.array(z.string().regex(IAM_PRINCIPAL_ARN, "must be an IAM role, user or root ARN")).default([]),
  /** Days non-current object versions are kept in the data and artifact buckets. */
  noncurrentVersionRetentionDays: z.number().int("must be a whole number").min(1, "must be at least 1").max(3650, "must be at most 3650").default(90),
  /** Days S3 access logs are kept. */
  accessLogRetentionDays: z.number().int("must be a whole number").min(90, "must be at least 90 (audit minimum)").max(3650, "must be at most 3650").default(365),
  /** Object lock for the model-artifacts bucket (write-once artifacts); omit to leave it off. */
  artifactObjectLock: objectLockSchema.optional(),
});

const egressTargetSchema = z.strictObject({
  /** Short name, used in the NetworkPolicy name. */
  name: dnsLabel(30),
  /** IPv4 CIDR of the endpoint (an S3 VPC endpoint, the Vault cluster); never 0.0.0.0/0. */
  cidr: z
    .string()
    .regex(IPV4_CIDR, "must be an IPv4 CIDR such as 10.0.0.0/16")
    .refine((cidr) => !cidr.endsWith("/0"), "must not be a /0 route: egress to the whole internet defeats default-deny"),
  /** TCP ports allowed to that CIDR. */
  ports: z.array(z.number().int("must be a whole number").min(1, "must be a port 1-65535").max(65535, "must be a port 1-65535")).min(1, "must list at least one port"),
  /** Names clients connect to (TLS SNI), e.g. s3.us-west-2.amazonaws.com and *.s3.us-west-2.amazonaws.com: the mesh registers them (ServiceEntry). */
  hosts: z.array(z.string().regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, "must be a DNS name, optionally starting with *.")).min(1, "must list at least one host name"),
  /** TLS: the mesh matches the host names (SNI); TCP: address and port only. */
  protocol: z.enum(["TLS", "TCP"]).default("TLS"),
});

const seconds = (min: number, max: number) =>
  z.number().int("must be a whole number of seconds").min(min, `must be at least ${min} seconds`).max(max, `must be at most ${max} seconds`);

/** A TTL pair: the maximum must not be below the default. */
const ttlPair = <T extends z.ZodRawShape>(shape: T, ttlKey: keyof T & string, maxKey: keyof T & string) =>
  z.strictObject(shape).superRefine((value, ctx) => {
    const record = value as Record<string, number>;
    if (record[maxKey] < record[ttlKey]) {
      ctx.addIssue({ code: "custom", path: [maxKey], input: record[maxKey], message: `must not be below ${ttlKey} (${record[ttlKey]})` });
    }
  });

const databaseSchema = ttlPair({
  /** Host of the PostgreSQL server behind MLflow. */
  host: z.string().min(1, "must not be empty").max(253, "must be at most 253 characters"),
  port: z.number().int().min(1, "must be a port 1-65535").max(65535, "must be a port 1-65535").default(5432),
  /** Database name. */
  name: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a PostgreSQL identifier (lower case)").default("mlflow"),
  /** The management user Vault connects as; its bootstrap password is the secret key databasePassword, rotated by Vault at once. */
  username: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a PostgreSQL identifier (lower case)"),
  /** Bump to send a new databasePassword to Vault (write-only; Vault rotates it again right away). */
  passwordVersion: z.number().int("must be a whole number").min(1, "must be at least 1").default(1),
  sslMode: z.enum(["verify-full", "verify-ca", "require"]).default("verify-full"),
  /** Let Vault connect when the connection is configured; turn off for offline runs. */
  verifyConnection: z.boolean().default(true),
  /** Lease of a team's database users; at least 10 minutes, so each is replaced well before it ends. */
  credentialTtlSeconds: seconds(600, 14400).default(3600),
  credentialMaxTtlSeconds: seconds(600, 86400).default(14400),
}, "credentialTtlSeconds", "credentialMaxTtlSeconds");

const vaultSchema = ttlPair({
  /** Vault API address; https only. */
  address: z.string().regex(HTTPS_URL, "must be an https:// URL"),
  /** Mount path of the Kubernetes auth method. */
  authPath: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be a simple path segment").default("kubernetes"),
  /** Where Vault runs: in the cluster (reviews tokens with its own pod identity) or outside it (a dedicated token reviewer). */
  topology: z.enum(["in-cluster", "external"]).default("in-cluster"),
  /** The Kubernetes API server Vault calls for TokenReview. */
  kubernetesHost: z.string().regex(HTTPS_URL, "must be an https:// URL"),
  /** PEM CA of the Kubernetes API server; required when Vault runs outside the cluster. */
  kubernetesCaCert: z.string().startsWith("-----BEGIN CERTIFICATE-----", "must be a PEM certificate").optional(),
  /** Namespace of the token-reviewer service account created for an external Vault. */
  tokenReviewerNamespace: dnsLabel(63).default("kube-system"),
  /** Issuer tokens must carry; unset leaves the check to the TokenReview (EKS issuers are per-cluster OIDC URLs). */
  issuer: z.string().min(1, "must not be empty").optional(),
  /** Audience the projected service account tokens must carry. */
  audience: z.string().min(1, "must not be empty").default("vault"),
  tokenTtlSeconds: seconds(60, 3600).default(900),
  tokenMaxTtlSeconds: seconds(60, 86400).default(3600),
  /** Where the file audit device writes, on the Vault server. */
  auditLogPath: z.string().regex(/^\/[\w./-]+$/, "must be an absolute file path").default("/vault/audit/vault-audit.log"),
  database: databaseSchema.optional(),
}, "tokenTtlSeconds", "tokenMaxTtlSeconds");

const awsWorkloadIdentitySchema = z.strictObject({
  /** The cluster's IAM OIDC provider (EKS creates its issuer; register it in IAM). */
  oidcProviderArn: z.string().regex(IAM_OIDC_PROVIDER_ARN, "must be an IAM OIDC provider ARN such as arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLE"),
  /** The service account issuer, as in the tokens' iss claim (EKS: https://oidc.eks.<region>.amazonaws.com/id/<id>). */
  issuerUrl: z.string().regex(HTTPS_URL, "must be an https:// URL"),
  /** Longest STS session a pod's SDK may request (IAM allows 1-12 h). */
  sessionDurationSeconds: seconds(3600, 43200).default(3600),
}).superRefine((value, ctx) => {
  if (!value.oidcProviderArn.endsWith(`:oidc-provider/${value.issuerUrl.replace(/^https:\/\//, "")}`)) {
    ctx.addIssue({ code: "custom", path: ["oidcProviderArn"], input: value.oidcProviderArn, message: `must be the provider of issuerUrl (${value.issuerUrl}): the roles would trust another issuer` });
  }
});

const externalSecretsSchema = z.strictObject({
  /** Install the External Secrets Operator with Helm; false when the cluster already runs one. */
  install: z.boolean().default(true),
  /** Helm chart version, pinned: the one test/upstream holds the program's values to (there is no 2.10.0). */
  // renovate: datasource=helm depName=external-secrets registryUrl=https://charts.external-secrets.io
  chartVersion: z.string().regex(/^\d+\.\d+\.\d+$/, "must be an exact version such as 2.9.0").default("2.9.0"),
  namespace: dnsLabel(63).default("external-secrets"),
});

const endpointSchema = z.strictObject({
  cidr: z
    .string()
    .regex(IPV4_CIDR, "must be an IPv4 CIDR such as 10.0.0.0/16")
    .refine((cidr) => !cidr.endsWith("/0"), "must not be a /0 route"),
  ports: z.array(z.number().int().min(1, "must be a port 1-65535").max(65535, "must be a port 1-65535")).min(1, "must list at least one port"),
});

const jwtSchema = z.strictObject({
  /** Issuer (iss claim) of the tokens inference clients present. */
  issuer: z.string().regex(HTTPS_URL, "must be an https:// URL"),
  /** Where the issuer publishes its signing keys; https only. */
  jwksUri: z.string().regex(HTTPS_URL, "must be an https:// URL"),
  /** Accepted aud claims. */
  audiences: z.array(z.string().min(1, "must not be empty")).min(1, "must list at least one audience"),
});

/** `<service>.<namespace>.svc[.<cluster domain>]`: a Service of the cluster, not a host outside it. */
const IN_CLUSTER_HOST = /^[a-z0-9-]+\.([a-z0-9-]+)\.svc(\.[a-z0-9.-]+)?$/;

const jwksEndpointSchema = z.union([
  endpointSchema,
  z.strictObject({ namespace: dnsLabel(63), ports: endpointSchema.shape.ports }),
], { error: "must be {cidr, ports} for a JWKS server outside the cluster or {namespace, ports} for one inside it" });

const limitCount = (max: number) => z.number().int("must be a whole number").min(1, "must be at least 1").max(max, `must be at most ${max}`);

/** A token bucket refilled every second; a bucket smaller than a second's refill would cap the rate at its size. */
const bucketShape = { requestsPerSecond: limitCount(100000), burst: limitCount(100000) };
const burstCoversRate = (bucket: { requestsPerSecond: number; burst: number }, ctx: z.RefinementCtx) => {
  if (bucket.burst < bucket.requestsPerSecond) ctx.addIssue({ code: "custom", path: ["burst"], input: bucket.burst, message: `must be at least requestsPerSecond (${bucket.requestsPerSecond}): a smaller bucket caps the rate at ${bucket.burst} a second` });
};

const perCallerSchema = z.strictObject({
  requestsPerSecond: bucketShape.requestsPerSecond.default(5),
  burst: bucketShape.burst.default(10),
  /** Envoy resets a request that takes longer at the proxy; with the bucket it bounds a caller's requests in flight. */
  maxRequestSeconds: limitCount(3600).default(10),
  /** The per-caller concurrency cap per replica: burst + requestsPerSecond × maxRequestSeconds must not exceed it. */
  maxInFlight: limitCount(1000000).default(60),
  /** Callers whose buckets a replica keeps; past it the least recently seen caller's bucket is dropped and starts full again. */
  maxCallers: limitCount(100000).default(1000),
}).superRefine((caller, ctx) => {
  burstCoversRate(caller, ctx);
  const inFlight = caller.burst + caller.requestsPerSecond * caller.maxRequestSeconds;
  if (inFlight > caller.maxInFlight) {
    ctx.addIssue({ code: "custom", path: ["maxInFlight"], input: caller.maxInFlight, message: `is below the ${inFlight} requests a caller can have in flight per replica (burst ${caller.burst} + requestsPerSecond ${caller.requestsPerSecond} × maxRequestSeconds ${caller.maxRequestSeconds}); raise it or lower those` });
  }
});

const rateLimitSchema = z.strictObject({
  /** The endpoint-wide backstop per replica, shared by all callers. */
  requestsPerSecond: bucketShape.requestsPerSecond.default(50),
  burst: bucketShape.burst.default(100),
  perCaller: perCallerSchema.prefault({}),
}).superRefine((limits, ctx) => {
  burstCoversRate(limits, ctx);
  for (const key of ["requestsPerSecond", "burst"] as const) {
    if (limits.perCaller[key] > limits[key]) ctx.addIssue({ code: "custom", path: ["perCaller", key], input: limits.perCaller[key], message: `must be at most the endpoint's ${key} (${limits[key]}): a caller's limit above it is never reached` });
  }
});

const meshSchema = z.strictObject({
  /** Install Istio (base, CNI, istiod) with Helm; false to use the cluster's existing mesh. */
  install: z.boolean().default(true),
  // renovate: datasource=helm depName=istiod registryUrl=https://istio-release.storage.googleapis.com/charts
  istioVersion: z.string().regex(/^\d+\.\d+\.\d+$/, "must be an exact version such as 1.30.0").default("1.30.0"),
  /** Istio control-plane namespace (also the mesh root namespace). */
  namespace: dnsLabel(63).default("istio-system"),
  trustDomain: z.string().regex(/^[a-z0-9.-]+$/, "must be a DNS name").default("cluster.local"),
  /** Service account of the ingress gateway: the only peer allowed to call model endpoints. */
  ingressGatewayServiceAccount: dnsLabel(63).default("istio-ingressgateway"),
  /**
   * The sidecar image istiod injects into every meshed pod (istio-proxy, istio-validation): a mirror of
   * Istio's proxyv2 at istioVersion, pinned by digest, from an allowed registry. Required with install
   * while the admission policies are on: they refuse every other image, the sidecar's too.
   */
  proxyImage: pinnedImage.optional(),
  jwt: jwtSchema,
  /**
   * The server behind jwt.jwksUri as istiod's pods reach it (with install): istiod downloads the keys
   * itself from a default-deny namespace. {cidr, ports} outside the cluster, {namespace, ports} inside it.
   */
  jwksEndpoint: jwksEndpointSchema.optional(),
  /** Inference rate limits of every model endpoint, per replica: per caller (validated token subject) and endpoint-wide. On unless the mesh is off. */
  rateLimit: rateLimitSchema.prefault({}),
  /** Largest inference request body the proxy accepts. */
  maxRequestBodyBytes: z.number().int().min(1024, "must be at least 1024").max(104857600, "must be at most 100 MiB").default(10485760),
}).superRefine((mesh, ctx) => {
  const endpoint = mesh.jwksEndpoint;
  const problem = (path: string[], message: string, input: unknown) => ctx.addIssue({ code: "custom", path, input, message });
  if (!mesh.install) {
    if (endpoint) problem(["jwksEndpoint"], "is only used with install (it opens istiod's egress); remove it", endpoint);
    return;
  }
  const uri = new URL(mesh.jwt.jwksUri);
  const port = Number(uri.port || 443);
  const namespace = IN_CLUSTER_HOST.exec(uri.hostname)?.[1];
  const wanted = namespace ? `{namespace: ${namespace}, ports: [<port its pods listen on>]}` : `{cidr: <addresses ${uri.hostname} resolves to>, ports: [${port}]}`;
  if (!endpoint) problem(["jwksEndpoint"], `is required with install: istiod downloads jwt.jwksUri from ${uri.hostname} itself, out of a default-deny namespace; set ${wanted}`, endpoint);
  else if ("cidr" in endpoint) {
    if (namespace) problem(["jwksEndpoint"], `${uri.hostname} is a Service in namespace ${namespace} (whether an ipBlock matches a Service IP is up to the network plugin); set ${wanted}`, endpoint);
    else if (!endpoint.ports.includes(port)) problem(["jwksEndpoint", "ports"], `must include ${port}, the port of jwt.jwksUri`, endpoint.ports);
  } else if (!namespace) problem(["jwksEndpoint"], `${uri.hostname} is outside the cluster; set ${wanted}`, endpoint);
  else if (endpoint.namespace !== namespace) problem(["jwksEndpoint", "namespace"], `must be ${namespace}, the namespace of jwt.jwksUri's host ${uri.hostname}`, endpoint.namespace);
});

const modelSchema = z.strictObject({
  /** Team publishing the model (one of teams[].name). */
  team: dnsLabel(40),
  /** Model name: the endpoint's name and the mlops.io/model-name label. */
  name: dnsLabel(40),
  version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "must be a label value such as 3 or 2024-06-01"),
  /** Model server image, pinned by digest. */
  image: z.string().regex(/^[^@\s]+@sha256:[a-f0-9]{64}$/, "must be pinned by digest: registry/repository@sha256:<64 hex>"),
  /** The model directory inside the team's prefix of the model-artifacts bucket, e.g. fraud/3/, with its signed manifest model.sig (or give artifactImage). */
  artifactPath: z.string().regex(/^(?!\/)(?!.*\.\.)[A-Za-z0-9._\/-]+$/, "must be a relative path without '..'").optional(),
  /** The model as an OCI image (files under /models, model.sig among them), pinned by digest, from an allowed registry (or give artifactPath). */
  artifactImage: z.string().regex(/^[^@\s]+@sha256:[a-f0-9]{64}$/, "must be pinned by digest: registry/repository@sha256:<64 hex>").optional(),
  /** SHA-256 of the model's signed manifest (model.sig's DSSE payload: npm run model-verify -- digest model.sig); the model starts only if its files match it. */
  artifactSha256: z.string().regex(/^[a-f0-9]{64}$/, "must be 64 lower-case hex characters"),
  /** Model format KServe serves it with (sklearn, xgboost, pytorch, onnx, huggingface...). */
  modelFormat: z.string().regex(/^[a-z0-9-]+$/, "must be a KServe model format name").default("sklearn"),
  /** kserve: an InferenceService (Standard mode); deployment: a Deployment and a Service. */
  runtime: z.enum(["kserve", "deployment"]).default("kserve"),
  cpu: quantity.default("1"),
  memory: quantity.default("2Gi"),
  gpu: count.max(16, "must be at most 16").default(0),
  replicas: z.number().int().min(1, "must be at least 1").max(100, "must be at most 100").default(2),
  /** JWT claims a caller must carry, e.g. {groups: [fraud-api-consumers]}; a dotted name is a nested claim. */
  requiredClaims: z.record(z.string().regex(/^[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*$/, "must be a claim name, with dots for nested claims (realm_access.roles)"), z.array(z.string().min(1)).min(1)).optional(),
});


const modelVerificationSchema = z.strictObject({
  /** The model-verify image (built from tools/model-verify/Dockerfile), run as each served model's last init container. */
  verifierImage: pinnedImage,
  /** KServe's storage-initializer image, which downloads s3:// models before they are verified. */
  downloaderImage: pinnedImage,
});

const auditSchema = z.strictObject({
  /** Record every region's management events, not just this one's. */
  multiRegion: z.boolean().default(true),
  /** Days CloudTrail log files stay locked (write-once). */
  retentionDays: z.number().int().min(90, "must be at least 90 (audit minimum)").max(3650, "must be at most 3650").default(365),
  lockMode: z.enum(["GOVERNANCE", "COMPLIANCE"]).default("GOVERNANCE"),
});

const alertsSchema = z.strictObject({
  latencyP95Ms: z.number().int().min(1, "must be at least 1").max(600000, "must be at most 600000").default(500),
  errorRatePercent: z.number().min(0.1, "must be at least 0.1").max(100, "must be at most 100").default(5),
  authFailuresPerMinute: z.number().min(1, "must be at least 1").max(100000, "must be at most 100000").default(30),
  callerRequestsPerSecond: z.number().min(0.1, "must be at least 0.1").max(100000, "must be at most 100000").default(20),
  /** Share of a rate limit (per caller, endpoint-wide) whose sustained use raises an alert, in percent. */
  rateLimitUsePercent: z.number().min(1, "must be at least 1").max(100, "must be at most 100").default(80),
  gpuQuotaPercent: z.number().min(1, "must be at least 1").max(100, "must be at most 100").default(90),
});

const signatureAuthoritySchema = z.union([
  z.strictObject({ publicKey: z.string().startsWith("-----BEGIN PUBLIC KEY-----", "must be a PEM public key") }),
  z.strictObject({
    keyless: z.strictObject({
      issuer: z.string().regex(HTTPS_URL, "must be an https:// URL"),
      subjectRegExp: z.string().min(2, "must not be empty").refine((value) => value.startsWith("^") && value.endsWith("$"), "must be anchored (^...$), or any identity of the issuer would match"),
    }),
  }),
], { error: "must be {publicKey: <PEM>} or {keyless: {issuer, subjectRegExp}}" });

const supplyChainSchema = z.strictObject({
  /** Install the Sigstore policy-controller with Helm. */
  install: z.boolean().default(true),
  // renovate: datasource=helm depName=policy-controller registryUrl=https://sigstore.github.io/helm-charts
  chartVersion: z.string().regex(/^\d+\.\d+\.\d+$/, "must be an exact version such as 0.10.5").default("0.10.5"),
  namespace: dnsLabel(63).default("cosign-system"),
  /** Who must have signed team images. */
  authority: signatureAuthoritySchema,
  /** Where the controller fetches signatures (registry endpoints, Sigstore services or a proxy). */
  egress: z.array(z.strictObject({
    cidr: z.string().regex(IPV4_CIDR, "must be an IPv4 CIDR such as 10.0.0.0/16").refine((cidr) => !cidr.endsWith("/0"), "must not be a /0 route"),
    ports: z.array(z.number().int().min(1, "must be a port 1-65535").max(65535, "must be a port 1-65535")).min(1, "must list at least one port"),
  })).min(1, "must list at least one endpoint"),
  /** OCI model images (oci:// storage URIs) whose approval admission requires as a cosign attestation, and who signs those attestations. */
  approvalAttestations: z.strictObject({
    images: z.array(z.string().min(1, "must not be empty")).min(1, "must list the OCI model repositories, e.g. <registry>/models/**"),
    authority: signatureAuthoritySchema,
  }).optional(),
});

/** A host name (RFC 1123) or an IPv4 address. */
const HOST = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const sinkCidr = z.string().regex(IPV4_CIDR, "must be an IPv4 CIDR such as 10.0.0.0/16").refine((cidr) => !cidr.endsWith("/0"), "must not be a /0 route: name the SIEM's addresses");

const securityEventsSchema = z.strictObject({
  /** The SIEM every security event source ships to: Falco (falcosidekick), Vault's audit device and the mesh's access logs. */
  sink: z.strictObject({
    syslog: z.strictObject({
      host: z.string().regex(HOST, "must be a host name or IPv4 address"),
      port: z.number().int("must be a whole number").min(1, "must be a port 1-65535").max(65535, "must be a port 1-65535").default(514),
      /** tcp, or udp (entries can be lost without notice). */
      protocol: z.enum(["tcp", "udp"]).default("tcp"),
      /** Addresses the host resolves to: the senders' NetworkPolicies open egress to them. */
      cidr: sinkCidr,
    }).optional(),
    http: z.strictObject({
      /** The SIEM's HTTP event collector; https only. */
      url: z.string().regex(HTTPS_URL, "must be an https:// URL"),
      /** Addresses the URL's host resolves to: the senders' NetworkPolicies open egress to them. */
      cidr: sinkCidr,
    }).optional(),
  }).superRefine((sink, ctx) => {
    // One object per kind, so a bad field inside it is named exactly; exactly one kind is set.
    if ((sink.syslog === undefined) === (sink.http === undefined)) ctx.addIssue({ code: "custom", input: sink, message: "must set exactly one of syslog: {host, port, protocol, cidr} or http: {url, cidr}" });
  }).transform((sink) => (sink.syslog ? { syslog: sink.syslog } : { http: sink.http! })),
  /** The mesh's access logs, through an OpenTelemetry Collector (required with mesh.install). */
  meshAccessLogs: z.strictObject({
    /** otel/opentelemetry-collector-contrib 0.159.0 (the distribution with the syslog exporter), mirrored into an allowed registry, pinned by digest. */
    collectorImage: z.string().min(1, "must not be empty"),
  }).optional(),
});

/** `http(s)://<service>.<namespace>.svc[.<domain>][:port]`: a Service of the cluster. */
const IN_CLUSTER_URL = /^https?:\/\/[a-z0-9-]+\.[a-z0-9-]+\.svc(\.[a-z0-9.-]+)?(:\d{1,5})?\/?$/;

const runtimeDetectionSchema = z.strictObject({
  /** falco Helm chart version, pinned: the one whose values and templates the component was checked against. */
  // renovate: datasource=helm depName=falco registryUrl=https://falcosecurity.github.io/charts
  chartVersion: z.string().regex(/^\d+\.\d+\.\d+$/, "must be an exact version such as 9.1.0").default("9.1.0"),
  /** Alertmanager as falcosidekick reaches it; default the Prometheus Operator's alertmanager-operated Service in kubernetes.monitoringNamespace. */
  alertmanagerUrl: z.string().regex(IN_CLUSTER_URL, "must be http(s)://<service>.<namespace>.svc[:port], a Service inside the cluster").optional(),
  /** Process names that may read the mounted credentials (the model server or training runtime); any other reader alerts. */
  credentialReaders: z.array(z.string().regex(/^[A-Za-z0-9._+-]{1,15}$/, "must be a process name (Linux keeps at most 15 characters)")).min(1, "must list at least one process").default(["python", "python3", "tritonserver", "java"]),
  /** Serve Falco's Prometheus metrics to kubernetes.monitoringNamespace (the only ingress the namespace allows). */
  metrics: z.boolean().default(false),
});

const kubernetesSchema = z.strictObject({
  /** kubeconfig context to deploy to; omit to use the ambient kubeconfig. */
  context: z.string().min(1, "must not be empty").optional(),
  /** Pod Security Standards version pinned on team namespaces (`v1.N` or `latest`). */
  podSecurityVersion: z.string().regex(/^(v1\.\d+|latest)$/, "must be v1.<minor> or latest").default("v1.35"),
  /** Namespace of the mesh ingress gateway: the only source allowed to reach serving pods. */
  meshIngressNamespace: dnsLabel(63).default("istio-ingress"),
  /** Namespace of the Istio control plane, which sidecars must reach for config and certificates. */
  meshControlPlaneNamespace: dnsLabel(63).default("istio-system"),
  /** Namespace of the Prometheus that scrapes the sidecars' merged metrics port (15020) in team namespaces. */
  monitoringNamespace: dnsLabel(63).default("monitoring"),
  /** Whether team namespaces get Istio sidecar injection. */
  istioInjection: z.boolean().default(true),
  /** Rendezvous ports open between a team's training pods (torch.distributed MASTER_PORT); NCCL/Gloo use the fixed collective range 40000-41023. */
  trainingPorts: z.array(z.number().int().min(1, "must be a port 1-65535").max(65535, "must be a port 1-65535")).min(1, "must list at least one port").default([29500]),
  /** Port serving pods listen on for inference. */
  servingPort: z.number().int().min(1, "must be a port 1-65535").max(65535, "must be a port 1-65535").default(8080),
  /** The only destinations team pods may reach besides DNS (storage, Vault). */
  egress: z.array(egressTargetSchema).default([]),
  /** The Kubernetes API server as seen from pods: platform operators (External Secrets) need it. */
  apiServer: endpointSchema.optional(),
  /** The Vault server as seen from pods: the External Secrets Operator calls it. */
  vaultEndpoint: endpointSchema.optional(),
  /** Registries images may come from, enforced in-cluster by a ValidatingAdmissionPolicy (`*` matches one DNS label). */
  allowedImageRegistries: z.array(z.string().regex(/^[a-z0-9*.:-]+(\/[a-z0-9._\/-]+)?$/, "must be a registry host, optionally with a repository prefix")).min(1, "must list at least one registry").default(["*.dkr.ecr.*.amazonaws.com", "public.ecr.aws", "registry.k8s.io", "nvcr.io"]),
  /** Install the in-cluster admission policies (ValidatingAdmissionPolicy, Kubernetes 1.30+). */
  admissionPolicies: z.boolean().default(true),
  /** Namespaces the admission policies skip even when labelled as a team's (ml-guard's exemptNamespaces default). */
  admissionExemptNamespaces: z.array(dnsLabel(63)).default(["kube-system", "kube-public", "kube-node-lease"]),
  /** ServiceAccounts (`namespace/name`) whose pods the admission policies let mount a Kubernetes API token, e.g. an operator that calls the API. */
  allowedTokenServiceAccounts: z.array(z.string().regex(SERVICE_ACCOUNT_REFERENCE, "must be namespace/name of a ServiceAccount, such as vision/model-operator")).default([]),
});

export const platformConfigSchema = z.strictObject({
  /** Environment name (dev, staging, prod...): used in resource names and tags. */
  environment: dnsLabel(20),
  /** AWS region, read from the provider's own `aws:region` key. */
  awsRegion: z.string().regex(AWS_REGION, "must be an AWS region such as us-west-2"),
  /** Owner tag put on shared resources. */
  owner: z.string().min(1, "must not be empty").max(128, "must be at most 128 characters").default("ml-platform"),
  teams: z
    .array(teamSchema)
    .min(1, "must list at least one team")
    .max(1000, "must list at most 1000 teams")
    .superRefine(
      (teams, ctx) => {
        const seen = new Map<string, number>();
        teams.forEach((team, index) => {
          const first = seen.get(team?.name);
          if (first !== undefined) {
            ctx.addIssue({
              code: "custom",
              path: [index, "name"],
              input: team.name,
              message: `duplicates the name of teams[${first}]; team names must be unique`,
            });
          }
          if (typeof team?.name === "string") seen.set(team.name, index);
        });
      },
      // Report duplicates even when some other team entry is invalid, so one run shows every problem.
      { when: (payload) => Array.isArray(payload.value) },
    ),
  storage: storageSchema.prefault({}),
  kubernetes: kubernetesSchema.prefault({}),
  /** Vault: Kubernetes auth, per-identity policies and roles, dynamic database credentials. */
  vault: vaultSchema.optional(),
  /** AWS access of team pods: per team an IAM role for training and one for serving, assumed through IRSA. */
  awsWorkloadIdentity: awsWorkloadIdentitySchema.optional(),
  /** External Secrets Operator delivering Vault credentials to team namespaces (needs vault). */
  externalSecrets: externalSecretsSchema.optional(),
  /** Istio: mTLS, JWT authentication and authorization for inference. */
  mesh: meshSchema.optional(),
  /** CloudTrail data events for the data buckets, into a locked log bucket. */
  audit: auditSchema.prefault({}),
  /** Prometheus alerts per team (needs the Prometheus Operator). */
  alerts: alertsSchema.optional(),
  /** Cosign signatures required at admission (Sigstore policy-controller). */
  supplyChain: supplyChainSchema.optional(),
  /** Falco runtime threat detection, its events to Alertmanager (needs the Prometheus Operator's Alertmanager). */
  runtimeDetection: runtimeDetectionSchema.optional(),
  /** Ship security events (Falco, Vault audit, the mesh's access logs) to a SIEM; omit to keep them in the cluster. */
  securityEvents: securityEventsSchema.optional(),
  /** Verify at load: the images that fetch and verify every served model (required when models are served); manifests are signed by supplyChain.authority. */
  modelVerification: modelVerificationSchema.optional(),
  /** Models the platform publishes itself (team stacks publish their own). */
  models: z.array(modelSchema).max(1000, "must list at most 1000 models").default([]),
  /** Who may approve models for production, with their teams (four eyes). */
  approvers: z.array(approverSchema).max(1000, "must list at most 1000 approvers").default([]),
  /** Approvals of model artifacts for production, one per artifact digest of an endpoint (ml-guard requires them in production stacks). */
  approvals: z.array(approvalSchema).max(10000, "must list at most 10000 approvals").default([]),
  /** Vault token for the provider (secret); omit to use VAULT_TOKEN from the environment. */
  vaultToken: z.string().min(1, "must not be empty").optional(),
  /** Password of vault.database.username (secret). */
  databasePassword: z.string().min(1, "must not be empty").optional(),
});

export type PlatformConfig = z.infer<typeof platformConfigSchema>;
export type TeamConfig = PlatformConfig["teams"][number];
export type StorageConfig = PlatformConfig["storage"];
export type KubernetesConfig = PlatformConfig["kubernetes"];
export type VaultConfig = NonNullable<PlatformConfig["vault"]>;
export type ExternalSecretsConfig = NonNullable<PlatformConfig["externalSecrets"]>;
export type MeshConfig = NonNullable<PlatformConfig["mesh"]>;
export type ModelConfig = PlatformConfig["models"][number];

/** Keys whose values are credentials: they must be set with `pulumi config set --secret`. */
export const SECRET_FIELDS = ["vaultToken", "databasePassword"] as const;
export type DataClassification = (typeof dataClassifications)[number];
