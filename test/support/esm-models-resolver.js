// kubernetes-models and @kubernetes-models/* export only an "import" condition, which Jest's
// CommonJS resolver does not try; resolve those packages (and only those) with it.
const ESM_ONLY = /^(kubernetes-models|@kubernetes-models\/[^/]+)(\/|$)/;

module.exports = (request, options) =>
  options.defaultResolver(
    request,
    ESM_ONLY.test(request) ? { ...options, conditions: ["import", "default"] } : options,
  );
