/**
 * A gate that releases events no faster than the trace's own clock allows at `speed` times real time. The first
 * event sets the origin; `speed` of `Infinity` (`--speed max`) never waits.
 */
export function createPacer(speed: number): (t: number) => Promise<void> | undefined {
  if (!Number.isFinite(speed)) return () => undefined;
  let origin: { t: number; wall: number } | undefined;
  return (t: number) => {
    const now = performance.now();
    if (origin === undefined) {
      origin = { t, wall: now };
      return undefined;
    }
    const due = origin.wall + (t - origin.t) / speed;
    if (due <= now) return undefined;
    return new Promise((resolve) => setTimeout(resolve, due - now));
  };
}
