/** The in-process tests of the ml-guard rules: what mutation testing runs against each mutant. */
const base = require("./jest.config");

module.exports = {
  ...base,
  roots: ["<rootDir>/test/policies", "<rootDir>/test/evasion"],
};
