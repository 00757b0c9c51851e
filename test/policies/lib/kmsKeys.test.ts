import { keyReference } from "../../../policypacks/ml-guard/lib/kmsKeys";

/** The engine's sentinel for a string unknown until apply. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("keyReference", () => {
  it("names AWS managed keys by their reserved alias/aws/ prefix, as alias name or alias ARN, in any case", () => {
    expect(["alias/aws/ecr", "arn:aws:kms:eu-west-1:111122223333:alias/aws/eks", "ALIAS/AWS/s3", "arn:aws-us-gov:kms:us-gov-west-1:111122223333:alias/aws/ebs"].map(keyReference)).toEqual(Array(4).fill("aws-managed"));
  });

  it("takes key ids, key ARNs and other aliases as customer-managed", () => {
    expect(["1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws:kms:eu-west-1:111122223333:key/1234abcd", "alias/team-aws/key", "alias/awsome", "mrk-1234"].map(keyReference)).toEqual(Array(5).fill("customer-managed"));
  });

  it("tells no key from a key not known yet", () => {
    expect([undefined, null, "", 7].map(keyReference)).toEqual(Array(4).fill("none"));
    expect(keyReference(UNKNOWN)).toBe("unknown");
  });
});
