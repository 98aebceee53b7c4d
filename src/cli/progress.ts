import { createRequire } from 'node:module';

/** A progress bar over bytes of the trace read, drawn on stderr only when a person is watching a terminal. */
export interface Progress {
  update(read: number, total: number): void;
  stop(): void;
}

export function createProgress(label: string): Progress {
  if (!process.stdout.isTTY || !process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  // Loaded only for a person at a terminal: a replay in a script or a test goes without it.
  const { SingleBar } = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
  const bar = new SingleBar({
    stream: process.stderr,
    format: `${label} [{bar}] {percentage}% | {value}/{total} MiB | {duration_formatted}`,
    hideCursor: true,
    clearOnComplete: true,
  });
  let started = false;
  const mib = (n: number) => Math.round((n / 1048576) * 10) / 10;
  return {
    update(read, total) {
      if (!started) {
        bar.start(mib(total), 0);
        started = true;
      }
      bar.update(mib(read));
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
