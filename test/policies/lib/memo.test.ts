import { memoizedByText } from "../../../policypacks/ml-guard/lib/memo";

describe("memoizedByText", () => {
  it("computes once per text, undefined results included", () => {
    const seen: string[] = [];
    const lookup = memoizedByText((text) => {
      seen.push(text);
      return text.startsWith("k") ? text.length : undefined;
    });
    expect([lookup("kind"), lookup("kind"), lookup("other"), lookup("other")]).toEqual([4, 4, undefined, undefined]);
    expect(seen).toEqual(["kind", "other"]);
  });

  it("starts over past its bound instead of growing without end", () => {
    let computed = 0;
    const lookup = memoizedByText((text) => (computed++, text), 2);
    for (const text of ["a", "b", "c", "a"]) lookup(text);
    // "c" found the map full and cleared it, so "a" is computed again.
    expect(computed).toBe(4);
  });
});
