import { UNKNOWN, validateResource, validateStack, type FakeResource, type Reported } from "../support/policyArgs";
import { compliantPodSpec, servingLabels, workloadKinds } from "../support/workloads";

const TRAIL = "aws:cloudtrail/trail:Trail";
const BUCKET = "aws:s3/bucket:Bucket";
const LATER = "is not known until apply, so this preview cannot check it; pulumi up checks it again once it is known";

/** Each reported finding as [level, message], so one assertion pins text, count and enforcement. */
const findings = (reported: Reported[]) => reported.map((item) => [item.level, item.message]);

describe("cloudtrail-require-validation-and-kms: findings", () => {
  const check = (props: Record<string, unknown>, type = TRAIL) => findings(validateResource("cloudtrail-require-validation-and-kms", type, props));
  const KEY = "arn:aws:kms:us-west-2:111122223333:key/x";
  const VALIDATION = "enableLogFileValidation: log files can be altered or deleted without trace; set enableLogFileValidation: true";
  const KMS = "kmsKeyId: log files are encrypted with S3-managed keys only; set kmsKeyId to a customer-managed key";

  it.each([
    ["validation off and no key", { enableLogFileValidation: false }, [["policy", VALIDATION], ["policy", KMS]]],
    // The aws provider's Check reads a string for a bool with strconv.ParseBool (see test/engineShapes/bridgeCheck.ts).
    ["validation given as the string \"false\"", { enableLogFileValidation: "false", kmsKeyId: KEY }, [["policy", VALIDATION]]],
    ["validation given as a string the provider does not read as a bool", { enableLogFileValidation: "yes", kmsKeyId: KEY }, [["policy", VALIDATION]]],
    ["validation given as the string \"true\" (the provider reads it as true)", { enableLogFileValidation: "true", kmsKeyId: KEY }, []],
    ["an empty key", { enableLogFileValidation: true, kmsKeyId: "" }, [["policy", KMS]]],
    ["validation unknown in preview", { enableLogFileValidation: UNKNOWN, kmsKeyId: KEY }, [["advisory", `enableLogFileValidation: log file validation ${LATER}`]]],
  ])("reports %s", (_case, props, expected) => {
    expect(check(props)).toEqual(expected);
  });

  it("accepts a key computed at apply (it is set), and ignores other resource types", () => {
    expect(check({ enableLogFileValidation: true, kmsKeyId: UNKNOWN })).toEqual([]);
    expect(check({}, "aws:cloudtrail/eventDataStore:EventDataStore")).toEqual([]);
  });
});

describe("cloudtrail-missing-s3-data-events: findings", () => {
  const rule = "cloudtrail-missing-s3-data-events";
  const ARN = "arn:aws:s3:::datasets-abc";
  const bucket = (role = "datasets", name: string | null = "datasets-abc", resourceName = "data"): FakeResource =>
    ({ type: BUCKET, name: resourceName, props: { ...(name ? { bucket: name, arn: `arn:aws:s3:::${name}` } : {}), tags: { "mlops.io/bucket-role": role } } });
  const selector = (...extra: Record<string, unknown>[]) => ({ fieldSelectors: [{ field: "eventCategory", equals: ["Data"] }, { field: "resources.type", equals: ["AWS::S3::Object"] }, ...extra] });
  const trail = (selectors: unknown[], name = "trail", type = TRAIL, dependsOn?: Record<string, string[]>): FakeResource => ({ type, name, dependsOn, props: { advancedEventSelectors: selectors } });
  const prefix = (...startsWiths: unknown[]) => ({ field: "resources.ARN", startsWiths });
  const readOnly = (value: string) => ({ field: "readOnly", equals: [value] });
  const check = (resources: FakeResource[]) => validateStack(rule, resources).map((item) => [item.urn, item.message]);
  const missing = (label: string, role = "datasets", resourceName = "data") =>
    [`urn:pulumi:test::test::${BUCKET}::${resourceName}`, `tags: bucket ${label} holds ${role} but no trail records reads and writes of its objects`];

  it.each([
    ["a selector for every object", [trail([selector()])]],
    ["the bucket's own prefix", [trail([selector(prefix(`${ARN}/`))])]],
    ["a prefix shared by several buckets", [trail([selector(prefix("arn:aws:s3:::datasets-"))])]],
    ["reads and writes recorded by two selectors", [trail([selector(readOnly("true")), selector(readOnly("false"), prefix(`${ARN}/`))])]],
    ["reads and writes recorded by two trails", [trail([selector(readOnly("true"))], "reads"), trail([selector(readOnly("false"))], "writes")]],
    ["a readOnly selector that admits both values", [trail([selector({ field: "readOnly", equals: ["true", "false"] })])]],
    ["reads and writes each selected by notEquals", [trail([selector({ field: "readOnly", notEquals: ["false"] }), selector({ field: "readOnly", notEquals: ["true"] })])]],
  ])("accepts %s", (_case, trails) => {
    expect(check([bucket(), ...trails])).toEqual([]);
  });

  it.each([
    ["no trail", []],
    ["a prefix of a similarly named bucket", [trail([selector(prefix("arn:aws:s3:::datasets-abcdef/"))])]],
    ["a prefix of another bucket that merely ends the same", [trail([selector(prefix("arn:aws:s3:::other/datasets-abc/"))])]],
    ["a prefix that is not a string", [trail([selector(prefix(42))])]],
    ["management events only", [trail([{ fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }, { field: "resources.type", equals: ["AWS::S3::Object"] }] }])]],
    ["data events of another resource type", [trail([{ fieldSelectors: [{ field: "eventCategory", equals: ["Data"] }, { field: "resources.type", equals: ["AWS::DynamoDB::Table"] }] }])]],
    ["data events with no resource type", [trail([{ fieldSelectors: [{ field: "eventCategory", equals: ["Data"] }] }])]],
    ["reads only", [trail([selector(readOnly("true"))])]],
    ["writes only", [trail([selector({ field: "readOnly", notEquals: ["true"] })])]],
    ["selectors on something that is not a trail", [trail([selector()], "rule", "aws:cloudwatch/eventRule:EventRule")]],
  ])("refuses a data bucket with %s, at the bucket's URN", (_case, trails) => {
    expect(check([bucket(), ...trails])).toEqual([missing("datasets-abc")]);
  });

  it("names model-artifact buckets by resource name when the bucket name is unknown", () => {
    expect(check([bucket("model-artifacts", null, "models")])).toEqual([missing("models", "model-artifacts", "models")]);
  });

  it("first preview: a trail whose selectors depend on one bucket covers that bucket only", () => {
    const first = bucket("datasets", null, "first");
    const second = bucket("datasets", null, "second");
    expect(check([first, second, trail([selector(prefix(UNKNOWN))], "trail", TRAIL, { advancedEventSelectors: ["first"] })])).toEqual([missing("second", "datasets", "second")]);
  });
});

describe("serving-missing-model-sha256: findings", () => {
  const rule = "serving-missing-model-sha256";
  const DIGEST = "a".repeat(64);
  const kind = (name: string, labels: Record<string, string>) => workloadKinds(compliantPodSpec(), labels).find(([candidate]) => candidate === name)!;
  const annotate = (name: string, labels: Record<string, string>, annotations: Record<string, unknown>): [string, Record<string, unknown>, string] => {
    const [, type, props] = kind(name, labels);
    if (name === "InferenceService") return [type, { ...props, metadata: { ...(props.metadata as object), annotations } }, "metadata"];
    const spec = props.spec as { template: Record<string, unknown> };
    return [type, { ...props, spec: { ...spec, template: { ...spec.template, metadata: { labels, annotations } } } }, "spec.template.metadata"];
  };
  const check = (name: string, labels: Record<string, string>, annotations: Record<string, unknown> = {}) => {
    const [type, props] = annotate(name, labels, annotations);
    return findings(validateResource(rule, type, props));
  };
  const at = (name: string) => `${name === "InferenceService" ? "metadata" : "spec.template.metadata"}.annotations["mlops.io/model-sha256"]`;

  it.each([
    ["an InferenceService, whatever its labels", "InferenceService", {}],
    ["a Deployment labelled as serving", "Deployment", servingLabels],
  ])("requires the digest on %s", (_case, name, labels) => {
    expect(check(name, labels)).toEqual([["policy", `${at(name)}: the served artifact is not identified; record its SHA-256 so what is served can be verified`]]);
  });

  it.each([
    ["a prefix before the digest", `x${DIGEST}`],
    ["a suffix after the digest", `${DIGEST}x`],
    ["upper-case hex", "A".repeat(64)],
    ["63 characters", "a".repeat(63)],
  ])("refuses %s", (_case, value) => {
    expect(check("Deployment", servingLabels, { "mlops.io/model-sha256": value })).toEqual([
      ["policy", `spec.template.metadata.annotations["mlops.io/model-sha256"]: ${JSON.stringify(value)} is not a SHA-256 (64 lower-case hex characters)`],
    ]);
  });

  it("accepts a well-formed digest, and reports an unknown one as advisory", () => {
    expect(check("Deployment", servingLabels, { "mlops.io/model-sha256": DIGEST })).toEqual([]);
    expect(check("InferenceService", {}, { "mlops.io/model-sha256": UNKNOWN })).toEqual([["advisory", `metadata.annotations["mlops.io/model-sha256"]: the artifact digest ${LATER}`]]);
  });

  it.each([
    ["a Deployment without labels", {}],
    ["a Deployment with another role", { "mlops.io/role": "training" }],
    ["a Deployment with a role label of another key", { "mlops.io/tier": "serving" }],
  ])("leaves alone %s", (_case, labels) => {
    expect(check("Deployment", labels)).toEqual([]);
  });
});
