/**
 * `mgrkit cmd` against Ceph's own `ceph_argparse` (Debian's ceph-common, /usr/lib/python3/dist-packages): many word
 * lists over many descriptors go through `ceph_argparse.validate_command` (test/ceph/argparse-oracle.py) and through
 * ours, and must agree: the same accept or reject, the same argument dict, the same message for a bad argument and
 * the same closest matches for no match. A case where we differ on purpose names its reason from DIFFERENCES, and
 * must then differ (so the list stays true). Every dict we accept must also pass the host's own check after the
 * trip through the socket's JSON, unchanged.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type CommandSignature, parseDescriptor, usage } from '../../src/commands/descriptor.ts';
import { validateCommand, validateDict } from '../../src/commands/validate.ts';
import { parseRequest } from '../../src/server/admin-socket.ts';
import { parseWireJson, stringifyWireJson } from '../../src/server/wire-json.ts';
import { ROOT } from '../helpers.ts';

// The system Python: a pyenv one first on PATH does not see Debian's dist-packages.
const PYTHON = '/usr/bin/python3';
const ORACLE = join(ROOT, 'test', 'ceph', 'argparse-oracle.py');

function oracleMissing(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import ceph_argparse'], { encoding: 'utf8' });
  if (r.error) return `${PYTHON} cannot run (${r.error.message}); install python3 and ceph-common`;
  if (r.status !== 0) return `${PYTHON} has no ceph_argparse (install Debian's ceph-common): ${r.stderr.trim()}`;
  return null;
}

/**
 * Where mgrkit answers otherwise than Pacific's ceph_argparse, on purpose. README.md ("`mgrkit cmd` and Ceph's
 * CLI") says the same.
 */
const DIFFERENCES = {
  'fixed-count-list':
    "an n=<k> argument (k > 1) is sent as the list of its k values; Ceph's store_arg keeps only the last one " +
    "(xy: 2 for 'pair set 1 2'), which its own mgr cannot read as the tuple it declared",
  'fixed-count-all':
    'an n=<k> argument needs all k values; Ceph takes one and stops ("did we already get this argument?")',
  'ipv6-port':
    "a bracketed IPv6 address's port is read whole ([::1]:99999 is refused); Ceph reads only its first digit",
  'ipv6-no-port': 'a bracketed IPv6 address without a port ([::1]) is valid; Ceph raises IndexError on it',
  'ipv4-port-not-int': "an IPv4 port that is not a number is 'invalid IPv4 port'; Ceph raises a bare ValueError",
  'fragment-hex':
    "CephFragment's 0x value is read as hex; Ceph converts it with int(val), base 10, which refuses every 0x value",
  'socketpath-missing': "a socket path that does not exist is 'not a socket'; Ceph raises FileNotFoundError",
  'entityaddr-slashes': 'an entity address with two slashes is refused as an address; Ceph raises ValueError',
} as const;
type Difference = keyof typeof DIFFERENCES;

/** A word list, and the reason where we differ on purpose. */
type Words = string | string[] | { words: string | string[]; differs: Difference };

const UUID = '12345678-1234-5678-1234-567812345678';

/** One argument per command (`probe NAME name=v,...`), and words for it alone. */
const PROBES: Array<[name: string, arg: string, words: Array<string | { w: string; differs: Difference }>]> = [
  [
    'int',
    'type=CephInt',
    [
      '0',
      '42',
      '-7',
      '+5',
      '0x10',
      '0X1f',
      '0o17',
      '0b101',
      '1_000',
      '010',
      '00',
      '1.5',
      'abc',
      '0x',
      '1e3',
      '٣',
      '9007199254740993',
      '99999999999999999999',
      '-9223372036854775809',
      '0xffffffffffffffffffff',
    ],
  ],
  ['int15', 'type=CephInt,range=1|5', ['1', '5', '0', '6', '0x3', '-1', '99999999999999999999', '3.0']],
  ['int0', 'type=CephInt,range=0', ['0', '-1', '18446744073709551616', '+0']],
  [
    'i64',
    'type=CephInt,range=-9223372036854775808|9223372036854775807',
    ['9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '0'],
  ],
  [
    'float',
    'type=CephFloat',
    [
      '1.5',
      '1',
      '-0',
      '1e3',
      '1E-5',
      '.5',
      '5.',
      'nan',
      'NaN',
      '-nan',
      'inf',
      '-inf',
      'Infinity',
      '+INF',
      'infinit',
      '1e400',
      '-1e400',
      '1_0.5',
      '0x10',
      'abc',
      '99999999999999999999',
    ],
  ],
  ['ratio', 'type=CephFloat,range=0.0|1.0', ['0', '1', '0.5', '1.01', '-0.0', 'nan', 'inf', '-inf', '1e-300']],
  ['float0', 'type=CephFloat,range=0.0', ['-1e-300', '0', 'inf', '-inf', 'nan']],
  ['bool', 'type=CephBool', ['true', 'false', '1', '0', 'TRUE', 'False', 'yes', '2']],
  ['choice', 'type=CephChoices,strings=a|b|c', ['a', 'b', 'c', 'd', 'A', 'ab']],
  ['flag', 'type=CephChoices,strings=--yes-i-really-mean-it', ['--yes-i-really-mean-it', 'x', '--yes']],
  [
    'name',
    'type=CephName',
    [
      '*',
      'mgr',
      'mon',
      'osd.0',
      'osd.*',
      'osd.x',
      'client.admin',
      'client.',
      'mds.a',
      'mgr.x',
      'rgw.a',
      'admin',
      'osd',
      'osd.-1',
      'osd.01',
      'mon.a.b',
    ],
  ],
  [
    'osdname',
    'type=CephOsdName',
    ['0', 'osd.3', '*', '-1', 'osd.x', 'mon.1', '3.5', 'osd.-1', '007', '99999999999999999999'],
  ],
  ['pool', 'type=CephPoolname', ['rbd', 'my-pool', '.rgw.root', '--x', 'é']],
  ['object', 'type=CephObjectname', ['obj', 'a/b', 'rbd_header.1234']],
  ['pgid', 'type=CephPgid', ['1.0', '1.ff', '1', 'a.0', '-1.0', '1.g', '1.', '0x1.0', '1.0x1f', '3.1.2', '+1.0']],
  [
    'ip',
    'type=CephIPAddr',
    [
      '1.2.3.4',
      '1.2.3.4:6789',
      '1.2.3.4:65535',
      '1.2.3.4:65536',
      '1.2.3',
      '256.1.1.1',
      '01.2.3.4',
      '::1',
      '[::1]:6789',
      { w: '[::1]', differs: 'ipv6-no-port' },
      { w: '[::1]:99999', differs: 'ipv6-port' },
      '[::1',
      '[::1]:x',
      'v1:1.2.3.4',
      'v2:[::1]:3300',
      'any:1.2.3.4',
      'fe80::1',
      'fe80::1%eth0',
      { w: '1.2.3.4:x', differs: 'ipv4-port-not-int' },
      // a dot makes it IPv4 to Ceph, so the port is everything after the first colon
      { w: '::ffff:1.2.3.4', differs: 'ipv4-port-not-int' },
      '1:2:3:4:5:6:7:8:9',
    ],
  ],
  [
    'addr',
    'type=CephEntityAddr',
    [
      '1.2.3.4/123',
      '1.2.3.4:6789/0',
      '1.2.3.4/-1',
      '1.2.3.4/x',
      '[::1]:6789/5',
      '1.2.3.4',
      { w: '1.2.3.4/1/2', differs: 'entityaddr-slashes' },
    ],
  ],
  [
    'uuid',
    'type=CephUUID',
    [
      UUID,
      UUID.replace(/-/g, ''),
      `{${UUID}}`,
      `urn:uuid:${UUID}`,
      UUID.toUpperCase(),
      UUID.slice(0, -1),
      UUID.replace('1', 'g'),
      'x',
    ],
  ],
  ['good', 'type=CephString,goodchars=[A-Za-z0-9-_.]', ['abc', 'a.b-c_d', 'a/b', 'a=b', 'é']],
  ['string', 'type=CephString', ['hello', 'a,b', 'é', 'x y', '-', '--x']],
  [
    'frag',
    'type=CephFragment',
    [{ w: '0x1/2', differs: 'fragment-hex' }, '1/2', '0x1', { w: '0x1/x', differs: 'fragment-hex' }, '0xg/2'],
  ],
  ['file', 'type=CephFilepath', ['/etc/hostname', '/nonexistent-dir/x', '/tmp']],
  ['sock', 'type=CephSocketpath', [{ w: '/nonexistent.sock', differs: 'socketpath-missing' }, '/etc/hostname']],
  ['ints', 'type=CephInt,n=N', ['1', '1,2,3', '1,x', '99999999999999999999,0x10']],
  ['strs', 'type=CephString,n=N', ['a', 'a,b']],
  ['floats', 'type=CephFloat,n=N', ['nan,inf,1.5', '1,-inf']],
];

/** Commands of several arguments, after Ceph's MonCommands.h and mgr modules. */
const COMMANDS = [
  'pg stat',
  'pg dump name=dumpcontents,type=CephChoices,strings=all|summary|sum|delta|pools|osds|pgs|pgs_brief,n=N,req=false',
  'pg map name=pgid,type=CephPgid',
  'mds set_state name=gid,type=CephInt,range=0 name=state,type=CephInt,range=0|20',
  'osd pool create name=pool,type=CephPoolname name=pg_num,type=CephInt,range=0,req=false ' +
    'name=pgp_num,type=CephInt,range=0,req=false name=pool_type,type=CephChoices,strings=replicated|erasure,req=false ' +
    'name=erasure_code_profile,type=CephString,req=false,goodchars=[A-Za-z0-9-_.] name=rule,type=CephString,req=false ' +
    'name=expected_num_objects,type=CephInt,range=0,req=false name=size,type=CephInt,range=0,req=false ' +
    'name=autoscale_mode,type=CephChoices,strings=on|off|warn,req=false name=bulk,type=CephBool,req=false ' +
    'name=target_size_ratio,type=CephFloat,range=0.0,req=false',
  'osd pool delete name=pool,type=CephPoolname name=pool2,type=CephPoolname,req=false ' +
    'name=yes_i_really_really_mean_it,type=CephBool,req=false',
  'osd pool get name=pool,type=CephPoolname name=var,type=CephString',
  'auth get-or-create-key name=entity,type=CephString name=caps,type=CephString,n=N,req=false',
  'osd set-full-ratio name=ratio,type=CephFloat,range=0.0|1.0',
  'tell name=target,type=CephName name=args,type=CephString,n=N',
  'osd tree name=epoch,type=CephInt,range=0,req=false name=states,type=CephChoices,strings=up|down|in|out|destroyed,n=N,req=false',
  'health name=detail,type=CephChoices,strings=detail,req=false',
  'fs rm name=fs_name,type=CephString name=yes_i_really_mean_it,type=CephBool,req=false',
  'osd blocklist name=blocklistop,type=CephChoices,strings=add|rm name=addr,type=CephEntityAddr ' +
    'name=expire,type=CephFloat,range=0.0,req=false',
  'osd pg-upmap name=pgid,type=CephPgid name=id,type=CephOsdName,n=N',
  'osd create name=uuid,type=CephUUID,req=false name=id,type=CephOsdName,req=false',
  'injectargs name=injected_args,type=CephString,n=N',
  'mon add name=name,type=CephString name=addr,type=CephIPAddr ' +
    'name=location,type=CephString,n=N,req=false,goodchars=[A-Za-z0-9-_.=]',
  'iostat name=width,type=CephInt,req=false name=print_header,type=CephBool,req=false',
  'pair set name=xy,type=CephInt,n=2',
  'trio set name=abc,type=CephString,n=3 name=tail,type=CephString,req=false',
  'big set name=v,type=CephInt name=w,type=CephInt,req=false',
  'mds rmfailed-legacy name=role,type=CephString name=confirm,type=CephChoices,strings=--yes-i-really-mean-it,req=false',
];

const COMMAND_WORDS: Words[] = [
  'pg stat',
  'pg dump',
  'pg dump all',
  'pg dump pgs osds',
  'pg dump pgs,osds',
  'pg dump nope',
  'pg dump --dumpcontents pools',
  'pg map 1.0',
  'pg map 1',
  'mds set_state 1 2',
  'mds set_state 1 21',
  'mds set_state 99999999999999999999 2',
  'mds set_state -1 2',
  'mds set_state 1',
  'mds set_state --gid 1 --state 2',
  'mds set_state --state=2 1',
  'osd pool create p',
  'osd pool create p 8',
  'osd pool create p 8 8 replicated',
  'osd pool create p 8 erasure',
  'osd pool create p 8 8 erasure myprofile',
  'osd pool create p 8 8 erasure my/profile',
  'osd pool create p --pg_num 8',
  'osd pool create p --pg-num=8 --bulk',
  'osd pool create p --bulk=false',
  'osd pool create p -1',
  'osd pool create p --target_size_ratio nan',
  'osd pool create p --target-size-ratio=inf',
  'osd pool create p --target-size-ratio=-inf',
  'osd pool create p --size 99999999999999999999',
  'osd pool create p --autoscale-mode warn',
  'osd pool create p --autoscale-mode sometimes',
  'osd pool create p --nope 1',
  'osd pool create',
  'osd pool delete p p --yes-i-really-really-mean-it',
  'osd pool delete p',
  'osd pool get rbd size',
  'osd pool get rbd',
  ['auth', 'get-or-create-key', 'client.x', 'mon', 'allow r'],
  'auth get-or-create-key client.x',
  'osd set-full-ratio 0.95',
  'osd set-full-ratio nan',
  'osd set-full-ratio inf',
  'osd set-full-ratio 1.5',
  'osd set-full-ratio 1e-400',
  'tell osd.0 bench',
  'tell osd.0 config set debug_osd 20',
  'tell osd.* version',
  'tell nope x',
  'tell mgr a,b',
  'osd tree',
  'osd tree 5 up in',
  'osd tree up,down',
  'osd tree 99999999999999999999',
  'health',
  'health detail',
  'health nope',
  'fs rm a --yes-i-really-mean-it',
  'fs rm a --nope',
  'osd blocklist add 1.2.3.4/0 3600',
  'osd blocklist add 1.2.3.4:6789/1 nan',
  'osd blocklist add 1.2.3.4 -1',
  'osd blocklist rm 1.2.3.4',
  'osd pg-upmap 1.0 1 2 3',
  'osd pg-upmap 1.0 osd.1,osd.2',
  'osd pg-upmap 1.0',
  'osd pg-upmap 1.0 99999999999999999999',
  'osd create',
  `osd create ${UUID}`,
  `osd create ${UUID} 5`,
  'osd create 5',
  'injectargs --debug-osd 20',
  'injectargs --debug-osd=20 --debug-ms=1',
  'mon add a 1.2.3.4',
  'mon add a 1.2.3.4:6789 zone=z1 rack=r1',
  'mon add a 1.2.3.4 zone/z',
  'mon add a 1.2.3.4:65536',
  'iostat 5 --print-header',
  'iostat --width 5 --print_header=false',
  'iostat x',
  { words: 'pair set 1 2', differs: 'fixed-count-list' },
  { words: 'pair set --xy 1 --xy 2', differs: 'fixed-count-list' },
  { words: 'pair set 1', differs: 'fixed-count-all' },
  'pair set 1 2 3',
  'pair set 1,2',
  'pair set 1 x',
  { words: 'trio set a b c', differs: 'fixed-count-list' },
  { words: 'trio set a b c d', differs: 'fixed-count-list' },
  'big set 99999999999999999999',
  'big set 9007199254740993 -9007199254740993',
  'big set 0x1fffffffffffffffff --w 1',
  'mds rmfailed-legacy 0 --yes-i-really-mean-it',
  'mds rmfailed-legacy 0 --no',
  'nosuch thing',
  'osd pool',
  'osd',
  'pg',
  'tell',
  'probe',
];

interface Case {
  readonly id: string;
  readonly words: string[];
  readonly differs?: Difference;
}

function words(w: string | string[]): string[] {
  return typeof w === 'string' ? w.split(' ') : w;
}

const DESCRIPTORS = [...COMMANDS, ...PROBES.map(([name, arg]) => `probe ${name} name=v,${arg}`)];

const CASES: Case[] = [
  ...PROBES.flatMap(([name, , ws]) =>
    ws.map((x): Case => {
      const w = typeof x === 'string' ? x : x.w;
      return {
        id: `probe ${name} ${w}`,
        words: ['probe', name, w],
        ...(typeof x === 'string' ? {} : { differs: x.differs }),
      };
    }),
  ),
  ...COMMAND_WORDS.map((x): Case => {
    const w = typeof x === 'object' && !Array.isArray(x) ? x.words : x;
    const list = words(w);
    return {
      id: list.join(' '),
      words: list,
      ...(typeof x === 'object' && !Array.isArray(x) ? { differs: x.differs } : {}),
    };
  }),
];

/** One answer, in a form both sides can be compared in. */
type Outcome =
  | { ok: true; dict: string }
  | { ok: false; invalid: string }
  | { ok: false; closest: string[] }
  | { ok: false; crash: string };

/** A dict as one string, keys sorted, numbers as the socket's JSON writes them (NaN, big ints whole). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return stringifyWireJson(v);
}

function theirs(out: Record<string, unknown>): Outcome {
  if (out.ok === true) return { ok: true, dict: canonical(out.dict) };
  if (typeof out.crash === 'string') return { ok: false, crash: out.crash };
  if (Array.isArray(out.closest)) return { ok: false, closest: out.closest as string[] };
  return { ok: false, invalid: String(out.invalid) };
}

function ours(signatures: CommandSignature[], ws: string[]): Outcome {
  const r = validateCommand(signatures, ws);
  if (!r.ok) {
    return r.kind === 'invalid'
      ? { ok: false, invalid: r.error }
      : { ok: false, closest: r.closest.map((s) => usage(s)) };
  }
  // What `mgrkit cmd` sends, through the host's parse and check: it must arrive unchanged.
  const line = stringifyWireJson({ cmd: r.cmd, inbuf: '', entity: 'client.admin' });
  const req = parseRequest(line);
  assert.ok(!('retval' in req), `the host refused ${line}: ${'stderr' in req ? req.stderr : ''}`);
  const checked = validateDict(r.signature, req.cmd as Record<string, unknown>);
  assert.ok(checked.ok, `the host's check refused ${line}: ${'error' in checked ? checked.error : 'no match'}`);
  assert.equal(canonical(checked.cmd), canonical(r.cmd), `the host read ${line} otherwise`);
  return { ok: true, dict: canonical(r.cmd) };
}

const missing = oracleMissing();
if (missing) console.log(`# skipping the ceph_argparse comparison: ${missing}`);

describe("mgrkit cmd against Ceph's ceph_argparse", { skip: missing ?? false }, () => {
  const signatures = DESCRIPTORS.map(parseDescriptor);
  let answers: Array<Record<string, unknown>> = [];

  it(`runs ${CASES.length} word lists over ${DESCRIPTORS.length} descriptors through ceph_argparse`, () => {
    assert.ok(CASES.length >= 250 && DESCRIPTORS.length >= 39);
    const input = JSON.stringify({
      tables: { ALL: DESCRIPTORS },
      cases: CASES.map((c) => ({ table: 'ALL', words: c.words })),
    });
    const r = spawnSync(PYTHON, [ORACLE], { input, encoding: 'utf8', cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    assert.equal(r.status, 0, r.stderr);
    const parsed = parseWireJson(r.stdout, 64);
    assert.ok(parsed.ok, `the oracle's output is not JSON: ${'message' in parsed ? parsed.message : ''}`);
    answers = parsed.value as Array<Record<string, unknown>>;
    assert.equal(answers.length, CASES.length);
  });

  it('agrees on every case but the deliberate differences, and differs on each of those', () => {
    assert.equal(answers.length, CASES.length, 'the oracle ran');
    const disagree: string[] = [];
    const sameAfterAll: string[] = [];
    for (const [i, c] of CASES.entries()) {
      const a = ours(signatures, c.words);
      const b = theirs(answers[i]!);
      const same = JSON.stringify(a) === JSON.stringify(b);
      if (c.differs === undefined && !same) {
        disagree.push(`${c.id}\n    mgrkit:         ${JSON.stringify(a)}\n    ceph_argparse:  ${JSON.stringify(b)}`);
      }
      if (c.differs !== undefined && same) sameAfterAll.push(`${c.id} (${c.differs}): ${JSON.stringify(a)}`);
    }
    assert.deepEqual(disagree, [], `${disagree.length} of ${CASES.length} cases disagree:\n  ${disagree.join('\n  ')}`);
    assert.deepEqual(sameAfterAll, [], 'cases listed as deliberate differences that agree after all');
  });

  it('uses every listed difference', () => {
    const used = new Set(CASES.map((c) => c.differs).filter((d) => d !== undefined));
    assert.deepEqual(
      Object.keys(DIFFERENCES).filter((d) => !used.has(d as Difference)),
      [],
    );
  });
});
