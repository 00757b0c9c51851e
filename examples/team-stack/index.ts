import { ModelEndpoint, TrainingJob, type JwtSettings } from "@secure-ml-platform/components";
import * as pulumi from "@pulumi/pulumi";
import { loadTeamStackConfig } from "./config";

/** What the platform stack exports for each team (see the platform's index.ts). */
interface PlatformTeam {
  namespace: string;
  trainingServiceAccount: string;
  servingServiceAccount: string;
  bucketPrefix: string;
  /** Per service account: the credential Secrets the platform keeps fresh. */
  credentialSecrets: Record<string, string[] | undefined>;
}

const config = loadTeamStackConfig();
const platform = new pulumi.StackReference(config.platformStack);
const team = platform.requireOutput("teams").apply((teams: Record<string, PlatformTeam>) => {
  const found = teams[config.team];
  if (!found) throw new pulumi.RunError(`team ${config.team} is not defined in ${config.platformStack} (teams: ${Object.keys(teams).join(", ")})`);
  return found;
});
const mesh = platform.requireOutput("mesh") as pulumi.Output<{ gatewayPrincipal: string; jwt: JwtSettings; maxRequestBodyBytes: number }>;
const artifactsBucket = platform.requireOutput("buckets").apply((buckets: { modelArtifacts: { name: string } }) => buckets.modelArtifacts.name);

const endpoint = new ModelEndpoint(config.model.name, {
  ...config.model,
  team: config.team,
  namespace: team.namespace,
  artifactsBucket,
  gatewayPrincipal: mesh.gatewayPrincipal,
  jwt: mesh.jwt,
  verification: config.verification,
});

new TrainingJob(config.training.name, {
  ...config.training,
  team: config.team,
  namespace: team.namespace,
  // The training identity's own database user, kept fresh by External Secrets and read as files at
  // each new connection; S3 needs no credential here (the training service account assumes its IAM role).
  credentialSecrets: team.credentialSecrets.apply((secrets) => secrets.training ?? []),
});

export const modelStorageUri = endpoint.storageUri;
