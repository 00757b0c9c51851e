import * as fs from "node:fs";
import * as path from "node:path";
import { MATRIX_BEGIN, MATRIX_END, renderComplianceMatrix } from "./matrix";

const README = path.resolve(__dirname, "../../README.md");

/** Rewrites the README's compliance matrix from the mapping (`npm run compliance-matrix`). */
function main(): number {
  const readme = fs.readFileSync(README, "utf8");
  const begin = readme.indexOf(MATRIX_BEGIN);
  const end = readme.indexOf(MATRIX_END);
  if (begin < 0 || end < begin) {
    console.error(`error: ${README} has no compliance matrix markers (${MATRIX_BEGIN} ... ${MATRIX_END})`);
    return 2;
  }
  const updated = `${readme.slice(0, begin)}${renderComplianceMatrix()}${readme.slice(end + MATRIX_END.length)}`;
  if (updated === readme) console.log("README.md: compliance matrix is up to date");
  else {
    fs.writeFileSync(README, updated);
    console.log("README.md: compliance matrix rewritten from the mapping");
  }
  return 0;
}

process.exit(main());
