/**
 * The program meets its own admission policies: in every stack (dev, staging, prod, the example team
 * stack), and for the workloads its components build (ModelEndpoint on KServe and as a Deployment,
 * TrainingJob), every workload in a team namespace is admitted when applied and so are the pods its
 * controllers create, as the API server stores them after the ServiceAccount admission plugin.
 * In namespaces with Istio injection the pods are judged with Istio's sidecar too (istioSidecarInjection.ts),
 * whose image is the stack's istiod release's global.proxy.image (mesh.proxyImage): every policy judges
 * the pod as the API server stores it. Not modelled: KServe's storage-initializer, which the cluster's
 * ClusterStorageContainer shapes (see the admission notes).
 */
import type { RegisteredResource } from "../../tools/plan/runProgram";
import { isKubernetesObject } from "../../tools/plan/manifests";
import { isSecretValue, UNKNOWN_VALUE } from "../../tools/plan/propertyValues";
import { podTemplatesOf } from "../../policypacks/ml-guard/lib/kubernetes";
import { kubernetesTypeToken } from "../../policypacks/ml-guard/lib/kubernetes";
import { admissionDenials, type InstalledPolicy, type LabelSelector, type PolicySpec } from "../support/admissionSimulator";
import { admittedPods, refusedRules, requestFor } from "../support/admissionChain";
import { recordEveryStack } from "../support/programStacks";
import type { ServiceAccountState } from "../support/serviceAccountAdmission";
import { CHART_PROXY_IMAGE, withIstioSidecar } from "../support/istioSidecarInjection";

/** The sidecar image the stack's istiod injects: its release's global.proxy.image, if it installs Istio. */
const proxyImageOf = (resources: RegisteredResource[]): string | undefined =>
  resources.filter((resource) => resource.type === "kubernetes:helm.sh/v3:Release" && resource.name.endsWith("-istiod"))
    .map((release) => (release.inputs.values as { global?: { proxy?: { image?: string } } } | undefined)?.global?.proxy?.image)[0];

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [key: string]: any };

/** The object as the provider sends it to the API server: secrets decrypted; in update mode nothing is unknown. */
function plainObject(value: unknown): unknown {
  if (value === UNKNOWN_VALUE) throw new Error("a value is unknown in update mode");
  if (isSecretValue(value)) return plainObject(value.value);
  if (Array.isArray(value)) return value.map(plainObject);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plainObject(inner)]));
}

interface Rendered {
  label: string;
  objects: K8sObject[];
  resources: RegisteredResource[];
}

const objectsOf = (label: string, resources: RegisteredResource[]): Rendered => ({ label, resources, objects: resources.filter(isKubernetesObject).map((resource) => plainObject(resource.inputs) as K8sObject) });

function policiesOf(objects: K8sObject[]): InstalledPolicy[] {
  const bindings = new Map(objects.filter((object) => object.kind === "ValidatingAdmissionPolicyBinding").map((binding) => [binding.spec.policyName as string, binding.spec.matchResources.namespaceSelector as LabelSelector]));
  return objects.filter((object) => object.kind === "ValidatingAdmissionPolicy").map((policy) => ({ name: policy.metadata.name, spec: policy.spec as PolicySpec, namespaceSelector: bindings.get(policy.metadata.name)! }));
}

/** Runs the components' own workloads (ModelEndpoint both ways, TrainingJob) with the policies, under the mock runtime in their own module registry. */
async function componentWorkloads(): Promise<RegisteredResource[]> {
  let resources: RegisteredResource[] = [];
  await jest.isolateModulesAsync(async () => {
    const { runUnderMocks } = require("../../tools/plan/runProgram") as typeof import("../../tools/plan/runProgram");
    const { withoutStackCapture } = require("../../tools/plan/stackCapture") as typeof import("../../tools/plan/stackCapture");
    const components = require("../../components") as typeof import("../../components");
    const run = await withoutStackCapture(() => runUnderMocks({ project: "secure-ml-platform", stack: "components", config: { values: {}, secretKeys: new Set() }, mode: "update" }, () => {
      const team = new components.TeamNamespace("vision", {
        group: "ml-vision", environment: "dev", dataClassification: "internal",
        quota: { cpu: "16", memory: "64Gi", gpu: 2, pvcs: 10, storage: "1Ti", pods: 50 },
        containerDefaults: { cpuRequest: "250m", cpuLimit: "1", memoryRequest: "512Mi", memoryLimit: "2Gi" },
        podSecurityVersion: "v1.35", meshIngressNamespace: "istio-ingress",
      });
      const jwt = { issuer: "https://login.example.com", jwksUri: "https://login.example.com/jwks.json", audiences: ["ml"] };
      const endpoint = {
        team: "vision", namespace: team.namespaceName, version: "1", image: `123456789012.dkr.ecr.us-west-2.amazonaws.com/ml/server@sha256:${"a".repeat(64)}`,
        artifactsBucket: "ml-dev-model-artifacts", artifactPath: "classifier/1/", artifactSha256: "b".repeat(64), gatewayPrincipal: "cluster.local/ns/istio-ingress/sa/gw", jwt,
        verification: {
          verifierImage: `123456789012.dkr.ecr.us-west-2.amazonaws.com/ml-platform/model-verify@sha256:${"d".repeat(64)}`,
          downloaderImage: `123456789012.dkr.ecr.us-west-2.amazonaws.com/ml-platform/kserve-storage-initializer@sha256:${"e".repeat(64)}`,
        },
      };
      new components.ModelEndpoint("classifier", { ...endpoint, name: "classifier" });
      new components.ModelEndpoint("classifier-deploy", { ...endpoint, name: "classifier-deploy", runtime: "deployment" });
      new components.TrainingJob("resnet", { team: "vision", namespace: team.namespaceName, name: "resnet", image: `123456789012.dkr.ecr.us-west-2.amazonaws.com/ml/train@sha256:${"c".repeat(64)}`, command: ["torchrun", "train.py"] });
      new components.AdmissionPolicies("admission", { allowedRegistries: ["*.dkr.ecr.*.amazonaws.com"] });
    }));
    resources = run.resources;
  });
  return resources;
}

/** The platform built from a minimal stack config with these `kubernetes` settings, in its own module registry. */
async function platformWith(kubernetes: Record<string, unknown>): Promise<RegisteredResource[]> {
  const P = "secure-ml-platform";
  const values = {
    "aws:region": "us-west-2",
    [`${P}:environment`]: "dev",
    [`${P}:teams`]: JSON.stringify([{ name: "vision", group: "ml-vision", quota: { cpu: "8", memory: "32Gi", gpu: 0 } }]),
    [`${P}:kubernetes`]: JSON.stringify(kubernetes),
  };
  let resources: RegisteredResource[] = [];
  await jest.isolateModulesAsync(async () => {
    const { runUnderMocks } = require("../../tools/plan/runProgram") as typeof import("../../tools/plan/runProgram");
    const { withoutStackCapture } = require("../../tools/plan/stackCapture") as typeof import("../../tools/plan/stackCapture");
    const { parsePlatformConfig } = require("../../config") as typeof import("../../config");
    const { MlPlatform } = require("../../platform/mlPlatform") as typeof import("../../platform/mlPlatform");
    const config = { values, secretKeys: new Set<string>() };
    const run = await withoutStackCapture(() => runUnderMocks({ project: P, stack: "admission", config, mode: "update" }, () => new MlPlatform("ml-admission", parsePlatformConfig(config))));
    resources = run.resources;
  });
  return resources;
}

let rendered: Rendered[];
let configured: K8sObject[];

beforeAll(async () => {
  const stacks = await recordEveryStack("update");
  rendered = [...stacks.map(({ label, run }) => objectsOf(label, run.resources)), objectsOf("components", await componentWorkloads())];
  configured = objectsOf("configured", await platformWith({ allowedTokenServiceAccounts: ["vision/model-operator"], admissionExemptNamespaces: ["sandbox"] })).objects;
}, 300_000);

/** Every workload the API server would be asked to admit, with the pods its controllers create. */
function judged({ objects }: Rendered, teamNamespaces: Map<string, Record<string, string>>, policies: InstalledPolicy[], proxyImage: string) {
  const accounts = new Map(objects.filter((object) => object.kind === "ServiceAccount").map((account) => [`${account.metadata.namespace}/${account.metadata.name}`, account as ServiceAccountState]));
  return objects
    .filter((object) => object.metadata.namespace !== undefined && teamNamespaces.has(object.metadata.namespace))
    .filter((object) => object.kind === "ServiceAccount" || podTemplatesOf(kubernetesTypeToken(object.apiVersion, object.kind), object).length > 0)
    .map((object) => {
      const { apiVersion, kind, ...props } = object;
      const type = kubernetesTypeToken(apiVersion, kind);
      const labels = teamNamespaces.get(object.metadata.namespace!)!;
      const namespaceAccounts = Object.fromEntries([...accounts].filter(([key]) => key.startsWith(`${object.metadata.namespace}/`)).map(([key, value]) => [key.split("/")[1], value]));
      const pods = kind === "ServiceAccount" ? [] : admittedPods(type, props, namespaceAccounts);
      const injected = labels["istio-injection"] === "enabled" ? admittedPods(type, props, namespaceAccounts, [withIstioSidecar(proxyImage)]) : pods;
      return {
        what: `${kind} ${object.metadata.namespace}/${object.metadata.name}`,
        workload: refusedRules(admissionDenials(policies, requestFor(type, props), labels)),
        pods: injected.flatMap((pod) => refusedRules(admissionDenials(policies, requestFor("kubernetes:core/v1:Pod", pod), labels))),
        podCount: pods.length,
        sidecars: injected.filter((pod) => pod.spec.initContainers?.some((container: { name: string }) => container.name === "istio-proxy")).length,
      };
    });
}

describe("the program's own workloads pass its admission policies", () => {
  it("admits every workload and pod of every stack and of the components, with the policies each stack installs", () => {
    const platformNamespaces = (objects: K8sObject[]) => objects.filter((object) => object.kind === "Namespace" && object.metadata.labels?.["mlops.io/team"] !== undefined);
    const devPlatform = rendered.find(({ label }) => label === "dev")!;
    const seen: string[] = [];
    for (const stack of rendered) {
      // The team stack runs in the dev platform's namespaces, under the dev platform's policies.
      const own = platformNamespaces(stack.objects);
      const namespaces = own.length > 0 ? own : platformNamespaces(devPlatform.objects);
      const policies = policiesOf(stack.objects.some((object) => object.kind === "ValidatingAdmissionPolicy") ? stack.objects : devPlatform.objects);
      expect([stack.label, policies.length > 10]).toEqual([stack.label, true]);
      // The team stack's and the components' pods get the sidecar of the dev platform's istiod.
      const proxyImage = proxyImageOf(stack.resources) ?? proxyImageOf(devPlatform.resources);
      expect([stack.label, proxyImage]).toEqual([stack.label, expect.stringMatching(/@sha256:[a-f0-9]{64}$/)]);
      const verdicts = judged(stack, new Map(namespaces.map((namespace) => [namespace.metadata.name, namespace.metadata.labels!])), policies, proxyImage!);
      for (const verdict of verdicts) expect([stack.label, verdict.what, verdict.workload, verdict.pods]).toEqual([stack.label, verdict.what, [], []]);
      seen.push(...verdicts.map((verdict) => `${verdict.what.split(" ")[0]}${verdict.podCount > 0 ? "+pods" : ""}${verdict.sidecars > 0 ? "+istio" : ""}`));
    }
    // Not a vacuous pass: InferenceServices, a Deployment, PyTorchJobs and the teams' ServiceAccounts were judged, the pods with Istio's sidecar.
    expect(new Set(seen)).toEqual(new Set(["InferenceService+pods+istio", "Deployment+pods+istio", "PyTorchJob+pods+istio", "ServiceAccount"]));
  });

  it("would refuse every meshed pod with the chart's own proxy image: why mesh.proxyImage is required", () => {
    const dev = rendered.find(({ label }) => label === "dev")!;
    const teamNamespaces = new Map(dev.objects.filter((object) => object.kind === "Namespace" && object.metadata.labels?.["mlops.io/team"] !== undefined).map((namespace) => [namespace.metadata.name, namespace.metadata.labels!]));
    const meshed = judged(dev, teamNamespaces, policiesOf(dev.objects), CHART_PROXY_IMAGE).filter((verdict) => verdict.sidecars > 0);
    expect(meshed.length).toBeGreaterThan(0);
    for (const verdict of meshed) expect([verdict.what, [...new Set(verdict.pods)]]).toEqual([verdict.what, ["pod-require-pinned-images", "pod-restrict-image-registries"]]);
  });

  it("takes the token allowlist and the exempt namespaces from the stack config", () => {
    const policies = policiesOf(configured);
    const operatorPod = (namespace: string) => ({
      metadata: { name: "operator", namespace },
      spec: { serviceAccountName: "model-operator", automountServiceAccountToken: true, containers: [{ name: "main", image: `123456789012.dkr.ecr.us-west-2.amazonaws.com/ml/operator@sha256:${"d".repeat(64)}`, securityContext: { readOnlyRootFilesystem: true } }] },
    });
    const refused = (namespace: string) => refusedRules(admissionDenials(policies, requestFor("kubernetes:core/v1:Pod", operatorPod(namespace)), { "mlops.io/team": namespace }));
    expect(refused("vision")).toEqual([]);
    expect(refused("nlp")).toEqual(["pod-restrict-api-token-mount"]);
    expect(refused("sandbox")).toEqual([]);
    // No longer exempt by the config: kube-system is judged if it ever carries the team label.
    expect(refused("kube-system")).toEqual(["pod-restrict-api-token-mount"]);
  });
});
