import { hash32 } from './keyed-hash.ts';

/**
 * Ceph prints times with microseconds; stream time is whole milliseconds. The missing three digits come from a hash
 * of the millisecond, so a stamp looks like a real one and is the same every run.
 */
function micros(ms: number): string {
  return pad3(hash32(ms, 0x5eed) % 1000);
}

const DAY_MS = 86_400_000;
const days = new Map<number, string>();
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

/** `2026-11-25T02:32:18.251`: the date from a per-day cache, the time by arithmetic (a PG stat has ten stamps). */
function isoMillis(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let date = days.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 11);
    if (days.size > 1024) days.clear();
    days.set(day, date);
  }
  let rest = ms - day * DAY_MS;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = Math.floor(rest / 1000);
  return `${date}${pad2(h)}:${pad2(m)}:${pad2(s)}.${pad3(rest - s * 1000)}`;
}

/** `utime_t` as Ceph's JSON dumps print it: `2026-11-25T02:32:18.251426+0000`. */
export function cephStamp(ms: number): string {
  return `${isoMillis(ms)}${micros(ms)}+0000`;
}

/** The ISO form some maps use (`ceph mon dump`'s `created`): `2026-11-25T02:28:22.712137Z`. */
export function cephStampZ(ms: number): string {
  return `${isoMillis(ms)}${micros(ms)}Z`;
}
