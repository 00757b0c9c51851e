/**
 * A function's results by its string argument. Every rule runs on every resource, and what they
 * derive from strings (type tokens, glob patterns, Vault policy texts) repeats across a
 * stack; the pack process lives for one preview, so the bound only guards against runaway input.
 */
export function memoizedByText<Result>(compute: (text: string) => Result, maxEntries = 10_000): (text: string) => Result {
  const results = new Map<string, Result>();
  return (text) => {
    const cached = results.get(text);
    if (cached !== undefined || results.has(text)) return cached as Result;
    if (results.size >= maxEntries) results.clear();
    const result = compute(text);
    results.set(text, result);
    return result;
  };
}
