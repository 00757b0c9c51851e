import * as pulumi from "@pulumi/pulumi";
import { installRecordingMocks, settle, single } from "../support/pulumiMocks";

/** What the platform stack exports (the shape of its index.ts outputs), for the vision team. */
const PLATFORM_OUTPUTS = {
  buckets: { modelArtifacts: { name: "ml-dev-model-artifacts-abc", arn: "arn:aws:s3:::ml-dev-model-artifacts-abc", keyArn: "arn:aws:kms:us-west-2:123456789012:key/k" } },
  teams: { vision: { namespace: "vision", trainingServiceAccount: "training", servingServiceAccount: "serving", bucketPrefix: "teams/vision/", credentialSecrets: { training: ["mlflow-db-training-credentials"], serving: ["mlflow-db-serving-credentials"] } } },
  mesh: { gatewayPrincipal: "cluster.local/ns/istio-ingress/sa/istio-ingressgateway", jwt: { issuer: "https://login.ml-dev.example.com", jwksUri: "https://login.ml-dev.example.com/jwks.json", audiences: ["ml-inference"] }, maxRequestBodyBytes: 4194304 },
};

const created = installRecordingMocks("ml-team-stack", "dev", { "organization/secure-ml-platform/dev": PLATFORM_OUTPUTS });

type K8sObject = { metadata: { namespace?: string }; spec: any };
const object = (type: string, name: string) => single(created, type, name).inputs as K8sObject;

let outputs: Record<string, unknown>;

beforeAll(async () => {
  pulumi.runtime.setAllConfig({
    "ml-team-stack:platformStack": "organization/secure-ml-platform/dev",
    "ml-team-stack:team": "vision",
    "ml-team-stack:model": JSON.stringify({ name: "object-detector", version: "2", image: `123456789012.dkr.ecr.us-west-2.amazonaws.com/ml/d@sha256:${"a".repeat(64)}`, artifactPath: "object-detector/2/", artifactSha256: "b".repeat(64) }),
    "ml-team-stack:verification": JSON.stringify({ verifierImage: `123456789012.dkr.ecr.us-west-2.amazonaws.com/ml-platform/model-verify@sha256:${"d".repeat(64)}`, downloaderImage: `123456789012.dkr.ecr.us-west-2.amazonaws.com/ml-platform/kserve-storage-initializer@sha256:${"e".repeat(64)}` }),
    "ml-team-stack:training": JSON.stringify({ name: "finetune", image: `123456789012.dkr.ecr.us-west-2.amazonaws.com/ml/t@sha256:${"c".repeat(64)}`, command: ["python", "train.py"] }),
  });
  const program = require("../../examples/team-stack/index") as { modelStorageUri: pulumi.Output<string> };
  outputs = { modelStorageUri: await new Promise((resolve) => program.modelStorageUri.apply(resolve)) };
  await settle();
});

describe("the team stack, wired to the platform through a StackReference", () => {
  it("reads the platform stack named in its config", () => {
    const reference = created.find((resource) => resource.type === "pulumi:pulumi:StackReference");
    expect(reference?.inputs).toMatchObject({ name: "organization/secure-ml-platform/dev" });
  });

  it("serves the model from the platform's artifacts bucket, in the team's prefix", () => {
    expect(outputs.modelStorageUri).toBe("s3://ml-dev-model-artifacts-abc/teams/vision/object-detector/2/");
  });

  it("puts everything in the team's namespace, behind the platform's gateway identity and issuer", () => {
    const namespaced = created.filter((resource) => resource.type.startsWith("kubernetes:"));
    expect(namespaced.length).toBe(5);
    expect(new Set(namespaced.map((resource) => (resource.inputs as K8sObject).metadata.namespace))).toEqual(new Set(["vision"]));
    const allow = object("kubernetes:security.istio.io/v1:AuthorizationPolicy", "object-detector-allow-inference");
    expect(allow.spec.rules[0].from[0].source).toEqual({ principals: [PLATFORM_OUTPUTS.mesh.gatewayPrincipal], requestPrincipals: ["https://login.ml-dev.example.com/*"] });
    expect(object("kubernetes:security.istio.io/v1:RequestAuthentication", "object-detector-jwt").spec.jwtRules[0].issuer).toBe("https://login.ml-dev.example.com");
  });

  it("mounts the training identity's own credentials as read-only files, with no credential in the environment", () => {
    const job = object("kubernetes:kubeflow.org/v1:PyTorchJob", "finetune");
    expect(Object.keys(job.spec.pytorchReplicaSpecs)).toEqual(["Worker"]);
    for (const replica of ["Worker"]) {
      const pod = job.spec.pytorchReplicaSpecs[replica].template.spec;
      expect(pod.containers[0].env ?? []).toEqual([]);
      expect(pod.containers[0].envFrom).toBeUndefined();
      expect(pod.volumes).toContainEqual({ name: "credentials-mlflow-db-training-credentials", secret: { secretName: "mlflow-db-training-credentials", defaultMode: 0o440 } });
      expect(pod.containers[0].volumeMounts).toContainEqual({ name: "credentials-mlflow-db-training-credentials", mountPath: "/var/run/secrets/mlops/mlflow-db-training-credentials", readOnly: true });
      // Serving's credentials are not the training job's to read.
      expect(JSON.stringify(pod)).not.toContain("mlflow-db-serving");
    }
    expect(job.spec.runPolicy.suspend).toBe(true);
  });
});
