/**
 * Ceph's `timespan_str` (common/ceph_time.cc), as the monitors print an age in health detail ("stuck inactive for
 * 61s", "for 2m"): whole units, the largest that leaves a value of 2 or more in the next one down.
 */
export function timespanStr(ms: number): string {
  const ns = Math.max(0, Math.round(ms * 1e6));
  // Below 2 s Ceph prints a float through an ostream: six significant digits.
  if (ns < 2e9) return `${Number((ns / 1e9).toPrecision(6))}s`;
  const sec = Math.floor(ns / 1e9);
  if (sec < 120) return `${sec}s`;
  const min = Math.floor(sec / 60);
  if (min < 120) return `${min}m`;
  const hr = Math.floor(min / 60);
  if (hr < 48) return `${hr}h`;
  const day = Math.floor(hr / 24);
  if (day < 14) return `${day}d`;
  const wk = Math.floor(day / 7);
  if (wk < 12) return `${wk}w`;
  const mn = Math.floor(day / 30);
  if (mn < 24) return `${mn}M`;
  return `${Math.floor(day / 365)}y`;
}
