import * as k8s from "@pulumi/kubernetes";
import { MlPlatform, type BucketOutputs, type EncryptedBucket } from "./components";
import { loadPlatformConfig } from "./config";

// Validate the whole stack config first: a bad key stops the program before any resource exists.
const config = loadPlatformConfig();

const cluster = config.kubernetes.context
  ? new k8s.Provider("cluster", { context: config.kubernetes.context, enableServerSideApply: true })
  : undefined;

const platform = new MlPlatform(`ml-${config.environment}`, config, cluster ? { providers: [cluster] } : undefined);

const describe = (bucket: EncryptedBucket): BucketOutputs => ({ name: bucket.bucketName, arn: bucket.bucketArn, keyArn: bucket.keyArn });

export const environment = config.environment;
export const buckets = {
  datasets: describe(platform.datasets),
  modelArtifacts: describe(platform.artifacts),
  accessLogs: describe(platform.accessLogs),
};
export const teams = platform.teams;
