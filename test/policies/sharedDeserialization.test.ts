/**
 * The pack shares one deserialisation of each resource between its rules by replacing an internal
 * export of @pulumi/policy (policypacks/ml-guard/lib/sharedDeserialization.ts). These tests fail
 * loudly when the SDK stops calling that export, and hold every rule to not writing to what it reads.
 */
import * as fs from "node:fs";
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { Policies } from "@pulumi/policy";
import { assemblePack } from "../../policypacks/ml-guard/lib/assemblePack";
import { shareDeserialization } from "../../policypacks/ml-guard/lib/sharedDeserialization";
import { policies } from "../../policypacks/ml-guard/policies";
import { analyzeRequest, providerOf, stackResource } from "../../tools/analyzer/requests";
import { runRepoStack } from "../support/stackRun";

type Deserialize = (struct: object, proxySecrets: boolean) => Record<string, unknown>;
interface RpcServer {
  makeAnalyzeRpcFun: (name: string, version: string, level: string, policies: Policies) => (call: unknown, callback: (error: unknown, response: unknown) => void) => void;
  makeAnalyzeStackRpcFun: RpcServer["makeAnalyzeRpcFun"];
}
const sdkDeserialize = require("@pulumi/policy/deserialize") as { deserializeProperties: Deserialize };
const server = require("@pulumi/policy/server") as RpcServer;
const call = (handler: ReturnType<RpcServer["makeAnalyzeRpcFun"]>, request: unknown) =>
  new Promise((resolve, reject) => handler({ request }, (error, response) => (error ? reject(error instanceof Error ? error : new Error(JSON.stringify(error))) : resolve(response))));

/** Runs `body` with the SDK's export replaced by a counting copy of it, shared; restores it after. */
async function withCountedSharing(body: (calls: () => number, original: Deserialize) => Promise<void>): Promise<void> {
  const original = sdkDeserialize.deserializeProperties;
  let count = 0;
  sdkDeserialize.deserializeProperties = (struct, proxySecrets) => {
    count++;
    return original(struct, proxySecrets);
  };
  try {
    shareDeserialization(sdkDeserialize);
    await body(() => count, original);
  } finally {
    sdkDeserialize.deserializeProperties = original;
  }
}

describe("one deserialisation per resource, shared by the rules", () => {
  it("finds @pulumi/policy's handlers still calling the module export once per policy (the SDK's internals this relies on)", () => {
    const source = fs.readFileSync(require.resolve("@pulumi/policy/server"), "utf8");
    expect(source).toContain("deserialize_1.deserializeProperties(req.getProperties(), false)");
    expect(source).toContain("deserialize_1.deserializeProperties(r.getProperties(), false)");
  });

  it("deserialises an Analyze request once however many rules read it, and each rule sees the same properties", async () => {
    const seen: unknown[] = [];
    const rule = (name: string) => ({ name, description: name, enforcementLevel: "advisory" as const, validateResource: (args: { props: unknown }) => { seen.push(JSON.parse(JSON.stringify(args.props))); } });
    const request = new pb.AnalyzeRequest().setType("aws:s3/bucket:Bucket").setName("b").setUrn("urn:pulumi:s::p::aws:s3/bucket:Bucket::b")
      .setProperties(Struct.fromJavaScript({ bucket: "data", tags: { team: "vision" } })).setOptions(new pb.AnalyzerResourceOptions());
    await withCountedSharing(async (calls) => {
      await call(server.makeAnalyzeRpcFun("p", "1", "advisory", [rule("one"), rule("two"), rule("three")]), request);
      expect(calls()).toBe(1);
    });
    expect(seen).toEqual(Array.from({ length: 3 }, () => ({ bucket: "data", tags: { team: "vision" } })));
  });

  it("leaves the properties of every resource of the prod stack as they were after every rule has read them", async () => {
    const { run, context } = await runRepoStack("prod", "preview");
    const byUrn = new Map(run.resources.map((resource) => [resource.urn, resource]));
    const requests = run.resources.map((resource) => analyzeRequest(resource, resource.inputs, providerOf(resource, byUrn, context)));
    const stackRequest = new pb.AnalyzeStackRequest().setResourcesList(run.resources.map((resource) => stackResource(resource, providerOf(resource, byUrn, context))));
    const pack = assemblePack(policies);
    await withCountedSharing(async (calls, original) => {
      const analyze = server.makeAnalyzeRpcFun("ml-guard", "0.1.0", "advisory", pack);
      for (const request of requests) await call(analyze, request);
      await call(server.makeAnalyzeStackRpcFun("ml-guard", "0.1.0", "advisory", pack), stackRequest);
      const structs = [...requests.map((request) => request.getProperties()!), ...stackRequest.getResourcesList().map((resource) => resource.getProperties()!)];
      const changed = structs.filter((struct) => JSON.stringify(sdkDeserialize.deserializeProperties(struct, false)) !== JSON.stringify(original(struct, false)));
      expect(changed).toEqual([]);
      // Each Struct deserialised once (providers are shared Structs too, hence at most).
      expect(calls()).toBeLessThanOrEqual(structs.length * 2);
    });
  }, 60_000);
});
