/**
 * The SDK records a stack trace for every promise it creates (to report leaked promises) and ts-node
 * maps each through source maps: most of a large plan's time. Under the mock runtime nothing reads
 * them, so the offline plan and the benchmark run programs without them (same for program and floor).
 */
export async function withoutStackCapture<T>(run: () => Promise<T>): Promise<T> {
  const stackTraceLimit = Error.stackTraceLimit;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- saved to be put back as it was, never called here
  const prepareStackTrace = Error.prepareStackTrace;
  Error.stackTraceLimit = 0;
  delete (Error as { prepareStackTrace?: unknown }).prepareStackTrace;
  try {
    return await run();
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    Error.prepareStackTrace = prepareStackTrace;
  }
}
