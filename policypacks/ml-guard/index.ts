import { PolicyPack } from "@pulumi/policy";
import { assemblePack } from "./lib/assemblePack";
import { shareDeserialization } from "./lib/sharedDeserialization";
import { policies } from "./policies";

shareDeserialization();

new PolicyPack("ml-guard", {
  description: "Security rules for the secure ML platform and the workloads teams deploy on it.",
  policies: assemblePack(policies),
});
