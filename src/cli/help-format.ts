/** Splits text into lines of at most `width` characters at spaces, as Python's textwrap does. */
function wrap(text: string, width: number): string[] {
  const words = text.split(/\s+/).filter((w) => w !== '');
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line !== '' && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line === '' ? w : `${line} ${w}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/**
 * One command's entry in `-h` output, laid out as the `ceph` CLI does: the usage in a 40-column field (continued on
 * following lines, indented by one), the help text beside it.
 */
export function helpEntry(usage: string, desc: string): string {
  const left = wrap(usage, 39).map((l, i) => (i === 0 ? l : ` ${l}`));
  const right = wrap(desc, 40).map((l, i) => (i === 0 ? l : ` ${l}`));
  const n = Math.max(left.length, right.length);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`${(left[i] ?? '').padEnd(40)}${right[i] ?? ''}`.trimEnd());
  return out.join('\n');
}
