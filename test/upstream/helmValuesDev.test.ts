import { describeStackReleases } from "./describeStackReleases";

// One stack per file: the Pulumi SDK's mock runtime holds one program run per module registry.
describeStackReleases("dev");
