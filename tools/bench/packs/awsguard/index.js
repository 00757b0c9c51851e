// Pulumi's published AWSGuard with every rule on (advisory, so a run reports rather than stops).
const { AwsGuard } = require("@pulumi/awsguard");

new AwsGuard({ all: "advisory" });
