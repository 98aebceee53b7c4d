/** `format_u` of Ceph's types.h: a whole number when exact, else the most decimals (2, 1, 0) that fit 7 characters. */
function formatU(v: number, n: number, index: number, mult: number, unit: string): string {
  if (index === 0 || v % mult === 0) return `${n}${unit}`;
  for (let i = 2; i > 0; i--) {
    const s = `${(v / mult).toFixed(i)}${unit}`;
    if (s.length <= 7) return s;
  }
  return `${(v / mult).toFixed(0)}${unit}`;
}

/** Ceph's `byte_u_t`: bytes with a binary prefix, as health messages print them ("24 MiB", "3.1 GiB"). */
export function byteU(v: number): string {
  const units = [' B', ' KiB', ' MiB', ' GiB', ' TiB', ' PiB', ' EiB'];
  let n = Math.trunc(v);
  let index = 0;
  while (n >= 1024 && index < 6) {
    n = Math.floor(n / 1024);
    index++;
  }
  return formatU(v, n, index, 1024 ** index, units[index]!);
}

/** Ceph's `si_u_t`: a count with a decimal prefix and no unit ("1k", "2.5M"). */
export function siU(v: number): string {
  const units = ['', 'k', 'M', 'G', 'T', 'P', 'E'];
  let n = Math.trunc(v);
  let index = 0;
  while (n >= 1000 && index < 6) {
    n = Math.floor(n / 1000);
    index++;
  }
  return formatU(v, n, index, 1000 ** index, units[index]!);
}
