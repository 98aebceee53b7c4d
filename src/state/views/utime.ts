/**
 * How Ceph prints a `utime_t` (`operator<<`, `gmtime` style): `2026-11-25T02:32:53.125569+0000`; a time within the
 * first ten years of the epoch is taken as a duration and printed as seconds (`0.000000`).
 */
export function formatUtime(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60 * 60 * 24 * 365 * 10) return (ms / 1000).toFixed(6);
  const usec = Math.round((ms - seconds * 1000) * 1000);
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  return `${iso}.${String(usec).padStart(6, '0')}+0000`;
}
