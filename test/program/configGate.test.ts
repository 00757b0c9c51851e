import * as pulumi from "@pulumi/pulumi";
import { installRecordingMocks, settle } from "../support/pulumiMocks";

const created = installRecordingMocks();

it("the program registers nothing when the stack config is invalid", async () => {
  pulumi.runtime.setAllConfig({
    "aws:region": "us-west-2",
    "secure-ml-platform:environment": "dev",
    "secure-ml-platform:teams": JSON.stringify([{ name: "a", group: "g", quota: { cpu: "1", memory: "1Gi", gpu: 1 } }, { name: "a", group: "g", quota: { cpu: "1", memory: "1Gi", gpu: 1 } }]),
  });
  expect(() => require("../../index")).toThrow("secure-ml-platform:teams[1].name = \"a\": duplicates the name of teams[0]");
  await settle();
  expect(created).toEqual([]);
});
