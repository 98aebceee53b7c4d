/** Ceph's CephIPAddr and CephEntityAddr checks; an address is what glibc's `inet_pton` takes. */
import { fail } from './argument-error.ts';
import { pyParseInt } from './python-text.ts';

function isIPv4(a: string): boolean {
  const parts = a.split('.');
  return parts.length === 4 && parts.every((p) => /^(?:0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

function isIPv6(a: string): boolean {
  if (a === '') return false;
  const halves = a.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (part: string): string[] | null => (part === '' ? [] : part.split(':'));
  const left = groupsOf(halves[0]!);
  const right = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (left === null || right === null) return false;
  const all = [...left, ...right];
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i]!;
    const last = i === all.length - 1;
    if (last && g.includes('.')) {
      if (!isIPv4(g)) return false;
      count += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) count += 1;
    else return false;
  }
  return halves.length === 2 ? count <= 7 : count === 8;
}

export interface ParsedAddr {
  val: string;
}

/** CephIPAddr: `[v1:|v2:|any:]ADDR[:PORT]`, IPv4 or `[IPv6]`; throws Ceph's ArgumentError text. */
export function validIPAddr(word: string): ParsedAddr {
  let s = word;
  let type: 4 | 6 = 6;
  let p: string | null = null;
  let a: string;
  if (s.startsWith('v1:')) {
    s = s.slice(3);
    type = 4;
  } else if (s.startsWith('v2:')) {
    s = s.slice(3);
    type = 6;
  } else if (s.startsWith('any:')) {
    s = s.slice(4);
    type = 4;
  } else if (s.startsWith('[')) type = 6;
  else if (s.includes('.')) type = 4;

  if (type === 4) {
    const colon = s.indexOf(':');
    if (colon !== -1) {
      a = s.slice(0, colon);
      p = s.slice(colon + 1);
      // Ceph's int(p) raises a bare ValueError on a non-number; the intended answer is "invalid IPv4 port"
      const port = pyParseInt(p, 10);
      if (port === null || port > 65535n) fail('ArgumentValid', `${p}: invalid IPv4 port`);
    } else a = s;
    if (!isIPv4(a)) fail('ArgumentValid', `${a}: invalid IPv4 address`);
  } else {
    if (s.startsWith('[')) {
      const end = s.indexOf(']');
      if (end === -1) fail('ArgumentFormat', `${s} missing terminating ]`);
      // Ceph reads only the first character of the port (s[end + 2]) and crashes on a bare "[addr]";
      // the intent is the whole port, and no port at all
      if (s[end + 1] === ':') {
        p = s.slice(end + 2);
        if (pyParseInt(p, 10) === null) fail('ArgumentValid', `${s}: bad port number`);
      }
      a = s.slice(1, end);
    } else a = s;
    if (!isIPv6(a)) fail('ArgumentValid', `${s} not valid IPv6 address`);
  }
  if (p !== null && (pyParseInt(p, 10) ?? 0n) > 65535n) fail('ArgumentValid', `${p} not a valid port number`);
  return { val: s };
}

/** CephEntityAddr: an IP address as {@link validIPAddr} takes it, then `/NONCE`. */
export function validEntityAddr(s: string): string {
  let ip = s;
  let nonce: string | null = null;
  const slash = s.indexOf('/');
  if (slash !== -1) {
    ip = s.slice(0, slash);
    nonce = s.slice(slash + 1);
    if (nonce.endsWith(']')) {
      nonce = nonce.slice(0, -1);
      ip += ']';
    }
  }
  validIPAddr(ip);
  if (nonce) {
    const n = pyParseInt(nonce, 10);
    if (n === null || n < 0n) fail('ArgumentValid', `${s}: invalid entity, nonce ${nonce} not integer > 0`);
  }
  return s;
}
