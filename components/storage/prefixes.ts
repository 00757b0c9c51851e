/** A team's prefix in the shared buckets; IAM, Vault and model storage URIs are scoped to it. */
export function teamBucketPrefix(team: string): string {
  return `teams/${team}/`;
}
