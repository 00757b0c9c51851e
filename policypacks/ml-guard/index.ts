import { PolicyPack } from "@pulumi/policy";
import { assemblePack } from "./lib/assemblePack";
import { policies } from "./policies";

new PolicyPack("ml-guard", {
  description: "Security rules for the secure ML platform and the workloads teams deploy on it.",
  policies: assemblePack(policies),
});
