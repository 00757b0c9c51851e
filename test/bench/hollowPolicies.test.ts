import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { Policies, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { assemblePack } from "../../policypacks/ml-guard/lib/assemblePack";
import { policies } from "../../policypacks/ml-guard/policies";
import { hollowPolicies } from "../../tools/bench/packs/hollow/hollowPolicies";

type Handler = (call: unknown, callback: (error: unknown, response: pb.AnalyzeResponse) => void) => void;
const server = require("@pulumi/policy/server") as { makeAnalyzeRpcFun: (name: string, version: string, level: string, policies: Policies) => Handler };

/** What the policy host reads of a policy to decide how to dispatch it. */
function shape(policy: Policies[number]) {
  const { validateResource, remediateResource } = policy as Partial<ResourceValidationPolicy>;
  const { validateStack } = policy as Partial<StackValidationPolicy>;
  const typeOf = (fn: unknown) => (fn as { __pulumiType?: string } | undefined)?.__pulumiType;
  const validations = validateResource === undefined ? [] : Array.isArray(validateResource) ? validateResource : [validateResource];
  return {
    name: policy.name, enforcementLevel: policy.enforcementLevel, array: Array.isArray(validateResource),
    validations: validations.map(typeOf), remediation: remediateResource ? [typeOf(remediateResource)] : [], stack: validateStack ? [typeOf(validateStack)] : [],
  };
}

const analyze = (pack: Policies, request: pb.AnalyzeRequest) =>
  new Promise<pb.AnalyzeResponse>((resolve, reject) => server.makeAnalyzeRpcFun("p", "1", "advisory", pack)({ request }, (error, response) => (error ? reject(error instanceof Error ? error : new Error(JSON.stringify(error))) : resolve(response))));

describe("the benchmark's hollow copy of ml-guard", () => {
  const assembled = assemblePack(policies);

  it("has ml-guard's policies as the host dispatches them: names, levels, kinds, validations and their type tags", () => {
    expect(hollowPolicies(assembled).map(shape)).toEqual(assembled.map(shape));
    expect(assembled.filter((policy) => "validateStack" in policy).length).toBeGreaterThan(10);
  });

  it("reports nothing where ml-guard reports (S3 encryption with S3-managed keys)", async () => {
    const request = new pb.AnalyzeRequest()
      .setType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").setName("sse")
      .setUrn("urn:pulumi:dev::p::aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration::sse")
      .setProperties(Struct.fromJavaScript({ bucket: "data", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }))
      .setOptions(new pb.AnalyzerResourceOptions());
    const names = (response: pb.AnalyzeResponse) => response.getDiagnosticsList().map((diagnostic) => diagnostic.getPolicyname());
    expect(names(await analyze(assembled, request))).toContain("s3-encryption-disallow-non-kms");
    expect(names(await analyze(hollowPolicies(assembled), request))).toEqual([]);
  });
});
