let closed = false;
let watching = false;

/**
 * Treats the reader of stdout going away (`mgrkit get ... | head -1`) as the end of the output, not an error: what
 * is written after it is dropped, nothing is printed about it, and the exit status stays what the command made it.
 */
export function watchStdout(): void {
  if (watching) return;
  watching = true;
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    closed = true;
  });
}

/** Whether the reader of stdout went away: a command that would go on printing can stop. */
export function stdoutClosed(): boolean {
  return closed;
}
