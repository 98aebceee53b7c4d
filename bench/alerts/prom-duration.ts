/** Milliseconds per unit of a Prometheus duration (`1h30m`, `5m`, `500ms`), as Prometheus's `model.ParseDuration`. */
const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

const ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'] as const;

/** Parses a Prometheus duration into milliseconds; throws on anything Prometheus would refuse. */
export function parsePromDuration(text: string): number {
  const t = text.trim();
  if (t === '0') return 0;
  const part = /(\d+)(ms|y|w|d|h|m|s)/y;
  let ms = 0;
  let at = 0;
  let last = -1;
  while (at < t.length) {
    part.lastIndex = at;
    const m = part.exec(t);
    if (m === null) throw new Error(`not a Prometheus duration: "${text}"`);
    const rank = ORDER.indexOf(m[2] as (typeof ORDER)[number]);
    // Units go from the largest to the smallest, each once, as Prometheus requires.
    if (rank <= last) throw new Error(`not a Prometheus duration: "${text}" (units out of order)`);
    last = rank;
    ms += Number(m[1]) * UNIT_MS[m[2]!]!;
    at = part.lastIndex;
  }
  if (at === 0) throw new Error(`not a Prometheus duration: "${text}"`);
  return ms;
}

/** Writes milliseconds as a Prometheus duration, largest units first (`90000` → `1m30s`, `0` → `0s`). */
export function formatPromDuration(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`a duration is a whole, non-negative number of ms: ${ms}`);
  if (ms === 0) return '0s';
  let left = ms;
  let out = '';
  for (const u of ORDER) {
    if (u === 'y' || u === 'w') continue;
    const n = Math.floor(left / UNIT_MS[u]!);
    if (n > 0) out += `${n}${u}`;
    left -= n * UNIT_MS[u]!;
  }
  return out;
}
