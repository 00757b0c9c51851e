import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

/** The account and region the offline plan pretends to deploy into. */
export const OFFLINE_ACCOUNT_ID = "123456789012";
const OFFLINE_REGION = "us-west-2";

const shortHash = (text: string, length = 7) => createHash("sha256").update(text).digest("hex").slice(0, length);

/** The id the Kubernetes provider gives an object: `<namespace>/<name>`, or the name of a cluster-scoped one. */
function kubernetesId(inputs: Record<string, unknown>): string {
  const metadata = (inputs.metadata ?? {}) as { name?: string; namespace?: string };
  return [metadata.namespace, metadata.name].filter(Boolean).join("/");
}

/** Provider-computed outputs, per resource type, in the shape the real providers return them. */
function computedOutputs(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
  const inputs = args.inputs as Record<string, unknown>;
  const suffix = shortHash(`${args.type}::${args.name}`);
  const region = (inputs.region as string | undefined) ?? OFFLINE_REGION;
  switch (args.type) {
    case "aws:s3/bucket:Bucket": {
      const bucket = (inputs.bucket as string | undefined) ?? `${args.name}-${suffix}`;
      return { id: bucket, state: { bucket, arn: `arn:aws:s3:::${bucket}`, region, bucketDomainName: `${bucket}.s3.amazonaws.com` } };
    }
    case "aws:kms/key:Key": {
      const keyId = `${shortHash(args.name, 8)}-${shortHash(`${args.name}1`, 4)}-4${shortHash(`${args.name}2`, 3)}-8${shortHash(`${args.name}3`, 3)}-${shortHash(`${args.name}4`, 12)}`;
      return { id: keyId, state: { keyId, arn: `arn:aws:kms:${region}:${OFFLINE_ACCOUNT_ID}:key/${keyId}` } };
    }
    case "aws:kms/alias:Alias":
      return { id: inputs.name as string, state: { arn: `arn:aws:kms:${region}:${OFFLINE_ACCOUNT_ID}:${inputs.name as string}` } };
    case "aws:cloudtrail/trail:Trail": {
      const name = (inputs.name as string | undefined) ?? `${args.name}-${suffix}`;
      return { id: name, state: { arn: `arn:aws:cloudtrail:${region}:${OFFLINE_ACCOUNT_ID}:trail/${name}`, homeRegion: region } };
    }
    case "aws:iam/role:Role":
    case "aws:iam/policy:Policy": {
      const kind = args.type === "aws:iam/role:Role" ? "role" : "policy";
      const name = (inputs.name as string | undefined) ?? `${args.name}-${suffix}`;
      return { id: name, state: { name, arn: `arn:aws:iam::${OFFLINE_ACCOUNT_ID}:${kind}/${name}` } };
    }
    case "kubernetes:core/v1:Secret":
      // Read back after creation (Secret.get), a service account token Secret holds what the token controller filled in.
      if (args.id) return { id: args.id, state: { data: { token: Buffer.from(`offline-service-account-token-${shortHash(args.id)}`).toString("base64") } } };
      return { id: kubernetesId(inputs) || args.name, state: {} };
    default: {
      if (args.type.startsWith("kubernetes:")) {
        return { id: kubernetesId(inputs) || args.name, state: {} };
      }
      return { id: `${args.name}-${suffix}`, state: {} };
    }
  }
}

/**
 * Mocks that stand in for the providers. In update mode every resource gets its computed outputs, as
 * after `pulumi up`; in preview mode only inputs are echoed, so computed outputs stay unknown exactly
 * as in a first `pulumi preview` of a new stack.
 */
/** Outputs of other stacks, by `org/project/stack`; names the program read but were not given are collected. */
export interface StackReferences {
  outputs: Record<string, Record<string, unknown>>;
  missing: Set<string>;
}

export function offlineMocks(mode: "preview" | "update", references: StackReferences = { outputs: {}, missing: new Set() }): pulumi.runtime.Mocks {
  return {
    newResource(args) {
      const inputs = args.inputs as Record<string, unknown>;
      if (args.type === "pulumi:pulumi:StackReference") {
        // Reading another stack: its outputs are known in a preview too.
        const name = String(inputs.name);
        const outputs = references.outputs[name];
        if (!outputs) references.missing.add(name);
        return { id: name, state: { name, outputs: outputs ?? {}, secretOutputNames: [] } };
      }
      // Reads (Resource.get) find what exists in either mode: the engine reads them during a preview too.
      if (mode === "preview" && !args.id) return { id: undefined, state: inputs };
      const { id, state } = computedOutputs(args);
      return { id, state: { ...inputs, ...state } };
    },
    call(args) {
      if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") {
        return { accountId: OFFLINE_ACCOUNT_ID, arn: `arn:aws:iam::${OFFLINE_ACCOUNT_ID}:user/offline-plan`, userId: "AIDAOFFLINEPLAN", id: OFFLINE_ACCOUNT_ID };
      }
      if (args.token === "aws:index/getRegion:getRegion") return { name: OFFLINE_REGION, region: OFFLINE_REGION, id: OFFLINE_REGION };
      if (args.token === "aws:index/getPartition:getPartition") return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
      throw new Error(`the offline plan has no mock for the function ${args.token}`);
    },
  };
}
