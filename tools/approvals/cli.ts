import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { ConfigError, parsePlatformConfig } from "../../config";
import { stackApprovals } from "../../platform/approvals";
import { readProjectStack, StackFileError } from "../plan/stackFile";

const EXIT_INVALID = 2;

/**
 * The approval attestations a stack's OCI models need: for each approval with an oci:// artifact, its
 * predicate (the approval record, with the approver's teams) written to <out>/<id>.json, and a line
 * `<image> <file>` for `cosign attest --type <predicate type> --predicate <file> <image>`. The stack
 * config is validated as `pulumi up` validates it, so only approvals the program accepts are attested.
 */
const program = new Command("approvals")
  .description("Write the approval predicates of a stack's OCI models and list `<image> <predicate file>` pairs to attest")
  .requiredOption("--stack <name>", "stack whose approvals to attest (reads Pulumi.<name>.yaml)")
  .option("--project <dir>", "Pulumi project directory", ".")
  .requiredOption("--out <dir>", "where to write the predicate files")
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : EXIT_INVALID));

program.parse();
const options = program.opts<{ stack: string; project: string; out: string }>();

try {
  const config = parsePlatformConfig(readProjectStack(path.resolve(options.project), options.stack).config);
  fs.mkdirSync(options.out, { recursive: true });
  for (const approval of stackApprovals(config.approvals, config.approvers)) {
    if (approval.artifact === undefined) continue;
    const file = path.join(options.out, `${approval.id}.json`);
    fs.writeFileSync(file, `${JSON.stringify(approval, null, 2)}\n`);
    console.log(`${approval.artifact.replace(/^oci:\/\//, "")} ${file}`);
  }
} catch (error) {
  if (!(error instanceof ConfigError || error instanceof StackFileError)) throw error;
  console.error(`error: ${error.message}`);
  process.exit(EXIT_INVALID);
}
