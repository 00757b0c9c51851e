/** Jest only transpiles (isolatedModules); `tsc --noEmit` type-checks the whole tree once in `npm test`. */
module.exports = {
  testEnvironment: "node",
  // Jest's default on two cores is one worker; most suites wait on child processes (the pack, the plan
  // CLI, PostgreSQL), so two workers finish in two thirds of the time (measured: 273 s -> 182 s).
  maxWorkers: 2,
  // Whole-stack analyses over gRPC take 2-4 s each alone; a busy runner must not turn that into a failure.
  testTimeout: 30_000,
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // The CLI and pack-process suites (*.e2e.test.ts: plan, check, bench, a second pack session) start
  // the pack as its own process per run, 10-20 s each; they run apart, in `npm run test:e2e`.
  testPathIgnorePatterns: ["\\.e2e\\.test\\.ts$"],
  transform: {
    "^.+\\.ts$": "ts-jest",
    // kubernetes-models and its CIDR helpers ship ESM only; transpile it to CommonJS for the schema checks in tests.
    "^.+\\.js$": ["ts-jest", { tsconfig: { allowJs: true, module: "commonjs", isolatedModules: true } }],
  },
  transformIgnorePatterns: ["/node_modules/(?!(kubernetes-models|@kubernetes-models|is-cidr|cidr-regex)/)"],
  resolver: "<rootDir>/test/support/esm-models-resolver.js",
};
