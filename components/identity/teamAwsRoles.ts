import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { servingDataPolicy, trainingDataPolicy, workloadTrustPolicy, type OidcProvider, type TeamBuckets } from "../secrets/teamDataAccess";
import { teamBucketPrefix } from "../storage/prefixes";
import { WORKLOAD_ROLES } from "../tenancy/labels";

export interface TeamAwsRolesArgs {
  team: string;
  /** The team's namespace name (its service accounts' subject is `system:serviceaccount:<namespace>:<account>`). */
  namespace: string;
  /** The cluster's IAM OIDC provider: the only issuer the roles trust. */
  oidcProvider: OidcProvider;
  /** The datasets and model-artifacts buckets with their keys. */
  buckets: pulumi.Input<TeamBuckets>;
  region: string;
  /** Longest STS session a pod's SDK may ask for. */
  sessionDurationSeconds: number;
  tags: Record<string, string>;
}

/**
 * A team's AWS identities, one IAM role per workload service account, assumed through IRSA: the
 * AWS SDKs exchange the pod's projected token (which the kubelet refreshes) for STS credentials and
 * refresh those themselves, so no credential is stored or copied anywhere. `training` reads the
 * team's datasets and writes its artifacts; `serving` only reads its artifacts.
 */
export class TeamAwsRoles extends pulumi.ComponentResource {
  /** Role ARN per service account name (`training`, `serving`). */
  readonly roleArns: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: TeamAwsRolesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("secure-ml:identity:TeamAwsRoles", name, {}, opts);
    const prefix = teamBucketPrefix(args.team);
    const documents = {
      [WORKLOAD_ROLES.training]: trainingDataPolicy,
      [WORKLOAD_ROLES.serving]: servingDataPolicy,
    };
    for (const [serviceAccount, document] of Object.entries(documents)) {
      const role = new aws.iam.Role(`${name}-${serviceAccount}`, {
        description: `${serviceAccount} pods of team ${args.team}, through IRSA`,
        assumeRolePolicy: JSON.stringify(workloadTrustPolicy(args.oidcProvider, args.namespace, serviceAccount)),
        maxSessionDuration: args.sessionDurationSeconds,
        tags: { ...args.tags, "mlops.io/team": args.team, "mlops.io/role": serviceAccount },
      }, { parent: this });
      new aws.iam.RolePolicy(`${name}-${serviceAccount}-data`, {
        role: role.id,
        policy: pulumi.output(args.buckets).apply((buckets) => JSON.stringify(document(prefix, buckets, args.region))),
      }, { parent: this });
      this.roleArns[serviceAccount] = role.arn;
    }
    this.registerOutputs({ roleArns: this.roleArns });
  }
}
