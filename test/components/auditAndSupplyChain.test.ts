import * as pulumi from "@pulumi/pulumi";
import { installRecordingMocks, settle, single, valueOf } from "../support/pulumiMocks";
import { validateKubernetesObject } from "../support/kubernetesSchemas";

const created = installRecordingMocks();

import { AuditTrail } from "../../components/audit/auditTrail";
import { kubernetesAuditPolicy } from "../../components/audit/kubernetesAuditPolicy";
import { ModelAlerts } from "../../components/monitoring/modelAlerts";
import { SignedImages } from "../../components/supplychain/signedImages";

const trail = new AuditTrail("audit", {
  environment: "dev",
  region: "us-west-2",
  dataBucketArns: ["arn:aws:s3:::datasets-abc", "arn:aws:s3:::artifacts-def"],
  accessLogBucket: "access-logs-xyz",
  retention: { mode: "COMPLIANCE", days: 365 },
  keySettings: {},
  tags: { Environment: "dev" },
});
const alerts = new ModelAlerts("alerts", {
  thresholds: { latencyP95Ms: 500, errorRatePercent: 5, authFailuresPerMinute: 30, callerRequestsPerSecond: 20, gpuQuotaPercent: 90 },
  teams: [{ name: "vision", namespace: "vision", endpoints: ["classifier"] }],
});
const signed = new SignedImages("signed", {
  install: { chartVersion: "0.10.5", namespace: "cosign-system", environment: "dev", podSecurityVersion: "v1.35", apiServer: { cidr: "10.0.0.0/28", ports: [443] }, egress: [{ cidr: "10.0.250.0/28", ports: [443] }] },
  images: ["*.dkr.ecr.*.amazonaws.com/**"],
  authority: { keyless: { issuer: "https://token.actions.githubusercontent.com", subjectRegExp: "^https://github\\.com/org/.+$" } },
});

const inputs = (type: string, name: string) => single(created, type, name).inputs as Record<string, any>;
const policyOf = (type: string, name: string) => JSON.parse(inputs(type, name).policy as string) as { Statement: { Sid: string; [key: string]: unknown }[] };

beforeAll(async () => {
  await valueOf(pulumi.all([trail.trail.arn, alerts.urn, signed.urn]));
  await settle();
});

describe("AuditTrail", () => {
  it("records S3 data events of exactly the data buckets, with log validation, KMS and all regions", () => {
    const props = inputs("aws:cloudtrail/trail:Trail", "audit");
    expect(props).toMatchObject({ name: "ml-dev-data-access", enableLogFileValidation: true, isMultiRegionTrail: true, includeGlobalServiceEvents: true });
    expect(props.kmsKeyId).toMatch(/^arn:aws:kms:/);
    expect(props.advancedEventSelectors[1].fieldSelectors).toEqual([
      { field: "eventCategory", equals: ["Data"] },
      { field: "resources.type", equals: ["AWS::S3::Object"] },
      { field: "resources.ARN", startsWiths: ["arn:aws:s3:::datasets-abc/", "arn:aws:s3:::artifacts-def/"] },
    ]);
  });

  it("delivers into an object-locked bucket that only this trail writes to and nobody deletes from", () => {
    const statements = policyOf("aws:s3/bucketPolicy:BucketPolicy", "audit-logs-policy").Statement;
    const write = statements.find((statement) => statement.Sid === "CloudTrailWritesLogs");
    expect(write).toMatchObject({ Principal: { Service: "cloudtrail.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceArn": "arn:aws:cloudtrail:us-west-2:123456789012:trail/ml-dev-data-access" } } });
    expect(statements.find((statement) => statement.Sid === "DenyLogDeletion")).toMatchObject({ Effect: "Deny", Principal: "*", Action: ["s3:DeleteObject", "s3:DeleteObjectVersion"] });
    expect(inputs("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "audit-logs-object-lock").rule).toEqual({ defaultRetention: { mode: "COMPLIANCE", days: 365 } });
    const key = policyOf("aws:kms/key:Key", "audit-logs-key").Statement.find((statement) => statement.Sid === "CloudTrailEncryptsLogs");
    expect(key).toMatchObject({ Condition: { StringEquals: { "aws:SourceArn": "arn:aws:cloudtrail:us-west-2:123456789012:trail/ml-dev-data-access" } } });
  });
});

describe("Kubernetes audit policy", () => {
  const policy = kubernetesAuditPolicy(["vision", "nlp"]);
  const ruleFor = (group: string, resource: string, verb?: string) =>
    policy.rules.find((rule) => (!rule.verbs || !verb || rule.verbs.includes(verb)) && rule.resources?.some((entry) => entry.group === group && entry.resources.includes(resource)));

  it("records request and response for model, training, RBAC and secret-delivery changes", () => {
    expect(ruleFor("serving.kserve.io", "inferenceservices", "create")?.level).toBe("RequestResponse");
    expect(ruleFor("kubeflow.org", "pytorchjobs", "delete")?.level).toBe("RequestResponse");
    expect(ruleFor("rbac.authorization.k8s.io", "rolebindings", "update")?.level).toBe("RequestResponse");
    expect(ruleFor("external-secrets.io", "externalsecrets")?.level).toBe("RequestResponse");
  });

  it("records who read which Secret without ever logging its value", () => {
    expect(ruleFor("", "secrets")?.level).toBe("Metadata");
  });

  it("records exec, attach and port-forward into team namespaces, and drops noisy system reads", () => {
    const exec = ruleFor("", "pods/exec");
    expect(exec).toMatchObject({ level: "RequestResponse", namespaces: ["vision", "nlp"] });
    expect(policy.rules[0]).toMatchObject({ level: "None" });
    expect(policy.rules.at(-1)).toEqual({ level: "Metadata", omitStages: ["RequestReceived"] });
  });
});

describe("ModelAlerts", () => {
  const rule = () => inputs("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "alerts-vision-rules");

  it("alerts on latency, errors, auth failures, per-caller spikes and GPU quota", () => {
    const alertsByName = Object.fromEntries(rule().spec.groups.flatMap((group: { rules: { alert: string; expr: string }[] }) => group.rules).map((item: { alert: string; expr: string }) => [item.alert, item.expr]));
    expect(Object.keys(alertsByName).sort()).toEqual(["ModelEndpointAuthFailureSpike", "ModelEndpointCallerRateSpike", "ModelEndpointErrorRateHigh", "ModelEndpointLatencyHigh", "TeamGpuQuotaNearlyExhausted"]);
    expect(alertsByName.ModelEndpointLatencyHigh).toContain("histogram_quantile(0.95");
    expect(alertsByName.ModelEndpointLatencyHigh).toMatch(/> 500$/);
    expect(alertsByName.ModelEndpointAuthFailureSpike).toContain('response_code=~"401|403"');
    expect(alertsByName.ModelEndpointCallerRateSpike).toContain("sum by (request_principal)");
    expect(alertsByName.TeamGpuQuotaNearlyExhausted).toContain('resource="requests.nvidia.com/gpu"');
  });

  it("labels request metrics with the caller's validated token subject (see modelAlerts.test.ts), and both objects match their published schemas", () => {
    const telemetry = inputs("kubernetes:telemetry.istio.io/v1:Telemetry", "alerts-vision-caller-metrics");
    expect(telemetry.spec.metrics[0].overrides[0].tagOverrides).toEqual({ request_principal: { value: "metadata.filter_metadata['envoy.filters.http.jwt_authn']['payload']['sub']" } });
    expect(() => validateKubernetesObject(rule() as never)).not.toThrow();
    expect(() => validateKubernetesObject(telemetry as never)).not.toThrow();
  });
});

describe("SignedImages", () => {
  it("requires a keyless signature of the configured identity for the covered images", () => {
    expect(inputs("kubernetes:policy.sigstore.dev/v1beta1:ClusterImagePolicy", "signed-policy").spec).toEqual({
      images: [{ glob: "*.dkr.ecr.*.amazonaws.com/**" }],
      authorities: [{ keyless: { url: "https://fulcio.sigstore.dev", identities: [{ issuer: "https://token.actions.githubusercontent.com", subjectRegExp: "^https://github\\.com/org/.+$" }] }, ctlog: { url: "https://rekor.sigstore.dev" } }],
    });
  });

  it("installs the controller pinned, failing closed, in a locked-down namespace", () => {
    expect(inputs("kubernetes:helm.sh/v3:Release", "signed-controller")).toMatchObject({ chart: "policy-controller", version: "0.10.5", values: { webhook: { failurePolicy: "Fail" } } });
    expect(inputs("kubernetes:core/v1:ResourceQuota", "signed-controller-quota").spec.hard["requests.nvidia.com/gpu"]).toBe("0");
  });
});
