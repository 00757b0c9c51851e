import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../support/planCli";

const CONSUMER = path.join(REPO_ROOT, "test/fixtures/consumer");
const GENERATED = path.join(CONSUMER, "generated");

/** The README's TypeScript examples, each as its own module. */
function readmeExamples(): string[] {
  const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);
}

let diagnostics: string[] = [];

beforeAll(() => {
  fs.rmSync(GENERATED, { recursive: true, force: true });
  fs.mkdirSync(GENERATED);
  readmeExamples().forEach((code, index) => fs.writeFileSync(path.join(GENERATED, `readme${index}.ts`), `${code}\nexport {};\n`));
  const result = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", CONSUMER, "--pretty", "false"], { cwd: REPO_ROOT, encoding: "utf8", timeout: 180_000 });
  diagnostics = result.stdout.split("\n").filter((line) => line.includes("error TS"));
}, 200_000);

afterAll(() => fs.rmSync(GENERATED, { recursive: true, force: true }));

describe("@secure-ml-platform/components as a library", () => {
  it("the README has examples to compile", () => expect(readmeExamples().length).toBeGreaterThanOrEqual(2));

  it("compiles for a consumer in strict mode, importing by package name (README examples included)", () => {
    expect(diagnostics.filter((line) => !line.startsWith("test/fixtures/consumer/deepImport.ts"))).toEqual([]);
  });

  it("refuses deep imports of internal modules", () => {
    expect(diagnostics).toEqual([expect.stringMatching(/^test\/fixtures\/consumer\/deepImport\.ts\(2,\d+\): error TS2307: Cannot find module '@secure-ml-platform\/components\/secrets\/vaultDocuments'/)]);
  });
});
