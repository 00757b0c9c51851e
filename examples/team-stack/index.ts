import { ModelEndpoint, TrainingJob, type JwtSettings } from "@secure-ml-platform/components";
import * as pulumi from "@pulumi/pulumi";
import { loadTeamStackConfig } from "./config";

/** What the platform stack exports for each team (see the platform's index.ts). */
interface PlatformTeam {
  namespace: string;
  trainingServiceAccount: string;
  servingServiceAccount: string;
  bucketPrefix: string;
  credentialSecrets: string[];
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
});

new TrainingJob(config.training.name, {
  ...config.training,
  team: config.team,
  namespace: team.namespace,
  // Short-lived credentials that External Secrets keeps fresh from Vault (see the platform README).
  secretEnv: [
    { env: "MLFLOW_DB_USERNAME", secret: "mlflow-db-credentials", key: "username" },
    { env: "MLFLOW_DB_PASSWORD", secret: "mlflow-db-credentials", key: "password" },
    { env: "AWS_ACCESS_KEY_ID", secret: "aws-credentials", key: "access_key" },
    { env: "AWS_SECRET_ACCESS_KEY", secret: "aws-credentials", key: "secret_key" },
    { env: "AWS_SESSION_TOKEN", secret: "aws-credentials", key: "security_token" },
  ],
});

export const modelStorageUri = endpoint.storageUri;
