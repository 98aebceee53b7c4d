/** Ceph's `to_pretty_iec`: `n` in the largest binary unit it exceeds ten of (`20 Mi`), else `n` and a space. */
export function toPrettyIec(n: number): string {
  const units: Array<[number, string]> = [
    [60, 'Ei'],
    [50, 'Pi'],
    [40, 'Ti'],
    [30, 'Gi'],
    [20, 'Mi'],
    [10, 'Ki'],
  ];
  const big = BigInt(Math.trunc(n));
  for (const [bits, suffix] of units) {
    if (big > 10n << BigInt(bits)) return `${big >> BigInt(bits)} ${suffix}`;
  }
  return `${Math.trunc(n)} `;
}

/** Ceph's `get_pretty_row`: each element right-aligned in `width / n` columns, between bars. */
export function prettyRow(elems: readonly string[], width: number): string {
  const columnWidth = Math.trunc(width / elems.length);
  return `|${elems.map((e) => `${String(e).padStart(columnWidth - 2)} |`).join('')}`;
}

/** Ceph's `get_pretty_header`: the row between two dashed lines, each line ending in a newline. */
export function prettyHeader(elems: readonly string[], width: number): string {
  const columnWidth = Math.trunc(width / elems.length);
  const dashes = `+${`${'-'.repeat(columnWidth - 1)}+`.repeat(elems.length)}\n`;
  return `${dashes}${prettyRow(elems, width)}\n${dashes}`;
}
