import { SingleBar } from 'cli-progress';

/** A progress bar over bytes of the trace read, drawn on stderr only when a person is watching a terminal. */
export interface Progress {
  update(read: number, total: number): void;
  stop(): void;
}

export function createProgress(label: string): Progress {
  if (!process.stdout.isTTY || !process.stderr.isTTY) return { update: () => {}, stop: () => {} };
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
