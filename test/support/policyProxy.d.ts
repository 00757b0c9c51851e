// @pulumi/policy ships proxy.js with an empty proxy.d.ts (its index re-exports the function untyped).
// The harness imports the module directly to avoid loading the Pulumi SDK, so it declares the one
// export it uses.
export {};
declare module "@pulumi/policy/proxy" {
  export function unknownCheckingProxy<T>(toProxy: T): T;
}
