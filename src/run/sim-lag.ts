/** Where a lag is read from: the cluster's clock, and the state the host published last. */
export interface LagSource {
  /** Stream time of the cluster's first event. */
  readonly startMs: number;
  /** The cluster's clock now (stream ms). */
  clock(): number;
  /** The published state's stamp (its last event's time; 0 before any) and seq. */
  published(): { readonly stamp: number; readonly seq: number };
}

/** How often the lag is sampled. */
const SAMPLE_MS = 1000;
/** The lag once the cluster has run this long is what counts: its first minute holds the start-up burst. */
const SETTLED_MS = 60_000;

/** A running watch of the lag: each sample, and lines saying it for an operator. */
export interface LagWatch {
  /** Ms of cluster time the published state trails its clock by, now. */
  lagMs(): number;
  /** The line of the periodic status: how far the cluster has run and how far the published state trails it. */
  statusLine(): string;
  /** Stops sampling; returns the closing line, with the largest lag seen after the cluster's first minute. */
  stop(): string;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function elapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(s / 60);
  return m > 0 ? `+${m}m${String(s % 60).padStart(2, '0')}s` : `+${s}s`;
}

/**
 * Watches how far the state a host publishes trails a live simulated cluster: the cluster's clock less the stamp of
 * the last event published. Sampled each second; `report` gets a status line every `everyMs` (none at 0).
 */
export function watchLag(source: LagSource, report: (line: string) => void, everyMs = 30_000): LagWatch {
  let maxSettled: number | null = null;
  const lagMs = () => {
    const { stamp } = source.published();
    return Math.max(0, source.clock() - (stamp === 0 ? source.startMs : stamp));
  };
  const sample = setInterval(() => {
    const lag = lagMs();
    if (source.clock() - source.startMs >= SETTLED_MS) maxSettled = Math.max(maxSettled ?? 0, lag);
  }, SAMPLE_MS);
  sample.unref();
  const statusLine = () => {
    const { seq } = source.published();
    const at = elapsed(source.clock() - source.startMs);
    return `simulated cluster at ${at}: the published state (seq ${seq}) trails it by ${seconds(lagMs())}`;
  };
  const periodic = everyMs > 0 ? setInterval(() => report(statusLine()), everyMs) : undefined;
  periodic?.unref();
  return {
    lagMs,
    statusLine,
    stop: () => {
      clearInterval(sample);
      clearInterval(periodic);
      const settled = maxSettled === null ? '' : `; at most ${seconds(maxSettled)} after its first minute`;
      return `${statusLine()}${settled}`;
    },
  };
}
