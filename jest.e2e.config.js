/** The end-to-end tier (`npm run test:e2e`): the CLIs and the pack as its own process, over every stack. */
const base = require("./jest.config");

module.exports = { ...base, testMatch: ["**/*.e2e.test.ts"], testPathIgnorePatterns: [] };
