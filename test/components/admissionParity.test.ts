/**
 * Admission parity: ml-guard's mandatory workload rules that Pod Security admission does not cover
 * give the same verdict at preview (the pack on the resource) and in the cluster (the
 * ValidatingAdmissionPolicies on the workload when it is applied, and on each of its pods as the
 * API server stores it after the ServiceAccount admission plugin). Every case also states the
 * verdict it expects, so agreement on a wrong answer fails too.
 */
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_EXEMPT_NAMESPACES } from "../../policypacks/ml-guard/lib/config";
import { DEFAULT_SERVING_SERVICE_ACCOUNT } from "../../policypacks/ml-guard/lib/servingWorkloads";
import { DEFAULT_MODEL_LABELS } from "../../policypacks/ml-guard/policies/workloads";
import { admissionDenials, type InstalledPolicy } from "../support/admissionSimulator";
import { admittedPods, chainVerdict, installedPolicies, refusedRules, requestFor } from "../support/admissionChain";
import { policyNamed, validateResource } from "../support/policyArgs";
import { installRecordingMocks, settle, valueOf } from "../support/pulumiMocks";
import { injectedTokenVolume, type ServiceAccountState } from "../support/serviceAccountAdmission";
import { compliantContainer, compliantPodSpec, PINNED_IMAGE, servingLabels, workloadKinds } from "../support/workloads";

const created = installRecordingMocks();

import { AdmissionPolicies, DEFAULT_API_SERVER_AUDIENCES, DEFAULT_EXEMPT_NAMESPACES as COMPONENT_EXEMPT } from "../../components/admission/admissionPolicies";
import { MODEL_LABELS } from "../../components/admission/servingRules";
import { MODEL_SHA256_ANNOTATION } from "../../components/serving/inferenceService";

const ALLOWLIST = ["vision/model-operator"];
const admission = new AdmissionPolicies("parity", { allowedRegistries: ["*.dkr.ecr.*.amazonaws.com"], allowedTokenServiceAccounts: ALLOWLIST });
const sandboxed = new AdmissionPolicies("sandboxed", { allowedRegistries: ["*.dkr.ecr.*.amazonaws.com"], exemptNamespaces: ["sandbox"] });
const unexempt = new AdmissionPolicies("unexempt", { allowedRegistries: ["*.dkr.ecr.*.amazonaws.com"], exemptNamespaces: [] });

const TEAM = { "mlops.io/team": "vision" };
/** The team's ServiceAccounts (TeamNamespace turns automount off), one that automounts, and the namespace's default (no field). */
const ACCOUNTS: Record<string, ServiceAccountState> = { training: { automountServiceAccountToken: false }, serving: { automountServiceAccountToken: false }, builder: {} };
const ML_GUARD_CONFIG = { allowedTokenServiceAccounts: ALLOWLIST };
const SHA = "e".repeat(64);

let policies: InstalledPolicy[];

beforeAll(async () => {
  await valueOf(pulumi.all([admission.urn, sandboxed.urn, unexempt.urn]));
  await settle();
  policies = installedPolicies(created, "parity");
});

type Kind = ReturnType<typeof workloadKinds>[number];
type Mutate = (spec: Record<string, any>) => void;

/** The shared workload kinds, plus the template kinds the fixtures leave out (ReplicaSet, ReplicationController). */
function kinds(spec: Record<string, any>, labels: Record<string, string> = {}): Kind[] {
  const all = workloadKinds(spec, labels);
  const deployment = all.find(([kind]) => kind === "Deployment")!;
  return [
    ...all,
    ["ReplicaSet", "kubernetes:apps/v1:ReplicaSet", deployment[2], deployment[3]],
    ["ReplicationController", "kubernetes:core/v1:ReplicationController", deployment[2], deployment[3]],
  ];
}

const withSpec = (mutate: Mutate) => {
  const spec = compliantPodSpec();
  mutate(spec);
  return spec;
};

/** Whether ml-guard reports a policy-level finding of `rule` for the resource. */
const mlGuardRefuses = (rule: string, [, type, props]: Kind) => validateResource(rule, type, props, ML_GUARD_CONFIG).some((finding) => finding.level === "policy");

/** The verdicts on one resource for one rule: ml-guard's, the workload's at admission (when a policy matches its kind), its pods'. */
function verdicts(rule: string, kind: Kind, accounts = ACCOUNTS, installed = policies) {
  const chain = chainVerdict(installed, kind[1], kind[2] as Record<string, any>, TEAM, accounts);
  const matchedByKind = chain.workload !== undefined && (kind[0] !== "InferenceService" || rule.startsWith("serving-"));
  return {
    mlGuard: mlGuardRefuses(rule, kind),
    ...(matchedByKind ? { workload: chain.workload!.includes(rule) } : {}),
    pods: chain.pods.includes(rule),
  };
}

/** Every verdict equal to `refused`: the workload's (where a policy matches its kind), its pods', ml-guard's. */
function expectEverywhere(rule: string, spec: Record<string, any>, refused: boolean, labels: Record<string, string> = {}) {
  for (const kind of kinds(spec, labels)) {
    const found = verdicts(rule, kind);
    const expected = { mlGuard: refused, ...("workload" in found ? { workload: refused } : {}), pods: refused };
    expect([kind[0], found]).toEqual([kind[0], expected]);
  }
}

describe("the policies carry ml-guard's defaults", () => {
  it("exempt namespaces, serving account, model labels and API server audiences are ml-guard's", () => {
    expect(COMPONENT_EXEMPT).toEqual(DEFAULT_EXEMPT_NAMESPACES);
    expect(MODEL_LABELS).toEqual(DEFAULT_MODEL_LABELS);
    const tokenSchema = policyNamed("pod-restrict-api-token-mount").configSchema!.properties;
    expect(DEFAULT_API_SERVER_AUDIENCES).toEqual((tokenSchema.apiServerAudiences as { default: string[] }).default);
    const servingSchema = policyNamed("serving-missing-model-labels").configSchema!.properties;
    expect(DEFAULT_SERVING_SERVICE_ACCOUNT).toBe((servingSchema.servingServiceAccount as { default: string }).default);
  });
});

describe("pod-require-read-only-root-filesystem", () => {
  const RULE = "pod-require-read-only-root-filesystem";

  it.each<[string, Mutate, boolean]>([
    ["every container read-only", () => undefined, false],
    ["a container with readOnlyRootFilesystem: false", (s) => (s.containers[0].securityContext.readOnlyRootFilesystem = false), true],
    ["an init container without the field", (s) => delete s.initContainers[0].securityContext.readOnlyRootFilesystem, true],
    ["a container without a securityContext", (s) => delete s.containers[0].securityContext, true],
    ["a second container writable, the first read-only", (s) => s.containers.push({ ...compliantContainer("sidecar"), securityContext: {} }), true],
    // The API refuses the field on Windows pods, so ml-guard and the policy both skip them.
    ["a Windows pod without the field", (s) => {
      s.os = { name: "windows" };
      for (const container of [...s.containers, ...s.initContainers]) delete container.securityContext.readOnlyRootFilesystem;
    }, false],
  ])("%s: the same verdict at preview, on the workload and on its pods", (_name, mutate, refused) => {
    expectEverywhere(RULE, withSpec(mutate), refused);
  });

  it("checks a debug container added with kubectl debug (pods/ephemeralcontainers), as ml-guard checks ephemeral containers", () => {
    const debug = (securityContext: Record<string, unknown>) => ({ metadata: { name: "p", namespace: "vision" }, spec: { ...compliantPodSpec(), ephemeralContainers: [{ name: "debug", image: PINNED_IMAGE, securityContext }] } });
    for (const [pod, refused] of [[debug({}), true], [debug({ readOnlyRootFilesystem: true }), false]] as const) {
      const request = { ...requestFor("kubernetes:core/v1:Pod", pod, "UPDATE"), subResource: "ephemeralcontainers" };
      expect([refusedRules(admissionDenials(policies, request, TEAM)).includes(RULE), mlGuardRefuses(RULE, ["Pod", "kubernetes:core/v1:Pod", pod, "spec"])]).toEqual([refused, refused]);
    }
  });
});

describe("pod-disallow-default-service-account", () => {
  const RULE = "pod-disallow-default-service-account";

  it.each<[string, Mutate, boolean]>([
    ["a dedicated ServiceAccount", () => undefined, false],
    // The ServiceAccount plugin sets an unset name to "default" before the policy sees the pod.
    ["no serviceAccountName", (s) => delete s.serviceAccountName, true],
    ["serviceAccountName: default", (s) => (s.serviceAccountName = "default"), true],
    ["an empty serviceAccountName", (s) => (s.serviceAccountName = ""), true],
    ["only the deprecated serviceAccount alias, default", (s) => { delete s.serviceAccountName; s.serviceAccount = "default"; }, true],
    ["only the deprecated serviceAccount alias, a dedicated one", (s) => { delete s.serviceAccountName; s.serviceAccount = "training"; }, false],
  ])("%s: the same verdict at preview, on the workload and on its pods", (_name, mutate, refused) => {
    expectEverywhere(RULE, withSpec(mutate), refused);
  });
});

describe("pod-restrict-api-token-mount", () => {
  const RULE = "pod-restrict-api-token-mount";
  const projected = (audience?: string) => ({ name: "token", projected: { sources: [{ serviceAccountToken: { path: "token", ...(audience === undefined ? {} : { audience }) } }] } });

  it.each<[string, Mutate, boolean]>([
    ["automountServiceAccountToken: false", () => undefined, false],
    ["automountServiceAccountToken: true", (s) => (s.automountServiceAccountToken = true), true],
    ["a projected token without audience", (s) => s.volumes.push(projected()), true],
    ["a projected token with an empty audience", (s) => s.volumes.push(projected("")), true],
    ["a projected token for https://kubernetes.default.svc", (s) => s.volumes.push(projected("https://kubernetes.default.svc")), true],
    ["a projected token for vault", (s) => s.volumes.push(projected("vault")), false],
    ["automount true as an allowlisted ServiceAccount", (s) => { s.serviceAccountName = "model-operator"; s.automountServiceAccountToken = true; }, false],
    ["a projected API token as an allowlisted ServiceAccount", (s) => { s.serviceAccountName = "model-operator"; s.volumes.push(projected()); }, false],
  ])("%s: the same verdict at preview, on the workload and on its pods", (_name, mutate, refused) => {
    expectEverywhere(RULE, withSpec(mutate), refused);
  });

  it("refuses the pods of a workload that inherits automount from a ServiceAccount that does not turn it off: the kube-api-access volume shows on the stored pod", () => {
    const spec = withSpec((s) => { delete s.automountServiceAccountToken; s.serviceAccountName = "builder"; });
    for (const kind of kinds(spec)) {
      // The template shows no token (the plugin mutates pods only); ml-guard's pod-disallow-token-automount catches it at preview.
      const found = verdicts(RULE, kind);
      expect([kind[0], found.pods, found.workload ?? false, found.mlGuard, mlGuardRefuses("pod-disallow-token-automount", kind)]).toEqual([kind[0], true, false, false, true]);
    }
  });

  it("admits pods that inherit from a ServiceAccount with automount off: no token is mounted (ml-guard still asks for the explicit field at preview)", () => {
    const spec = withSpec((s) => delete s.automountServiceAccountToken);
    for (const kind of kinds(spec)) {
      const found = verdicts(RULE, kind);
      expect([kind[0], found.pods, found.workload ?? false, mlGuardRefuses("pod-disallow-token-automount", kind)]).toEqual([kind[0], false, false, true]);
    }
  });

  it("judges the volume the plugin reuses by its audience, not its name: a vault token named kube-api-access-* is no API token", () => {
    const spec = withSpec((s) => {
      delete s.automountServiceAccountToken;
      s.serviceAccountName = "builder";
      s.volumes.push({ ...projected("vault"), name: "kube-api-access-vault" });
    });
    for (const kind of kinds(spec)) expect([kind[0], verdicts(RULE, kind).pods]).toEqual([kind[0], false]);
  });

  it("allowlists a ServiceAccount in its own namespace only", () => {
    const spec = withSpec((s) => { s.serviceAccountName = "model-operator"; s.automountServiceAccountToken = true; });
    for (const kind of kinds(spec)) {
      const inNlp = structuredClone(kind);
      (inNlp[2].metadata as Record<string, string>).namespace = "nlp";
      const found = verdicts(RULE, inNlp);
      expect([kind[0], found.mlGuard, found.pods]).toEqual([kind[0], true, true]);
    }
  });

  it("models the plugin as the API server stores the pod: the injected volume, its mounts, no audience", () => {
    const [, , pod] = kinds(withSpec((s) => { delete s.automountServiceAccountToken; s.serviceAccountName = "builder"; }))[0];
    const stored = admittedPods("kubernetes:core/v1:Pod", pod as Record<string, any>, ACCOUNTS)[0];
    expect(stored.spec.volumes.at(-1)).toEqual(injectedTokenVolume("kube-api-access-x7k2q"));
    expect([...stored.spec.initContainers, ...stored.spec.containers].map((c: any) => c.volumeMounts.at(-1).mountPath)).toEqual(["/var/run/secrets/kubernetes.io/serviceaccount", "/var/run/secrets/kubernetes.io/serviceaccount"]);
  });
});

describe("k8s-serviceaccount-disallow-token-automount", () => {
  const RULE = "k8s-serviceaccount-disallow-token-automount";
  const account = (name: string, namespace: string, automount?: boolean) =>
    ({ metadata: { name, namespace }, ...(automount === undefined ? {} : { automountServiceAccountToken: automount }) });

  it.each<[string, Record<string, any>, boolean]>([
    ["automount true", account("builder", "vision", true), true],
    ["automount false", account("builder", "vision", false), false],
    ["automount unset (the pods' own setting decides, and the pod policy sees the result)", account("builder", "vision"), false],
    ["automount true, allowlisted", account("model-operator", "vision", true), false],
    ["automount true, the allowlisted name in another namespace", account("model-operator", "nlp", true), true],
  ])("%s: the same verdict at preview and at admission", (_name, props, refused) => {
    const type = "kubernetes:core/v1:ServiceAccount";
    const atAdmission = refusedRules(admissionDenials(policies, requestFor(type, props), TEAM)).includes(RULE);
    const atPreview = validateResource(RULE, type, props, ML_GUARD_CONFIG).some((finding) => finding.level === "policy");
    expect([atAdmission, atPreview]).toEqual([refused, refused]);
  });
});

describe("serving-missing-model-labels and serving-missing-model-sha256", () => {
  const LABELS_RULE = "serving-missing-model-labels";
  const SHA_RULE = "serving-missing-model-sha256";

  /** The workload kinds with `annotations` on the pod metadata (the InferenceService's own for KServe). */
  function annotated(spec: Record<string, any>, labels: Record<string, string>, annotations: Record<string, string>): Kind[] {
    return kinds(spec, labels).map((kind) => {
      const [name, , props, specPath] = structuredClone(kind);
      const metadataPath = name === "InferenceService" ? "metadata" : specPath.replace(/spec$/, "metadata");
      const metadata = metadataPath.split(".").reduce((node: any, key) => (node[key] ??= {}), props);
      metadata.annotations = annotations;
      return [name, kind[1], props, specPath] as Kind;
    });
  }

  const expectBoth = (cases: Kind[], refused: { labels: boolean; sha: boolean }) => {
    for (const kind of cases) {
      const found = { labels: verdicts(LABELS_RULE, kind), sha: verdicts(SHA_RULE, kind) };
      const expected = (value: boolean, seen: object) => ({ mlGuard: value, ...("workload" in seen ? { workload: value } : {}), pods: value });
      expect([kind[0], found]).toEqual([kind[0], { labels: expected(refused.labels, found.labels), sha: expected(refused.sha, found.sha) }]);
    }
  };

  it.each<[string, Record<string, string>, Record<string, string>, { labels: boolean; sha: boolean }]>([
    ["labelled serving, model labels and SHA-256", servingLabels, { [MODEL_SHA256_ANNOTATION]: SHA }, { labels: false, sha: false }],
    ["labelled serving, no SHA-256", servingLabels, {}, { labels: false, sha: true }],
    ["labelled serving, a SHA-256 in upper case", servingLabels, { [MODEL_SHA256_ANNOTATION]: SHA.toUpperCase() }, { labels: false, sha: true }],
    ["labelled serving, a SHA-256 one character short", servingLabels, { [MODEL_SHA256_ANNOTATION]: SHA.slice(1) }, { labels: false, sha: true }],
    ["labelled serving, no model version", { "mlops.io/role": "serving", "mlops.io/model-name": "fraud" }, { [MODEL_SHA256_ANNOTATION]: SHA }, { labels: true, sha: false }],
    ["labelled serving, an empty model name", { ...servingLabels, "mlops.io/model-name": "" }, { [MODEL_SHA256_ANNOTATION]: SHA }, { labels: true, sha: false }],
  ])("%s", (_name, labels, annotations, refused) => {
    expectBoth(annotated(compliantPodSpec(), labels, annotations), refused);
  });

  it("holds a workload that only runs as the serving ServiceAccount (no role label) to both rules", () => {
    const spec = withSpec((s) => (s.serviceAccountName = DEFAULT_SERVING_SERVICE_ACCOUNT));
    expectBoth(annotated(spec, {}, {}), { labels: true, sha: true });
    expectBoth(annotated(spec, { "mlops.io/model-name": "fraud", "mlops.io/model-version": "3" }, { [MODEL_SHA256_ANNOTATION]: SHA }), { labels: false, sha: false });
  });

  it("leaves workloads that serve nothing alone, except InferenceServices, which always serve", () => {
    for (const kind of annotated(compliantPodSpec(), { "mlops.io/role": "training" }, {})) {
      const serving = kind[0] === "InferenceService";
      const found = verdicts(LABELS_RULE, kind);
      expect([kind[0], found.mlGuard, found.workload ?? serving, found.pods]).toEqual([kind[0], serving, serving, serving]);
    }
  });

  it("catches a workload whose own metadata alone says serving when it is applied (its pods do not carry the label)", () => {
    for (const kind of kinds(compliantPodSpec()).filter(([name]) => ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet"].includes(name))) {
      const props = structuredClone(kind[2]) as Record<string, any>;
      props.metadata.labels = { "mlops.io/role": "serving" };
      const found = verdicts(LABELS_RULE, [kind[0], kind[1], props, kind[3]]);
      expect([kind[0], found]).toEqual([kind[0], { mlGuard: true, workload: true, pods: false }]);
    }
  });

  it("refuses removing a model label from a running serving pod, and lets a pod being deleted drop its finalizers", () => {
    const pod = (labels: Record<string, string>, extra: Record<string, unknown> = {}) =>
      ({ metadata: { name: "p", namespace: "vision", labels, annotations: { [MODEL_SHA256_ANNOTATION]: SHA }, ...extra }, spec: { ...compliantPodSpec(), serviceAccountName: "serving", serviceAccount: "serving" } });
    const update = (object: Record<string, any>) => refusedRules(admissionDenials(policies, requestFor("kubernetes:core/v1:Pod", object, "UPDATE", pod(servingLabels)), TEAM));
    expect(update(pod({ "mlops.io/role": "serving", "mlops.io/model-name": "fraud" }))).toEqual([LABELS_RULE]);
    expect(update(pod({}, { deletionTimestamp: "2026-01-01T00:00:00Z", finalizers: [] }))).toEqual([]);
  });
});

describe("requests the policies judge", () => {
  const writable = withSpec((s) => (s.containers[0].securityContext.readOnlyRootFilesystem = false));
  const deployment = () => structuredClone(kinds(writable).find(([name]) => name === "Deployment")![2]) as Record<string, any>;

  it("refuses updating a Deployment to a non-compliant template, and lets one being deleted drop its finalizers", () => {
    const updated = refusedRules(admissionDenials(policies, requestFor("kubernetes:apps/v1:Deployment", deployment(), "UPDATE"), TEAM));
    expect(updated).toEqual(["pod-require-read-only-root-filesystem"]);
    const deleting = { ...deployment(), metadata: { ...deployment().metadata, deletionTimestamp: "2026-01-01T00:00:00Z" } };
    expect(admissionDenials(policies, requestFor("kubernetes:apps/v1:Deployment", deleting, "UPDATE"), TEAM)).toEqual({});
  });

  it("does not re-judge a running pod's immutable spec on a metadata update (a pod predating the policies keeps working)", () => {
    const pod = { metadata: { name: "p", namespace: "vision" }, spec: { ...writable, serviceAccountName: "default" } };
    expect(admissionDenials(policies, requestFor("kubernetes:core/v1:Pod", pod, "UPDATE"), TEAM)).toEqual({});
    expect(refusedRules(admissionDenials(policies, requestFor("kubernetes:core/v1:Pod", pod), TEAM))).toEqual(["pod-disallow-default-service-account", "pod-require-read-only-root-filesystem"]);
  });

  it("applies in team namespaces only, minus the exempt ones by name, as ml-guard skips its exempt namespaces", () => {
    const inNamespace = (namespace: string) => ({ ...deployment(), metadata: { ...deployment().metadata, namespace } });
    const refused = (installed: InstalledPolicy[], namespace: string, labels: Record<string, string>) =>
      refusedRules(admissionDenials(installed, requestFor("kubernetes:apps/v1:Deployment", inNamespace(namespace)), labels)).length > 0;
    expect(refused(policies, "vision", TEAM)).toBe(true);
    // Labelled as a team's by mistake, kube-system stays exempt; so does it for ml-guard.
    expect(refused(policies, "kube-system", TEAM)).toBe(false);
    expect(validateResource("pod-require-read-only-root-filesystem", "kubernetes:apps/v1:Deployment", inNamespace("kube-system"))).toEqual([]);
    // Namespaces that are not a team's (the platform's own, for Istio, External Secrets...) are out of scope.
    expect(refused(policies, "istio-system", {})).toBe(false);
    const custom = installedPolicies(created, "sandboxed");
    expect([refused(custom, "sandbox", TEAM), refused(custom, "kube-system", TEAM)]).toEqual([false, true]);
    expect(refused(installedPolicies(created, "unexempt"), "kube-system", TEAM)).toBe(true);
  });
});

describe("program settings", () => {
  it("refuses a token allowlist entry that is not namespace/name, naming it", () => {
    expect(() => new AdmissionPolicies("bad", { allowedRegistries: ["*.dkr.ecr.*.amazonaws.com"], allowedTokenServiceAccounts: ["model-operator"] }))
      .toThrow('AdmissionPolicies bad: allowedTokenServiceAccounts entry "model-operator" must be namespace/name of a ServiceAccount, e.g. vision/model-operator');
  });
});
