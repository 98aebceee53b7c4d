import type { ArgTypeSpec, CephArgType } from './ceph-arg-type.ts';
import { pyFloatRepr, pyIntStr } from './python-text.ts';

/** A range bound as Ceph prints it: Python's repr of its float, or of its int. */
export function boundText(type: CephArgType, x: number | bigint): string {
  return type === 'CephFloat' && typeof x === 'number' ? pyFloatRepr(x) : pyIntStr(x);
}

function rangeText(spec: ArgTypeSpec): string {
  const r = spec.range ?? [];
  const f = (x: number | bigint) => boundText(spec.type, x);
  if (r.length === 1) return `[${f(r[0]!)}-]`;
  if (r.length === 2) return `[${f(r[0]!)}-${f(r[1]!)}]`;
  return '';
}

/** Ceph's `str()` of a type instance: `<int[0-20]>`, `<string(goodchars [a-z])>`, `a|b`, `<pgid>`… */
export function typeString(spec: ArgTypeSpec): string {
  switch (spec.type) {
    case 'CephInt':
      return `<int${rangeText(spec)}>`;
    case 'CephFloat':
      return `<float${rangeText(spec)}>`;
    case 'CephString':
      return spec.goodchars ? `<string(goodchars ${spec.goodchars})>` : '<string>';
    case 'CephSocketpath':
      return '<admin-socket-path>';
    case 'CephIPAddr':
      return '<IPaddr[:port]>';
    case 'CephEntityAddr':
      return '<EntityAddr>';
    case 'CephPoolname':
      return '<poolname>';
    case 'CephObjectname':
      return '<objectname>';
    case 'CephPgid':
      return '<pgid>';
    case 'CephName':
      return '<name (type.id)>';
    case 'CephOsdName':
      return '<osdname (id|osd.id)>';
    case 'CephChoices':
      return (spec.strings ?? ['']).join('|');
    case 'CephBool':
      return '<bool>';
    case 'CephFilepath':
      return '<outfilename>';
    case 'CephFragment':
      return '<CephFS fragment ID (0xvvv/bbb)>';
    case 'CephUUID':
      return '<uuid>';
    case 'CephPrefix':
      return spec.prefix ?? '';
  }
}
