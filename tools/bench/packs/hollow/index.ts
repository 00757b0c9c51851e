// ml-guard's assembled policies, hollowed, with its shared deserialisation: ml-guard over this pack is what its rules cost.
import { PolicyPack } from "@pulumi/policy";
import { assemblePack } from "../../../../policypacks/ml-guard/lib/assemblePack";
import { shareDeserialization } from "../../../../policypacks/ml-guard/lib/sharedDeserialization";
import { policies } from "../../../../policypacks/ml-guard/policies";
import { hollowPolicies } from "./hollowPolicies";

shareDeserialization();

new PolicyPack("hollow-ml-guard", { policies: hollowPolicies(assemblePack(policies)) });
