/**
 * Tables as Ceph's `orch` commands print them (PrettyTable without borders): upper-case headers, left-aligned
 * columns two spaces apart.
 */
export function renderTable(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string>>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** A count of bytes as Ceph's `format_dimless(n, 5)`: decimal units, at most five digits (`4000G`). */
export function formatDimless(n: number, width = 5): string {
  const units = ['', 'k', 'M', 'G', 'T', 'P', 'E'];
  let u = 0;
  let v = n;
  while (v >= 10 ** width && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${Math.floor(v)}${units[u]}`;
}

/** How long ago, as Ceph's `to_pretty_timedelta`: `42s`, `17m`, `5h`, `3d`, `6w`, `2y`. */
export function prettyAge(fromIso: string | undefined, nowMs: number): string {
  if (fromIso === undefined) return '-';
  const s = Math.max(0, Math.floor((nowMs - Date.parse(fromIso)) / 1000));
  if (Number.isNaN(s)) return '-';
  if (s < 120) return `${s}s`;
  if (s < 120 * 60) return `${Math.floor(s / 60)}m`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)}h`;
  if (s < 14 * 86400) return `${Math.floor(s / 86400)}d`;
  if (s < 12 * 7 * 86400) return `${Math.floor(s / (7 * 86400))}w`;
  return `${Math.floor(s / (365 * 86400))}y`;
}
