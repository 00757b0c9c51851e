import { enforced, messages, UNKNOWN, validateResource, validateStack, type FakeResource } from "../support/policyArgs";
import { compliantPodSpec, servingLabels, workloadKinds } from "../support/workloads";

const TRAIL = "aws:cloudtrail/trail:Trail";
const BUCKET = "aws:s3/bucket:Bucket";

describe("cloudtrail-require-validation-and-kms", () => {
  it("refuses a trail without log validation or KMS, accepts one with both", () => {
    expect(messages(validateResource("cloudtrail-require-validation-and-kms", TRAIL, { s3BucketName: "logs" }))).toEqual([
      expect.stringContaining("enableLogFileValidation"), expect.stringContaining("kmsKeyId"),
    ]);
    expect(validateResource("cloudtrail-require-validation-and-kms", TRAIL, { enableLogFileValidation: true, kmsKeyId: "arn:aws:kms:us-west-2:1:key/x" })).toEqual([]);
  });
});

describe("cloudtrail-missing-s3-data-events", () => {
  const bucket = (role: string, arn = "arn:aws:s3:::datasets-abc"): FakeResource => ({ type: BUCKET, name: "data", props: { bucket: arn.split(":::")[1], arn, tags: { "mlops.io/bucket-role": role } } });
  const trail = (startsWiths: unknown[] | undefined, dependsOn?: Record<string, string[]>): FakeResource => ({
    type: TRAIL, name: "trail", dependsOn,
    props: { advancedEventSelectors: [{ fieldSelectors: [{ field: "eventCategory", equals: ["Data"] }, { field: "resources.type", equals: ["AWS::S3::Object"] }, ...(startsWiths ? [{ field: "resources.ARN", startsWiths }] : [])] }] },
  });

  it("requires a trail recording the data buckets' objects", () => {
    expect(messages(validateStack("cloudtrail-missing-s3-data-events", [bucket("datasets")]))).toEqual([expect.stringContaining("no trail records reads and writes")]);
    expect(validateStack("cloudtrail-missing-s3-data-events", [bucket("datasets"), trail(["arn:aws:s3:::datasets-abc/"])])).toEqual([]);
    expect(validateStack("cloudtrail-missing-s3-data-events", [bucket("datasets"), trail(undefined)])).toEqual([]);
  });

  it("a trail for other buckets, or management events only, does not count; log buckets are not data buckets", () => {
    expect(validateStack("cloudtrail-missing-s3-data-events", [bucket("model-artifacts"), trail(["arn:aws:s3:::other/"])])).toHaveLength(1);
    const management: FakeResource = { type: TRAIL, name: "m", props: { advancedEventSelectors: [{ fieldSelectors: [{ field: "eventCategory", equals: ["Management"] }] }] } };
    expect(validateStack("cloudtrail-missing-s3-data-events", [bucket("datasets"), management])).toHaveLength(1);
    expect(validateStack("cloudtrail-missing-s3-data-events", [bucket("access-logs")])).toEqual([]);
  });

  it("first preview: resolves unknown ARNs through the selector's dependency on the bucket", () => {
    const unknownBucket: FakeResource = { type: BUCKET, name: "data", props: { tags: { "mlops.io/bucket-role": "datasets" } } };
    expect(validateStack("cloudtrail-missing-s3-data-events", [unknownBucket, trail([UNKNOWN], { advancedEventSelectors: ["data"] })])).toEqual([]);
    expect(validateStack("cloudtrail-missing-s3-data-events", [unknownBucket, trail([UNKNOWN])])).toHaveLength(1);
  });
});

describe("serving-missing-model-sha256", () => {
  const [, type, props] = workloadKinds(compliantPodSpec(), servingLabels).find(([kind]) => kind === "InferenceService")!;
  const withAnnotation = (value?: string) => ({ ...props, metadata: { ...(props as any).metadata, annotations: value === undefined ? {} : { "mlops.io/model-sha256": value } } });

  it("requires a well-formed SHA-256 on serving workloads", () => {
    expect(messages(enforced(validateResource("serving-missing-model-sha256", type, withAnnotation())))).toEqual([expect.stringContaining("the served artifact is not identified")]);
    expect(messages(enforced(validateResource("serving-missing-model-sha256", type, withAnnotation("sha256:abc"))))).toEqual([expect.stringContaining("is not a SHA-256")]);
    expect(messages(enforced(validateResource("serving-missing-model-sha256", type, withAnnotation("A".repeat(64)))))).toHaveLength(1);
    expect(validateResource("serving-missing-model-sha256", type, withAnnotation("a".repeat(64)))).toEqual([]);
  });

  it("leaves training workloads alone", () => {
    const [, trainingType, trainingProps] = workloadKinds(compliantPodSpec(), { "mlops.io/role": "training" }).find(([kind]) => kind === "PyTorchJob")!;
    expect(validateResource("serving-missing-model-sha256", trainingType, trainingProps)).toEqual([]);
  });
});

describe("cloudtrail-missing-s3-data-events: what makes a selector record object access", () => {
  const bucket: FakeResource = { type: BUCKET, name: "data", props: { bucket: "datasets-abc", arn: "arn:aws:s3:::datasets-abc", tags: { "mlops.io/bucket-role": "datasets" } } };
  const trailWith = (fieldSelectors: Record<string, unknown>[]): FakeResource => ({ type: TRAIL, name: "trail", props: { advancedEventSelectors: [{ fieldSelectors }] } });
  const OBJECTS = { field: "resources.type", equals: ["AWS::S3::Object"] };

  it("needs both the Data category and the S3 object type in the same selector", () => {
    expect(validateStack("cloudtrail-missing-s3-data-events", [bucket, trailWith([{ field: "eventCategory", equals: ["Management"] }, OBJECTS])])).toHaveLength(1);
    expect(validateStack("cloudtrail-missing-s3-data-events", [bucket, trailWith([{ field: "eventCategory", equals: ["Data"] }, { field: "resources.type", equals: ["AWS::Lambda::Function"] }])])).toHaveLength(1);
    expect(validateStack("cloudtrail-missing-s3-data-events", [bucket, trailWith([{ field: "eventCategory", equals: ["Data"] }, OBJECTS])])).toEqual([]);
  });
});
