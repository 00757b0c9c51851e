/** One reason the API server would refuse (or silently drop part of) an object, at a JSON path. */
export interface Problem {
  path: string;
  message: string;
}

export const describeProblems = (problems: Problem[]) => problems.map((problem) => `${problem.path}: ${problem.message}`).join("\n");
