import { secretLiteralReason, SECRET_FLAG } from "../../../policypacks/ml-guard/lib/secretPatterns";

describe("secretLiteralReason", () => {
  it.each([
    ["DB_PASSWORD", "s3cr3t-value"],
    ["API_KEY", "abc123"],
    ["HF_TOKEN", "123abc"],
    ["Connection_String", "Server=db;User=ml"],
  ])("%s=%j is a literal credential by its name", (name, value) => {
    expect(secretLiteralReason(name, value)).toBe("its name says it holds a credential and it is set to a literal value");
  });

  it.each([
    ["DB_PASSWORD", ""],
    ["DB_PASSWORD", " changeme "],
    ["API_KEY", "$(API_KEY)"],
    ["API_KEY", "${API_KEY}"],
    ["AUTH_ENABLED", " True "],
    ["AUTH_RETRIES", " 3 "],
    ["TOKEN_TTL_SECONDS", "3600"],
    ["MODEL_NAME", "resnet-50"],
  ])("%s=%j is not", (name, value) => {
    expect(secretLiteralReason(name, value)).toBeUndefined();
  });

  it("recognises a credential by its value whatever the name", () => {
    expect(secretLiteralReason("X", "AKIAABCDEFGHIJKLMNOP")).toBe("its value looks like an AWS access key id");
    expect(secretLiteralReason("X", "postgres://ml:pw@db:5432/features")).toBe("its value looks like a URL with an embedded password");
  });
});

describe("SECRET_FLAG", () => {
  it.each([["--password=x"], ["-token"], ["--API-KEY"], ["--apikey=y"], ["--access-key"]])("%s is a credential flag", (flag) => {
    expect(SECRET_FLAG.test(flag)).toBe(true);
  });

  it.each([["--password-file=/run/secrets/pw"], ["--tokenizer=bert"], ["password=x"], ["--token="]])("%s is not", (flag) => {
    expect(SECRET_FLAG.test(flag)).toBe(false);
  });
});
