// The protocol's floor: a policy pack that checks nothing.
const { PolicyPack } = require("@pulumi/policy");

new PolicyPack("noop", { policies: [] });
