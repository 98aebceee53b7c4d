let installed = false;

/**
 * lmdb-js prints a failed commit's error (`console.error`, with its stack) and then rejects the commit, which the
 * store reports itself: one line naming the store, and the host's health. The print alone is dropped, so that a
 * full disk says what it means once and shows no stack trace; any other `console.error` is untouched.
 */
export function quietLmdbCommitErrors(): void {
  if (installed) return;
  installed = true;
  const print = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    const [first] = args;
    if (args.length === 1 && first instanceof Error && /[\\/]lmdb[\\/]write\.js:/.test(first.stack ?? '')) return;
    print(...args);
  };
}
