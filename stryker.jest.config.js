/** The in-process tests of the ml-guard rules: what mutation testing runs against each mutant. */
const base = require("./jest.config");

// `npm run mutation:rules` narrows each run to one rule file's own tests (tools/mutation/ruleTests.ts).
const narrowed = process.env.MUTATION_TESTS ? JSON.parse(process.env.MUTATION_TESTS) : undefined;

module.exports = {
  ...base,
  roots: ["<rootDir>/test/policies", "<rootDir>/test/evasion"],
  ...(narrowed ? { testRegex: narrowed.map((pattern) => `/test/${pattern}`), testMatch: undefined } : {}),
  testPathIgnorePatterns: [
    ...base.testPathIgnorePatterns,
    // It guards the SDK's deserialisation, not a rule's verdict, yet covers every rule through a whole
    // stack (8 s): it would run against each of the ~4,800 mutants and kill none the rule tests miss.
    "sharedDeserialization\\.test\\.ts$",
  ],
};
