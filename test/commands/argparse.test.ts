/**
 * Table-driven checks of the Ceph argument machinery (`ceph_argparse`): argument types, descriptors and usage
 * lines, `validate_command` on CLI words, and command dicts.
 *
 * Every expectation is derived from Ceph's rules: `src/pybind/ceph_argparse.py` (Reef), its tests
 * (`src/test/pybind/test_ceph_argparse.py`, `src/pybind/mgr/tests/test_ceph_argtypes.py`), the inventory cases
 * (`inv-NN`) and the real CLI output in test/fixtures/ceph-pacific (cli-help-excerpt.txt, cli-steps.jsonl).
 * Where Ceph crashes or formats an unassigned variable, the intended message is expected and the case says so.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { type ArgScalar, validateWord } from '../../src/commands/arg-types.ts';
import {
  type CommandSignature,
  formatDescriptor,
  parseArgDesc,
  parseDescriptor,
  usage,
} from '../../src/commands/descriptor.ts';
import { validateCommand, validateDict } from '../../src/commands/validate.ts';
import { MgrError } from '../../src/errors.ts';
import { parseRequest } from '../../src/server/admin-socket.ts';
import { stringifyWireJson } from '../../src/server/wire-json.ts';

// ---------------------------------------------------------------------------------------------------------------
// Command tables (descriptors written after Ceph's MonCommands.h / mgr modules)

const CEPH = [
  'pg stat',
  'pg getmap',
  'pg dump name=dumpcontents,type=CephChoices,strings=all|summary|sum|delta|pools|osds|pgs|pgs_brief,n=N,req=false',
  'pg dump_json name=dumpcontents,type=CephChoices,strings=all|summary|sum|pools|osds|pgs,n=N,req=false',
  'pg map name=pgid,type=CephPgid',
  'pg debug name=debugop,type=CephChoices,strings=unfound_objects_exist|degraded_pgs_exist',
  'mds set_state name=gid,type=CephInt,range=0 name=state,type=CephInt,range=0|20',
  'osd pool create name=pool,type=CephPoolname name=pg_num,type=CephInt,range=0,req=false ' +
    'name=pgp_num,type=CephInt,range=0,req=false name=pool_type,type=CephChoices,strings=replicated|erasure,req=false ' +
    'name=erasure_code_profile,type=CephString,req=false,goodchars=[A-Za-z0-9-_.] name=rule,type=CephString,req=false ' +
    'name=expected_num_objects,type=CephInt,range=0,req=false name=size,type=CephInt,range=0,req=false ' +
    'name=autoscale_mode,type=CephChoices,strings=on|off|warn,req=false name=bulk,type=CephBool,req=false ' +
    'name=target_size_ratio,type=CephFloat,range=0.0,req=false',
  'osd pool delete name=pool,type=CephPoolname name=pool2,type=CephPoolname,req=false ' +
    'name=yes_i_really_really_mean_it,type=CephBool,req=false ' +
    'name=yes_i_really_really_mean_it_not_faking,type=CephBool,req=false',
  'osd pool get name=pool,type=CephPoolname name=var,type=CephString',
  'osd pool get-quota name=pool,type=CephPoolname',
  'auth get-or-create-key name=entity,type=CephString name=caps,type=CephString,n=N,req=false',
  'osd set-full-ratio name=ratio,type=CephFloat,range=0.0|1.0',
  'tell name=target,type=CephName name=args,type=CephString,n=N',
  'osd tree name=epoch,type=CephInt,range=0,req=false name=states,type=CephChoices,strings=up|down|in|out|destroyed,n=N,req=false',
  'health name=detail,type=CephChoices,strings=detail,req=false',
  'fs rm name=fs_name,type=CephString name=yes_i_really_mean_it,type=CephBool,req=false',
  'osd lost name=id,type=CephOsdName name=yes_i_really_mean_it,type=CephBool,req=false',
  'osd blocklist name=blocklistop,type=CephChoices,strings=add|rm name=addr,type=CephEntityAddr ' +
    'name=expire,type=CephFloat,range=0.0,req=false',
  'osd pg-upmap name=pgid,type=CephPgid name=id,type=CephOsdName,n=N',
  'osd create name=uuid,type=CephUUID,req=false name=id,type=CephOsdName,req=false',
  'injectargs name=injected_args,type=CephString,n=N',
  'mon add name=name,type=CephString name=addr,type=CephIPAddr ' +
    'name=location,type=CephString,n=N,req=false,goodchars=[A-Za-z0-9-_.=]',
  'iostat name=width,type=CephInt,req=false name=print_header,type=CephBool,req=false',
  // Reef-style non-positional arguments (a bool, and everything after it)
  'tracer bench name=iterations,type=CephInt,req=false name=verbose,type=CephBool,req=false,positional=false ' +
    'name=tag,type=CephString,req=false,positional=false',
  // pre-nautilus confirmation flags declared as a string / a one-choice
  'osd purge-legacy name=id,type=CephInt name=sure,type=CephString,req=false',
  'mds rmfailed-legacy name=role,type=CephString name=confirm,type=CephChoices,strings=--yes-i-really-mean-it,req=false',
  'pair set name=xy,type=CephInt,n=2',
  'some random cmd name=variable_one,type=CephString name=variable_two,type=CephString ' +
    'name=variable_three,type=CephString name=variable_four,type=CephInt name=variable_five,type=CephString',
];

// the nprobe module of cli-steps.jsonl, and a neighbour
const NPROBE = [
  'nprobe ping name=word,type=CephString,req=false',
  'nprobe fail name=code,type=CephInt,req=false',
  'nprobe raise',
  'nprobe unknown',
  'tracer bench name=iterations,type=CephInt,req=false',
];

// Pacific's selftest module commands in their declaration order, and other mgr commands
const MGR = [
  'mgr module ls',
  'mgr self-test run',
  'mgr self-test background start name=workload,type=CephString',
  'mgr self-test background stop',
  'mgr self-test config get name=key,type=CephString',
  'mgr self-test config get_localized name=key,type=CephString',
  'mgr self-test remote',
  'mgr self-test module name=module,type=CephString',
  'mgr self-test health set name=checks,type=CephString',
  'mgr self-test health clear name=checks,type=CephString,n=N,req=false',
  'mgr self-test insights_set_now_offset name=hours,type=CephString',
  'mgr self-test cluster-log name=channel,type=CephString name=priority,type=CephString name=message,type=CephString',
  'mgr self-test python-version',
  'mgr dump name=epoch,type=CephInt,range=0,req=false',
];

const GRADE = ['foo name=a,type=CephString', 'foo'];

const TABLES: Record<string, CommandSignature[]> = {
  CEPH: CEPH.map(parseDescriptor),
  NPROBE: NPROBE.map(parseDescriptor),
  MGR: MGR.map(parseDescriptor),
  GRADE: GRADE.map(parseDescriptor),
};

// ---------------------------------------------------------------------------------------------------------------
// Cases

type Expect = { value: ArgScalar | ArgScalar[] | Record<string, unknown> } | { error: string } | { closest: string[] };

type Case =
  | { id: string; word: string; arg: string; expect: Expect }
  | { id: string; table: keyof typeof TABLES; words: string | string[]; expect: Expect; sigIndex?: number }
  | { id: string; dict: Record<string, unknown>; sig: string; expect: Expect }
  | { id: string; usage: string; descriptor: string; style?: 'reef' }
  | { id: string; roundTrip: string; formatted?: string }
  | { id: string; badDescriptor: string; message: RegExp };

const v = (value: ArgScalar | ArgScalar[] | Record<string, unknown>): Expect => ({ value });
const e = (error: string): Expect => ({ error });

const UUID = '12345678123456781234567812345678';

const WORD_CASES: Case[] = [
  // CephInt: Python's int(s, 0)
  { id: 'int decimal', arg: 'type=CephInt', word: '42', expect: v(42) },
  { id: 'inv-57 int 0x3', arg: 'type=CephInt,range=1|5', word: '0x3', expect: v(3) },
  { id: 'int 0o17', arg: 'type=CephInt', word: '0o17', expect: v(15) },
  { id: 'int 0b101', arg: 'type=CephInt', word: '0b101', expect: v(5) },
  { id: 'int negative', arg: 'type=CephInt', word: '-5', expect: v(-5) },
  { id: 'int plus sign', arg: 'type=CephInt', word: '+5', expect: v(5) },
  { id: 'int underscores', arg: 'type=CephInt', word: '1_000', expect: v(1000) },
  { id: 'int leading zero refused', arg: 'type=CephInt', word: '010', expect: e("010 doesn't represent an int") },
  { id: 'inv-57 int abc', arg: 'type=CephInt,range=1|5', word: 'abc', expect: e("abc doesn't represent an int") },
  { id: 'int 1.5', arg: 'type=CephInt', word: '1.5', expect: e("1.5 doesn't represent an int") },
  { id: 'inv-57 int out of [1, 5]', arg: 'type=CephInt,range=1|5', word: '6', expect: e('6 not in range [1, 5]') },
  { id: 'inv-57 int below [0]', arg: 'type=CephInt,range=0', word: '-1', expect: e('-1 not in range [0]') },
  {
    id: 'int range shows the value',
    arg: 'type=CephInt,range=0|20',
    word: '0x15',
    expect: e('21 not in range [0, 20]'),
  },
  { id: 'int past 2^53', arg: 'type=CephInt', word: '99999999999999999999', expect: v(99999999999999999999n) },
  // CephFloat: Python's float(s), messages with Python's float repr
  { id: 'float', arg: 'type=CephFloat', word: '0.5', expect: v(0.5) },
  { id: 'float exponent', arg: 'type=CephFloat', word: '1e3', expect: v(1000) },
  { id: 'float bare fraction', arg: 'type=CephFloat', word: '.25', expect: v(0.25) },
  { id: 'float bad', arg: 'type=CephFloat', word: 'abc', expect: e("abc doesn't represent a float") },
  {
    id: 'float out of range',
    arg: 'type=CephFloat,range=0.0|1.0',
    word: '2.0',
    expect: e('2.0 not in range [0.0, 1.0]'),
  },
  {
    id: 'float range written as ints',
    arg: 'type=CephFloat,range=0|1',
    word: '2',
    expect: e('2.0 not in range [0.0, 1.0]'),
  },
  { id: 'float tiny value repr', arg: 'type=CephFloat,range=1', word: '1e-5', expect: e('1e-05 not in range [1.0]') },
  { id: 'float inf', arg: 'type=CephFloat,range=0.0|1.0', word: 'inf', expect: e('inf not in range [0.0, 1.0]') },
  // CephBool
  { id: 'bool TRUE', arg: 'type=CephBool', word: 'TRUE', expect: v(true) },
  { id: 'bool False', arg: 'type=CephBool', word: 'False', expect: v(false) },
  { id: 'bool 1', arg: 'type=CephBool', word: '1', expect: v(true) },
  { id: 'bool 0', arg: 'type=CephBool', word: '0', expect: v(false) },
  { id: 'inv-58 bool yes', arg: 'type=CephBool', word: 'yes', expect: e("yes not one of 'true', 'false'") },
  // CephChoices: exact only
  { id: 'choices member', arg: 'type=CephChoices,strings=a|bb', word: 'bb', expect: v('bb') },
  { id: 'inv-58 choices c', arg: 'type=CephChoices,strings=a|bb', word: 'c', expect: e('c not in a|bb') },
  { id: 'choices no prefix match', arg: 'type=CephChoices,strings=a|bb', word: 'b', expect: e('b not in a|bb') },
  // CephString
  {
    id: 'inv-58 string goodchars space',
    arg: 'type=CephString,goodchars=[A-Za-z0-9-_.]',
    word: 'a b',
    expect: e('invalid chars   in a b'),
  },
  {
    id: 'string goodchars ok',
    arg: 'type=CephString,goodchars=[A-Za-z0-9-_.]',
    word: 'my-pool_1.x',
    expect: v('my-pool_1.x'),
  },
  {
    id: 'string goodchars caret',
    arg: 'type=CephString,goodchars=[A-Za-z0-9-_.]',
    word: 'a^b',
    expect: e('invalid chars ^ in a^b'),
  },
  {
    id: 'string any printable',
    arg: 'type=CephString',
    word: 'allow rw pool=x, tag',
    expect: v('allow rw pool=x, tag'),
  },
  { id: 'string non-ASCII refused', arg: 'type=CephString', word: 'café', expect: e('invalid chars é in café') },
  { id: 'poolname takes anything', arg: 'type=CephPoolname', word: 'café', expect: v('café') },
  { id: 'objectname takes anything', arg: 'type=CephObjectname', word: 'a b/c', expect: v('a b/c') },
  // CephOsdName: an int
  { id: 'inv-58 osdname osd.3', arg: 'type=CephOsdName', word: 'osd.3', expect: v(3) },
  { id: 'osdname bare id', arg: 'type=CephOsdName', word: '7', expect: v(7) },
  { id: 'osdname star', arg: 'type=CephOsdName', word: '*', expect: v('*') },
  { id: 'inv-58 osdname -1', arg: 'type=CephOsdName', word: '-1', expect: e('osd id -1 is less than 0') },
  { id: 'osdname mon.1', arg: 'type=CephOsdName', word: 'mon.1', expect: e('unknown type mon') },
  { id: 'osdname osd.x', arg: 'type=CephOsdName', word: 'osd.x', expect: e('osd id x not integer') },
  // CephName
  { id: 'name osd.1', arg: 'type=CephName', word: 'osd.1', expect: v('osd.1') },
  { id: 'name client.admin', arg: 'type=CephName', word: 'client.admin', expect: v('client.admin') },
  { id: 'name mgr', arg: 'type=CephName', word: 'mgr', expect: v('mgr') },
  { id: 'name osd.*', arg: 'type=CephName', word: 'osd.*', expect: v('osd.*') },
  { id: 'name star', arg: 'type=CephName', word: '*', expect: v('*') },
  { id: 'name no dot', arg: 'type=CephName', word: 'foo', expect: e('CephName: no . in foo') },
  { id: 'name unknown type', arg: 'type=CephName', word: 'rgw.a', expect: e('unknown type rgw') },
  { id: 'name osd id', arg: 'type=CephName', word: 'osd.x', expect: e('osd id x not integer') },
  // CephPgid (the two "not integer" messages are Ceph's intended ones: its source raises UnboundLocalError)
  { id: 'pgid 1.1', arg: 'type=CephPgid', word: '1.1', expect: v('1.1') },
  { id: 'pgid hex', arg: 'type=CephPgid', word: '0.1f', expect: v('0.1f') },
  { id: 'pgid no dot', arg: 'type=CephPgid', word: '1', expect: e('pgid has no .') },
  { id: 'pgid pool not integer', arg: 'type=CephPgid', word: 'x.1', expect: e('pool x not integer') },
  { id: 'pgid pool < 0', arg: 'type=CephPgid', word: '-1.0', expect: e('pool -1 < 0') },
  { id: 'pgid pgnum not hex', arg: 'type=CephPgid', word: '1.zz', expect: e('pgnum zz not hex integer') },
  // CephIPAddr (the v1:/v2:/any: prefix is dropped from the value, as Ceph's valid() does)
  { id: 'ip v4', arg: 'type=CephIPAddr', word: '1.2.3.4', expect: v('1.2.3.4') },
  { id: 'ip v4 port', arg: 'type=CephIPAddr', word: '1.2.3.4:6789', expect: v('1.2.3.4:6789') },
  { id: 'ip v1 prefix', arg: 'type=CephIPAddr', word: 'v1:1.2.3.4:6789', expect: v('1.2.3.4:6789') },
  { id: 'ip v6 bare', arg: 'type=CephIPAddr', word: '::1', expect: v('::1') },
  {
    id: 'ip v6 bracket port',
    arg: 'type=CephIPAddr',
    word: 'v2:[2607:f298:4:2243::5522]:3300',
    expect: v('[2607:f298:4:2243::5522]:3300'),
  },
  { id: 'ip v4 port too big', arg: 'type=CephIPAddr', word: '1.2.3.4:70000', expect: e('70000: invalid IPv4 port') },
  {
    id: 'ip v4 bad address',
    arg: 'type=CephIPAddr',
    word: '400.500.600.700',
    expect: e('400.500.600.700: invalid IPv4 address'),
  },
  { id: 'ip no dot is v6', arg: 'type=CephIPAddr', word: 'invalid', expect: e('invalid not valid IPv6 address') },
  { id: 'ip missing ]', arg: 'type=CephIPAddr', word: '[::1', expect: e('[::1 missing terminating ]') },
  { id: 'ip v6 port too big', arg: 'type=CephIPAddr', word: '[::1]:99999', expect: e('99999 not a valid port number') },
  {
    id: 'ip v6 zone refused',
    arg: 'type=CephIPAddr',
    word: 'fe80::1%eth0',
    expect: e('fe80::1%eth0 not valid IPv6 address'),
  },
  { id: 'ip v2 with v4', arg: 'type=CephIPAddr', word: 'v2:1.2.3.4', expect: e('1.2.3.4 not valid IPv6 address') },
  // CephEntityAddr (test_ceph_argparse blocklist forms)
  { id: 'entity nonce', arg: 'type=CephEntityAddr', word: '1.2.3.4/567', expect: v('1.2.3.4/567') },
  { id: 'entity v1', arg: 'type=CephEntityAddr', word: 'v1:1.2.3.4/0', expect: v('v1:1.2.3.4/0') },
  { id: 'entity v2 bare v6', arg: 'type=CephEntityAddr', word: 'v2:fe80::1/0', expect: v('v2:fe80::1/0') },
  {
    id: 'entity bracket v6',
    arg: 'type=CephEntityAddr',
    word: '[2001:0db8::85a3:0000:8a2e:0370:7334]:0/0',
    expect: v('[2001:0db8::85a3:0000:8a2e:0370:7334]:0/0'),
  },
  {
    id: 'entity bad nonce',
    arg: 'type=CephEntityAddr',
    word: '1.2.3.4/x',
    expect: e('1.2.3.4/x: invalid entity, nonce x not integer > 0'),
  },
  {
    id: 'entity negative nonce',
    arg: 'type=CephEntityAddr',
    word: '1.2.3.4/-1',
    expect: e('1.2.3.4/-1: invalid entity, nonce -1 not integer > 0'),
  },
  {
    id: 'entity v2 with v4',
    arg: 'type=CephEntityAddr',
    word: 'v2:1.2.3.4/567',
    expect: e('1.2.3.4 not valid IPv6 address'),
  },
  {
    id: 'entity v1 port',
    arg: 'type=CephEntityAddr',
    word: 'v1:1.2.3.4:65536/567',
    expect: e('65536: invalid IPv4 port'),
  },
  // CephUUID: what Python's uuid.UUID() accepts
  { id: 'uuid hex', arg: 'type=CephUUID', word: UUID, expect: v(UUID) },
  {
    id: 'uuid braces',
    arg: 'type=CephUUID',
    word: '{12345678-1234-5678-1234-567812345678}',
    expect: v('{12345678-1234-5678-1234-567812345678}'),
  },
  {
    id: 'uuid urn',
    arg: 'type=CephUUID',
    word: 'urn:uuid:12345678-1234-5678-1234-567812345678',
    expect: v('urn:uuid:12345678-1234-5678-1234-567812345678'),
  },
  {
    id: 'uuid short',
    arg: 'type=CephUUID',
    word: 'invalid',
    expect: e('invalid UUID invalid: badly formed hexadecimal UUID string'),
  },
  {
    id: 'uuid not hex',
    arg: 'type=CephUUID',
    word: 'zz345678123456781234567812345678',
    expect: e(
      "invalid UUID zz345678123456781234567812345678: invalid literal for int() with base 16: 'zz345678123456781234567812345678'",
    ),
  },
  // CephFragment (Ceph's int(val) cannot parse 0x…; the intended hex reading is expected)
  { id: 'fragment', arg: 'type=CephFragment', word: '0x1f/3', expect: v('0x1f/3') },
  { id: 'fragment no slash', arg: 'type=CephFragment', word: 'abc', expect: e('abc: no /') },
  { id: 'fragment no 0x', arg: 'type=CephFragment', word: '1f/3', expect: e('1f not a hex integer') },
  { id: 'fragment bad hex', arg: 'type=CephFragment', word: '0xzz/3', expect: e("can't convert 0xzz to integer") },
  { id: 'fragment bad bits', arg: 'type=CephFragment', word: '0x1f/x', expect: e("can't convert x to integer") },
  // CephFilepath / CephSocketpath (client-side file checks)
  { id: 'filepath made absolute', arg: 'type=CephFilepath', word: 'package.json', expect: v(resolve('package.json')) },
  {
    id: 'filepath uncreatable',
    arg: 'type=CephFilepath',
    word: '/nonexistent-mgrkit-dir/out',
    expect: e('cannot create file in /nonexistent-mgrkit-dir'),
  },
  {
    id: 'socketpath not a socket',
    arg: 'type=CephSocketpath',
    word: 'package.json',
    expect: e('socket path package.json is not a socket'),
  },
].map((c) => ({ ...c, arg: `name=x,${c.arg}` }));

const caps = [
  'mon',
  'allow r',
  'osd',
  'allow rw pool=nfs-ganesha namespace=test, allow rw tag cephfs data=user_test_fs',
  'mds',
  'allow rw path=/',
];

const SOME = ['some', 'random', 'cmd'];
const SOME_DICT = {
  prefix: 'some random cmd',
  variable_one: 'alpha',
  variable_two: 'beta',
  variable_three: 'gamma',
  variable_four: 42,
  variable_five: 'delta',
};

const COMMAND_CASES: Case[] = [
  // inv-48: pg dump
  { id: 'inv-48 pg dump', table: 'CEPH', words: 'pg dump', expect: v({ prefix: 'pg dump' }) },
  {
    id: 'inv-48 pg dump all words',
    table: 'CEPH',
    words: 'pg dump all summary sum delta pools osds pgs pgs_brief',
    expect: v({
      prefix: 'pg dump',
      dumpcontents: ['all', 'summary', 'sum', 'delta', 'pools', 'osds', 'pgs', 'pgs_brief'],
    }),
  },
  {
    id: 'inv-48 pg dump --dumpcontents a,b',
    table: 'CEPH',
    words: 'pg dump --dumpcontents summary,sum',
    expect: v({ prefix: 'pg dump', dumpcontents: ['summary', 'sum'] }),
  },
  { id: 'inv-48 pg dump invalid', table: 'CEPH', words: 'pg dump invalid', expect: e("unused arguments: ['invalid']") },
  // inv-49: pg map
  { id: 'inv-49 pg map 1.1', table: 'CEPH', words: 'pg map 1.1', expect: v({ prefix: 'pg map', pgid: '1.1' }) },
  { id: 'inv-49 pg map missing', table: 'CEPH', words: 'pg map', expect: e('missing required parameter pgid(<pgid>)') },
  { id: 'inv-49 pg map 1', table: 'CEPH', words: 'pg map 1', expect: e('pgid has no .') },
  { id: 'inv-49 pg map bad-pgid', table: 'CEPH', words: 'pg map bad-pgid', expect: e('pgid has no .') },
  {
    id: 'inv-49 pg alone: closest matches',
    table: 'CEPH',
    words: 'pg',
    expect: {
      closest: [
        'pg stat',
        'pg getmap',
        'pg dump [all|summary|sum|delta|pools|osds|pgs|pgs_brief...]',
        'pg dump_json [all|summary|sum|pools|osds|pgs...]',
        'pg map <pgid>',
        'pg debug unfound_objects_exist|degraded_pgs_exist',
      ],
    },
  },
  {
    id: 'pg debug choice',
    table: 'CEPH',
    words: 'pg debug degraded_pgs_exist',
    expect: v({ prefix: 'pg debug', debugop: 'degraded_pgs_exist' }),
  },
  // inv-50: CephInt ranges
  {
    id: 'inv-50 set_state 1 2',
    table: 'CEPH',
    words: 'mds set_state 1 2',
    expect: v({ prefix: 'mds set_state', gid: 1, state: 2 }),
  },
  { id: 'inv-50 set_state 1 21', table: 'CEPH', words: 'mds set_state 1 21', expect: e('21 not in range [0, 20]') },
  { id: 'inv-50 set_state -1', table: 'CEPH', words: 'mds set_state -1', expect: e('-1 not in range [0]') },
  {
    id: 'set_state missing',
    table: 'CEPH',
    words: 'mds set_state',
    expect: e('missing required parameter gid(<int[0-]>)'),
  },
  // inv-51: keyword arguments
  {
    id: 'inv-51 --pgp_num=16',
    table: 'CEPH',
    words: 'osd pool create foo 8 --pgp_num=16',
    expect: v({ prefix: 'osd pool create', pool: 'foo', pg_num: 8, pgp_num: 16 }),
  },
  {
    id: 'inv-51 --pgp_num 16',
    table: 'CEPH',
    words: 'osd pool create foo 8 --pgp_num 16',
    expect: v({ prefix: 'osd pool create', pool: 'foo', pg_num: 8, pgp_num: 16 }),
  },
  {
    id: 'inv-51 keywords out of order, dashes',
    table: 'CEPH',
    words: 'osd pool create foo 8 --pool-type replicated --pgp_num 16',
    expect: v({ prefix: 'osd pool create', pool: 'foo', pg_num: 8, pgp_num: 16, pool_type: 'replicated' }),
  },
  {
    id: 'inv-51 unknown --foo=bar',
    table: 'CEPH',
    words: 'osd pool create foo 8 --foo=bar',
    expect: e("Unexpected argument '--foo=bar'"),
  },
  {
    id: 'pool create name only',
    table: 'CEPH',
    words: 'osd pool create poolname',
    expect: v({ prefix: 'osd pool create', pool: 'poolname' }),
  },
  {
    id: 'pool create missing pool',
    table: 'CEPH',
    words: 'osd pool create',
    expect: e('missing required parameter pool(<poolname>)'),
  },
  {
    id: 'optional positional pushback',
    table: 'CEPH',
    words: 'osd pool create foo erasure myprofile',
    expect: v({ prefix: 'osd pool create', pool: 'foo', pool_type: 'erasure', erasure_code_profile: 'myprofile' }),
  },
  {
    // "-1" fails pg_num, pgp_num and pool_type, and lands in erasure_code_profile and rule; "rule" is left over
    id: 'pool create -1 -1 spills over',
    table: 'CEPH',
    words: 'osd pool create poolname -1 -1 rule',
    expect: e("unused arguments: ['rule']"),
  },
  {
    id: 'pool create bad profile chars',
    table: 'CEPH',
    words: 'osd pool create poolname 128 128 erasure ^^^ rule',
    expect: e("unused arguments: ['rule']"),
  },
  // inv-52: bools
  {
    id: 'inv-52 --flag',
    table: 'CEPH',
    words: 'osd pool delete foo foo --yes-i-really-really-mean-it',
    expect: v({ prefix: 'osd pool delete', pool: 'foo', pool2: 'foo', yes_i_really_really_mean_it: true }),
  },
  {
    id: 'inv-52 --flag=true',
    table: 'CEPH',
    words: 'osd pool delete foo foo --yes-i-really-really-mean-it=true',
    expect: v({ prefix: 'osd pool delete', pool: 'foo', pool2: 'foo', yes_i_really_really_mean_it: true }),
  },
  {
    id: 'inv-52 --flag=false',
    table: 'CEPH',
    words: 'osd pool delete foo foo --yes-i-really-really-mean-it=false',
    expect: v({ prefix: 'osd pool delete', pool: 'foo', pool2: 'foo', yes_i_really_really_mean_it: false }),
  },
  {
    id: 'inv-52 --flag=rhubarb',
    table: 'CEPH',
    words: 'osd pool delete foo foo --yes-i-really-really-mean-it=rhubarb',
    expect: e("rhubarb not one of 'true', 'false'"),
  },
  {
    id: 'pool delete toomany',
    table: 'CEPH',
    words: 'osd pool delete foo foo --yes-i-really-really-mean-it toomany',
    expect: e("unused arguments: ['toomany']"),
  },
  // inv-53: commas inside a positional CephString n=N are kept; the keyword form splits
  {
    id: 'inv-53 caps unsplit',
    table: 'CEPH',
    words: ['auth', 'get-or-create-key', 'client.test', ...caps],
    expect: v({ prefix: 'auth get-or-create-key', entity: 'client.test', caps }),
  },
  {
    id: 'keyword n=N CephString splits',
    table: 'CEPH',
    words: ['auth', 'get-or-create-key', 'client.test', '--caps', 'mon,allow r'],
    expect: v({ prefix: 'auth get-or-create-key', entity: 'client.test', caps: ['mon', 'allow r'] }),
  },
  // inv-54: float range
  {
    id: 'inv-54 ratio 0.0',
    table: 'CEPH',
    words: 'osd set-full-ratio 0.0',
    expect: v({ prefix: 'osd set-full-ratio', ratio: 0 }),
  },
  { id: 'inv-54 ratio 2.0', table: 'CEPH', words: 'osd set-full-ratio 2.0', expect: e('2.0 not in range [0.0, 1.0]') },
  {
    id: 'inv-54 ratio missing',
    table: 'CEPH',
    words: 'osd set-full-ratio',
    expect: e('missing required parameter ratio(<float[0.0-1.0]>)'),
  },
  // inv-55: too many, tell
  {
    id: 'inv-55 health detail toomany',
    table: 'CEPH',
    words: 'health detail toomany',
    expect: e("unused arguments: ['toomany']"),
  },
  { id: 'health invalid', table: 'CEPH', words: 'health invalid', expect: e("unused arguments: ['invalid']") },
  { id: 'health detail', table: 'CEPH', words: 'health detail', expect: v({ prefix: 'health', detail: 'detail' }) },
  {
    id: 'inv-55 tell osd.42',
    table: 'CEPH',
    words: 'tell osd.42',
    expect: e('saw 0 of args(<string>)..., expected at least 1'),
  },
  {
    id: 'inv-55 tell osd.42 something',
    table: 'CEPH',
    words: 'tell osd.42 something',
    expect: v({ prefix: 'tell', target: 'osd.42', args: ['something'] }),
  },
  { id: 'tell invalid', table: 'CEPH', words: 'tell invalid', expect: e('CephName: no . in invalid') },
  // inv-56: positional, --k v, --k=v and mixed give the same dict
  {
    id: 'inv-56 positional',
    table: 'CEPH',
    words: [...SOME, 'alpha', 'beta', 'gamma', '42', 'delta'],
    expect: v(SOME_DICT),
  },
  {
    id: 'inv-56 --k v',
    table: 'CEPH',
    words: [
      ...SOME,
      '--variable_one',
      'alpha',
      '--variable_two',
      'beta',
      '--variable_three',
      'gamma',
      '--variable_four',
      '42',
      '--variable_five',
      'delta',
    ],
    expect: v(SOME_DICT),
  },
  {
    id: 'inv-56 --k=v',
    table: 'CEPH',
    words: [
      ...SOME,
      '--variable_one=alpha',
      '--variable_two=beta',
      '--variable_three=gamma',
      '--variable_four=42',
      '--variable_five=delta',
    ],
    expect: v(SOME_DICT),
  },
  {
    id: 'inv-56 mixed',
    table: 'CEPH',
    words: [...SOME, 'alpha', '--variable-two', 'beta', 'gamma', '--variable_four=42', 'delta'],
    expect: v(SOME_DICT),
  },
  {
    // the count of a descriptor restarts when validate() reaches it, so a later positional word overrides a keyword
    id: 'keyword before positionals: the positional word lands in its slot',
    table: 'CEPH',
    words: [...SOME, '--variable_four', '42', 'alpha', 'beta', 'gamma', 'delta'],
    expect: e("delta doesn't represent an int"),
  },
  // inv-47: non-ASCII words match nothing
  {
    id: 'inv-47 non-ASCII word',
    table: 'NPROBE',
    words: ['章鱼和鱿鱼'],
    expect: {
      closest: [
        'nprobe ping [<word>]',
        'nprobe fail [<code:int>]',
        'nprobe raise',
        'nprobe unknown',
        'tracer bench [<iterations:int>]',
      ],
    },
  },
  {
    id: 'inv-47 en dash',
    table: 'NPROBE',
    words: ['–w'],
    expect: {
      closest: [
        'nprobe ping [<word>]',
        'nprobe fail [<code:int>]',
        'nprobe raise',
        'nprobe unknown',
        'tracer bench [<iterations:int>]',
      ],
    },
  },
  // cli-steps.jsonl: real closest-match lists
  {
    id: 'cli-steps nprobe nosuchcmd',
    table: 'NPROBE',
    words: 'nprobe nosuchcmd',
    expect: { closest: ['nprobe ping [<word>]', 'nprobe fail [<code:int>]', 'nprobe raise', 'nprobe unknown'] },
  },
  {
    id: 'cli-steps mgr self-test eval return 1',
    table: 'MGR',
    words: 'mgr self-test eval return 1',
    expect: {
      closest: [
        'mgr self-test run',
        'mgr self-test background start <workload>',
        'mgr self-test background stop',
        'mgr self-test config get <key>',
        'mgr self-test config get_localized <key>',
        'mgr self-test remote',
        'mgr self-test module <module>',
        'mgr self-test health set <checks>',
        'mgr self-test health clear [<checks>...]',
        'mgr self-test insights_set_now_offset <hours>',
      ],
    },
  },
  {
    // rc 0 in cli-steps: the message reached the CLI as one argv word
    id: 'cli-steps cluster-log',
    table: 'MGR',
    words: ['mgr', 'self-test', 'cluster-log', 'cluster', 'info', 'nprobe: via selftest cluster-log'],
    expect: v({
      prefix: 'mgr self-test cluster-log',
      channel: 'cluster',
      priority: 'info',
      message: 'nprobe: via selftest cluster-log',
    }),
  },
  {
    id: 'cli-steps health set JSON word',
    table: 'MGR',
    words: ['mgr', 'self-test', 'health', 'set', '{"NPROBE_TEST": {"severity": "warning"}}'],
    expect: v({ prefix: 'mgr self-test health set', checks: '{"NPROBE_TEST": {"severity": "warning"}}' }),
  },
  {
    id: 'cli-steps nprobe fail 22',
    table: 'NPROBE',
    words: 'nprobe fail 22',
    expect: v({ prefix: 'nprobe fail', code: 22 }),
  },
  {
    id: 'cli-steps nprobe ping hello',
    table: 'NPROBE',
    words: 'nprobe ping hello',
    expect: v({ prefix: 'nprobe ping', word: 'hello' }),
  },
  // optional int: the word is pushed back and left over
  { id: 'nprobe fail x', table: 'NPROBE', words: 'nprobe fail x', expect: e("unused arguments: ['x']") },
  {
    // every candidate is short of its literal word: "not enough arguments" is not reported, the candidates are
    id: 'prefix alone: too few everywhere',
    table: 'NPROBE',
    words: 'nprobe',
    expect: { closest: ['nprobe ping [<word>]', 'nprobe fail [<code:int>]', 'nprobe raise', 'nprobe unknown'] },
  },
  {
    id: 'cli-steps fs rm --yes-i-really-mean-it',
    table: 'CEPH',
    words: 'fs rm cfs --yes-i-really-mean-it',
    expect: v({ prefix: 'fs rm', fs_name: 'cfs', yes_i_really_mean_it: true }),
  },
  // prefix scoring: a partial last word ranks, a full match ranks higher
  {
    id: 'prefix get vs get-quota',
    table: 'CEPH',
    words: 'osd pool get-quota foo',
    expect: v({ prefix: 'osd pool get-quota', pool: 'foo' }),
  },
  {
    id: 'prefix get with var',
    table: 'CEPH',
    words: 'osd pool get foo size',
    expect: v({ prefix: 'osd pool get', pool: 'foo', var: 'size' }),
  },
  {
    id: 'prefix partial word',
    table: 'CEPH',
    words: 'osd pool ge',
    expect: { closest: ['osd pool get <pool> <var>', 'osd pool get-quota <pool>'] },
  },
  { id: 'fewest required first', table: 'GRADE', words: 'foo', expect: v({ prefix: 'foo' }), sigIndex: 1 },
  { id: 'longer one when needed', table: 'GRADE', words: 'foo x', expect: v({ prefix: 'foo', a: 'x' }), sigIndex: 0 },
  // more types through validate
  {
    id: 'osd tree comma list',
    table: 'CEPH',
    words: 'osd tree down,out',
    expect: v({ prefix: 'osd tree', states: ['down', 'out'] }),
  },
  {
    id: 'osd lost confirm',
    table: 'CEPH',
    words: 'osd lost 1 --yes-i-really-mean-it',
    expect: v({ prefix: 'osd lost', id: 1, yes_i_really_mean_it: true }),
  },
  {
    id: 'osd lost -1',
    table: 'CEPH',
    words: 'osd lost -1 --yes-i-really-mean-it',
    expect: e('osd id -1 is less than 0'),
  },
  { id: 'osd lost what?', table: 'CEPH', words: 'osd lost 1 what?', expect: e("unused arguments: ['what?']") },
  {
    id: 'blocklist add',
    table: 'CEPH',
    words: 'osd blocklist add 1.2.3.4/567 600.40',
    expect: v({ prefix: 'osd blocklist', blocklistop: 'add', addr: '1.2.3.4/567', expire: 600.4 }),
  },
  {
    id: 'blocklist invalid',
    table: 'CEPH',
    words: 'osd blocklist add invalid 600.40',
    expect: e('invalid not valid IPv6 address'),
  },
  {
    id: 'blocklist negative expire',
    table: 'CEPH',
    words: 'osd blocklist add 1.2.3.4/567 -1.0',
    expect: e("unused arguments: ['-1.0']"),
  },
  {
    id: 'pg-upmap osd ids',
    table: 'CEPH',
    words: 'osd pg-upmap 1.0 1 osd.2',
    expect: v({ prefix: 'osd pg-upmap', pgid: '1.0', id: [1, 2] }),
  },
  {
    id: 'pg-upmap no ids',
    table: 'CEPH',
    words: 'osd pg-upmap 1.0',
    expect: e('saw 0 of id(<osdname (id|osd.id)>)..., expected at least 1'),
  },
  { id: 'pg-upmap bad id', table: 'CEPH', words: 'osd pg-upmap 1.0 1 foo', expect: e('osd id foo not integer') },
  {
    id: 'osd create uuid',
    table: 'CEPH',
    words: `osd create ${UUID}`,
    expect: v({ prefix: 'osd create', uuid: UUID }),
  },
  { id: 'osd create invalid', table: 'CEPH', words: 'osd create invalid', expect: e("unused arguments: ['invalid']") },
  {
    id: 'injectargs takes -- words',
    table: 'CEPH',
    words: 'injectargs --debug-ms=1 --debug_osd 10',
    expect: v({ prefix: 'injectargs', injected_args: ['--debug-ms=1', '--debug_osd', '10'] }),
  },
  {
    id: 'mon add',
    table: 'CEPH',
    words: 'mon add a 1.2.3.4:1234 host=foo',
    expect: v({ prefix: 'mon add', name: 'a', addr: '1.2.3.4:1234', location: ['host=foo'] }),
  },
  {
    id: 'mon add bad addr',
    table: 'CEPH',
    words: 'mon add name 400.500.600.700',
    expect: e('400.500.600.700: invalid IPv4 address'),
  },
  {
    id: 'bool flag with dashes',
    table: 'CEPH',
    words: 'iostat 5 --print-header',
    expect: v({ prefix: 'iostat', width: 5, print_header: true }),
  },
  // non-positional arguments
  {
    id: 'non-positional keywords',
    table: 'CEPH',
    words: 'tracer bench 5 --tag x --verbose',
    expect: v({ prefix: 'tracer bench', iterations: 5, tag: 'x', verbose: true }),
  },
  { id: 'non-positional given bare', table: 'CEPH', words: 'tracer bench 5 x', expect: e("Unexpected argument 'x'") },
  {
    id: '--name without a value',
    table: 'CEPH',
    words: 'tracer bench --tag',
    expect: e("Unexpected argument '--tag'"),
  },
  // legacy confirmation flags
  {
    id: 'legacy flag into a CephString',
    table: 'CEPH',
    words: 'osd purge-legacy 1 --yes-i-really-mean-it',
    expect: v({ prefix: 'osd purge-legacy', id: 1, sure: '--yes-i-really-mean-it' }),
  },
  {
    id: 'other -- word refused',
    table: 'CEPH',
    words: 'osd purge-legacy 1 --i-mean-it',
    expect: e("Unexpected argument '--i-mean-it'"),
  },
  {
    id: 'legacy flag as a CephChoices',
    table: 'CEPH',
    words: 'mds rmfailed-legacy 0 --yes-i-really-mean-it',
    expect: v({ prefix: 'mds rmfailed-legacy', role: '0', confirm: '--yes-i-really-mean-it' }),
  },
  // n=2, a deliberate difference: Ceph's store_arg keeps only the last value of a fixed count (xy: 2), which the
  // server cannot take as two, and once one value is stored the descriptor counts as given, so a single word passes.
  // mgrkit sends the list and wants every value.
  { id: 'n=2 both words', table: 'CEPH', words: 'pair set 1 2', expect: v({ prefix: 'pair set', xy: [1, 2] }) },
  { id: 'n=2 one word', table: 'CEPH', words: 'pair set 1', expect: e('saw 1 of xy(<int>), expected 2') },
  { id: 'n=2 three words', table: 'CEPH', words: 'pair set 1 2 3', expect: e("unused arguments: ['3']") },
  {
    id: 'n=2 as keywords',
    table: 'CEPH',
    words: 'pair set --xy 1 --xy=0x2',
    expect: v({ prefix: 'pair set', xy: [1, 2] }),
  },
  { id: 'n=2 one keyword', table: 'CEPH', words: 'pair set --xy 1', expect: e('saw 1 of xy(<int>), expected 2') },
  { id: 'n=2 a bad value', table: 'CEPH', words: 'pair set 1 x', expect: e("x doesn't represent an int") },
  { id: 'n=2 no comma split', table: 'CEPH', words: 'pair set 1,2', expect: e("1,2 doesn't represent an int") },
  {
    id: 'unused repr quoting',
    table: 'CEPH',
    words: ['health', 'detail', "it's"],
    expect: e('unused arguments: ["it\'s"]'),
  },
];

const POOL_CREATE = CEPH[7]!;

const DICT_CASES: Case[] = [
  {
    id: 'dict converts strings and numbers',
    sig: POOL_CREATE,
    dict: { prefix: 'osd pool create', pool: 'foo', pg_num: 8, pgp_num: '16', bulk: 'true' },
    expect: v({ prefix: 'osd pool create', pool: 'foo', pg_num: 8, pgp_num: 16, bulk: true }),
  },
  {
    id: 'dict ignores undeclared keys',
    sig: 'pg map name=pgid,type=CephPgid',
    dict: { prefix: 'pg map', pgid: '1.1', format: 'json', target: ['mon-mgr', ''] },
    expect: v({ prefix: 'pg map', pgid: '1.1' }),
  },
  {
    id: 'dict missing required',
    sig: 'pg map name=pgid,type=CephPgid',
    dict: { prefix: 'pg map' },
    expect: e('missing required parameter pgid(<pgid>)'),
  },
  {
    id: 'dict null required',
    sig: 'pg map name=pgid,type=CephPgid',
    dict: { prefix: 'pg map', pgid: null },
    expect: e('missing required parameter pgid(<pgid>)'),
  },
  {
    id: 'dict bad pgid',
    sig: 'pg map name=pgid,type=CephPgid',
    dict: { prefix: 'pg map', pgid: 'bad' },
    expect: e('pgid has no .'),
  },
  {
    id: 'dict wrong prefix',
    sig: 'pg map name=pgid,type=CephPgid',
    dict: { prefix: 'pg dump' },
    expect: { closest: ['pg map <pgid>'] },
  },
  {
    id: 'dict range',
    sig: CEPH[6]!,
    dict: { prefix: 'mds set_state', gid: 1, state: 21 },
    expect: e('21 not in range [0, 20]'),
  },
  {
    id: 'dict bool true',
    sig: CEPH[8]!,
    dict: { prefix: 'osd pool delete', pool: 'a', yes_i_really_really_mean_it: true },
    expect: v({ prefix: 'osd pool delete', pool: 'a', yes_i_really_really_mean_it: true }),
  },
  {
    id: 'dict bool rhubarb',
    sig: CEPH[8]!,
    dict: { prefix: 'osd pool delete', pool: 'a', yes_i_really_really_mean_it: 'rhubarb' },
    expect: e("rhubarb not one of 'true', 'false'"),
  },
  {
    id: 'dict list for n=N',
    sig: CEPH[11]!,
    dict: { prefix: 'auth get-or-create-key', entity: 'client.x', caps: ['mon', 'allow r, allow w'] },
    expect: v({ prefix: 'auth get-or-create-key', entity: 'client.x', caps: ['mon', 'allow r, allow w'] }),
  },
  {
    id: 'dict scalar for n=N',
    sig: CEPH[11]!,
    dict: { prefix: 'auth get-or-create-key', entity: 'client.x', caps: 'mon' },
    expect: v({ prefix: 'auth get-or-create-key', entity: 'client.x', caps: ['mon'] }),
  },
  {
    id: 'dict bad choice in list',
    sig: CEPH[2]!,
    dict: { prefix: 'pg dump', dumpcontents: ['all', 'bogus'] },
    expect: e('bogus not in all|summary|sum|delta|pools|osds|pgs|pgs_brief'),
  },
  {
    id: 'dict int as 1.5',
    sig: CEPH[6]!,
    dict: { prefix: 'mds set_state', gid: 1.5, state: 1 },
    expect: e("1.5 doesn't represent an int"),
  },
  {
    id: 'dict int as bool',
    sig: CEPH[6]!,
    dict: { prefix: 'mds set_state', gid: true, state: 1 },
    expect: e("True doesn't represent an int"),
  },
  {
    id: 'dict osd name to int',
    sig: CEPH[17]!,
    dict: { prefix: 'osd lost', id: 'osd.3' },
    expect: v({ prefix: 'osd lost', id: 3 }),
  },
  {
    id: 'dict float range',
    sig: CEPH[12]!,
    dict: { prefix: 'osd set-full-ratio', ratio: 2 },
    expect: e('2.0 not in range [0.0, 1.0]'),
  },
  {
    id: 'dict string from number',
    sig: 'nprobe ping name=word,type=CephString,req=false',
    dict: { prefix: 'nprobe ping', word: 5 },
    expect: v({ prefix: 'nprobe ping', word: '5' }),
  },
  {
    id: 'dict list for n=1',
    sig: 'pg map name=pgid,type=CephPgid',
    dict: { prefix: 'pg map', pgid: ['1.1', '1.2'] },
    expect: e('saw 2 of pgid(<pgid>), expected 1'),
  },
];

// usage lines of cli-help-excerpt.txt and cli-steps.jsonl, from reconstructed descriptors
const USAGE_CASES: Case[] = [
  {
    id: 'balancer mode',
    descriptor: 'balancer mode name=mode,type=CephChoices,strings=none|crush-compat|upmap',
    usage: 'balancer mode none|crush-compat|upmap',
  },
  {
    id: 'balancer optimize',
    descriptor: 'balancer optimize name=plan,type=CephString name=pools,type=CephString,n=N,req=false',
    usage: 'balancer optimize <plan> [<pools>...]',
  },
  {
    id: 'balancer pool add',
    descriptor: 'balancer pool add name=pools,type=CephString,n=N',
    usage: 'balancer pool add <pools>...',
  },
  {
    id: 'device light',
    descriptor:
      'device light name=enable,type=CephChoices,strings=on|off name=devid,type=CephString ' +
      'name=light_type,type=CephChoices,strings=ident|fault,req=false name=force,type=CephBool,req=false',
    usage: 'device light on|off <devid> [ident|fault] [--force]',
  },
  {
    id: 'health mute',
    descriptor:
      'health mute name=code,type=CephString name=ttl,type=CephString,req=false name=sticky,type=CephBool,req=false',
    usage: 'health mute <code> [<ttl>] [--sticky]',
  },
  {
    id: 'healthcheck history ls',
    descriptor: 'healthcheck history ls name=format,type=CephChoices,strings=plain|json|json-pretty|yaml,req=false',
    usage: 'healthcheck history ls [--format {plain|json|json-pretty|yaml}]',
  },
  { id: 'iostat', descriptor: CEPH[23]!, usage: 'iostat [<width:int>] [--print-header]' },
  {
    id: 'log last',
    descriptor:
      'log last name=num,type=CephInt,range=1,req=false name=level,type=CephChoices,strings=debug|info|sec|warn|error,req=false ' +
      'name=channel,type=CephChoices,strings=*|cluster|audit|cephadm,req=false',
    usage: 'log last [<num:int>] [debug|info|sec|warn|error] [*|cluster|audit|cephadm]',
  },
  { id: 'pg dump', descriptor: CEPH[2]!, usage: 'pg dump [all|summary|sum|delta|pools|osds|pgs|pgs_brief...]' },
  {
    id: 'pg dump_stuck',
    descriptor:
      'pg dump_stuck name=stuckops,type=CephChoices,strings=inactive|unclean|stale|undersized|degraded,n=N,req=false ' +
      'name=threshold,type=CephInt,req=false',
    usage: 'pg dump_stuck [inactive|unclean|stale|undersized|degraded...] [<threshold:int>]',
  },
  { id: 'osd pg-upmap', descriptor: CEPH[19]!, usage: 'osd pg-upmap <pgid> <id|osd.id>...' },
  {
    id: 'osd pg-temp',
    descriptor: 'osd pg-temp name=pgid,type=CephPgid name=id,type=CephOsdName,n=N,req=false',
    usage: 'osd pg-temp <pgid> [<id|osd.id>...]',
  },
  {
    id: 'pg ls-by-osd',
    descriptor:
      'pg ls-by-osd name=osd,type=CephOsdName name=pool,type=CephInt,req=false name=states,type=CephString,n=N,req=false',
    usage: 'pg ls-by-osd <id|osd.id> [<pool:int>] [<states>...]',
  },
  { id: 'mon add', descriptor: CEPH[22]!, usage: 'mon add <name> <addr> [<location>...]' },
  { id: 'mgr dump', descriptor: 'mgr dump name=epoch,type=CephInt,range=0,req=false', usage: 'mgr dump [<epoch:int>]' },
  { id: 'df', descriptor: 'df name=detail,type=CephChoices,strings=detail,req=false', usage: 'df [detail]' },
  { id: 'log', descriptor: 'log name=logtext,type=CephString,n=N', usage: 'log <logtext>...' },
  { id: 'crash ls', descriptor: 'crash ls', usage: 'crash ls' },
  { id: 'tell', descriptor: CEPH[13]!, usage: 'tell <type.id> <args>...' },
  {
    id: 'reef non-positional',
    descriptor: CEPH[24]!,
    usage: 'tracer bench [<iterations:int>] [--verbose] [--tag <value>]',
  },
  {
    id: 'reef named choices',
    descriptor: 'balancer mode name=mode,type=CephChoices,strings=none|upmap',
    usage: 'balancer mode <mode:none|upmap>',
    style: 'reef',
  },
];

const ROUND_TRIPS: Case[] = [
  // inv-46: bool makes every later argument non-positional
  {
    id: 'inv-46 descriptor',
    roundTrip:
      'antigravity name=pool,type=CephString name=force,req=false,positional=false,type=CephBool ' +
      'name=name,req=false,positional=false,type=CephString',
  },
  // inv-39..41: to_argdesc forms
  { id: 'inv-39 req=false string', roundTrip: 'foo name=x,req=false,type=CephString' },
  { id: 'inv-39 non-positional string', roundTrip: 'foo name=x,req=false,positional=false,type=CephString' },
  { id: 'inv-41 enum choices', roundTrip: 'foo name=x,strings=one|two,type=CephChoices' },
  {
    id: 'Responder format arg',
    roundTrip: 'alpha one name=name,req=false,type=CephString name=format,req=false,positional=false,type=CephString',
  },
  { id: 'list of choices', roundTrip: 'pg dump name=dumpcontents,req=false,n=N,strings=all|summary,type=CephChoices' },
  { id: 'int range', roundTrip: 'foobar name=myarg,range=1|5,type=CephInt' },
  { id: 'float range', roundTrip: 'osd set-full-ratio name=ratio,range=0.0|1.0,type=CephFloat' },
  {
    id: 'goodchars with =',
    roundTrip: 'mon add name=location,req=false,n=N,goodchars=[A-Za-z0-9-_.=],type=CephString',
  },
  { id: 'tuple n=2', roundTrip: 'pair set name=xy,n=2,type=CephInt' },
  { id: 'no args', roundTrip: 'mgr self-test run' },
  // keys come back in Ceph's order, float bounds as Python floats, other keys kept
  {
    id: 'reordered',
    roundTrip: 'mds set_state name=state,type=CephInt,range=0|20,req=false',
    formatted: 'mds set_state name=state,req=false,range=0|20,type=CephInt',
  },
  {
    id: 'float range normalised',
    roundTrip: 'x name=r,type=CephFloat,range=0|1',
    formatted: 'x name=r,range=0.0|1.0,type=CephFloat',
  },
  {
    id: 'extra keys kept',
    roundTrip: 'x name=y,type=CephString,help=why',
    formatted: 'x name=y,help=why,type=CephString',
  },
];

const BAD_DESCRIPTORS: Case[] = [
  { id: 'unknown type', badDescriptor: 'foo name=x,type=CephWhatever', message: /unknown type CephWhatever/ },
  {
    id: 'non-positional required',
    badDescriptor: 'foo name=x,positional=false,type=CephBool',
    message: /"x" is not positional/,
  },
  { id: 'no name', badDescriptor: 'foo type=CephString', message: /"type=CephString" has no name=/ },
  { id: 'no type', badDescriptor: 'foo name=x', message: /"name=x" has no type=/ },
  { id: 'not key=value', badDescriptor: 'foo name=x,type=CephInt,oops', message: /"oops"/ },
  { id: 'name twice', badDescriptor: 'foo name=x,type=CephInt name=x,type=CephString', message: /"x" used twice/ },
  {
    id: 'word after argument',
    badDescriptor: 'foo name=x,type=CephInt bar',
    message: /literal word "bar" after an argument/,
  },
  {
    id: 'range on a string',
    badDescriptor: 'foo name=x,type=CephString,range=1',
    message: /range= does not apply to CephString/,
  },
  { id: 'choices without strings', badDescriptor: 'foo name=x,type=CephChoices', message: /has no strings=/ },
  { id: 'n=0', badDescriptor: 'foo name=x,type=CephInt,n=0', message: /n=0/ },
  { id: 'bad goodchars', badDescriptor: 'foo name=x,type=CephString,goodchars=[a-', message: /is not a valid RE/ },
  { id: 'req=maybe', badDescriptor: 'foo name=x,type=CephInt,req=maybe', message: /req=maybe/ },
  { id: 'empty', badDescriptor: '   ', message: /no literal prefix word/ },
  { id: 'name prefix', badDescriptor: 'foo name=prefix,type=CephString', message: /"prefix"/ },
];

// ---------------------------------------------------------------------------------------------------------------
// Runner

function check(actual: { ok: boolean; value?: unknown; error?: string; closest?: string[] }, expect: Expect): void {
  if ('value' in expect) {
    assert.equal(actual.ok, true, `expected success, got ${actual.error ?? JSON.stringify(actual.closest)}`);
    assert.deepEqual(actual.value, expect.value);
  } else if ('error' in expect) {
    assert.equal(actual.ok, false, `expected an error, got ${String(actual.value)}`);
    assert.equal(actual.error, expect.error);
  } else {
    assert.deepEqual(actual.closest, expect.closest);
  }
}

function runCase(c: Case): void {
  if ('word' in c) {
    const spec = parseArgDesc(c.arg);
    let got: { ok: boolean; value?: unknown; error?: string };
    try {
      got = { ok: true, value: validateWord(spec, c.word) };
    } catch (err) {
      got = { ok: false, error: (err as Error).message };
    }
    check(got, c.expect);
  } else if ('table' in c) {
    const table = TABLES[c.table]!;
    const words = typeof c.words === 'string' ? c.words.split(' ') : c.words;
    const r = validateCommand(table, words);
    if (r.ok) {
      check({ ok: true, value: r.cmd }, c.expect);
      assert.ok(table.includes(r.signature), 'the signature is one of the table');
      if (c.sigIndex !== undefined) assert.equal(r.signature, table[c.sigIndex]);
    } else if (r.kind === 'invalid') {
      assert.ok('error' in c.expect, `expected ${JSON.stringify(c.expect)}, got invalid: ${r.error}`);
      check({ ok: false, error: r.error }, c.expect);
      assert.ok(table.includes(r.signature));
    } else {
      assert.ok('closest' in c.expect, `expected ${JSON.stringify(c.expect)}, got no-match`);
      for (const s of r.closest) assert.ok(table.includes(s));
      check({ ok: false, closest: r.closest.map((s) => usage(s)) }, c.expect);
    }
  } else if ('dict' in c) {
    const sig = parseDescriptor(c.sig);
    const r = validateDict(sig, c.dict);
    if (r.ok) check({ ok: true, value: r.cmd }, c.expect);
    else if (r.kind === 'invalid') {
      assert.ok('error' in c.expect, `expected ${JSON.stringify(c.expect)}, got invalid: ${r.error}`);
      check({ ok: false, error: r.error }, c.expect);
    } else {
      assert.ok('closest' in c.expect);
      check({ ok: false, closest: r.closest.map((s) => usage(s)) }, c.expect);
    }
  } else if ('usage' in c) {
    assert.equal(usage(parseDescriptor(c.descriptor), c.style), c.usage);
  } else if ('roundTrip' in c) {
    const sig = parseDescriptor(c.roundTrip);
    const out = formatDescriptor(sig);
    assert.equal(out, c.formatted ?? c.roundTrip);
    assert.deepEqual(parseDescriptor(out), sig);
  } else {
    assert.throws(
      () => parseDescriptor(c.badDescriptor),
      (err: unknown) => {
        assert.ok(err instanceof MgrError);
        assert.equal(err.code, 'MGR_ERR_COMMAND_DESCRIPTOR');
        assert.match(err.message, c.message);
        return true;
      },
    );
  }
}

const GROUPS: Array<[string, Case[]]> = [
  ['argument types (one word)', WORD_CASES],
  ['validate_command on CLI words', COMMAND_CASES],
  ['command dicts', DICT_CASES],
  ['usage lines', USAGE_CASES],
  ['descriptor round trips', ROUND_TRIPS],
  ['bad descriptors', BAD_DESCRIPTORS],
];

describe('ceph_argparse', () => {
  it('has a table of at least 60 cases', () => {
    assert.ok(GROUPS.reduce((n, [, cases]) => n + cases.length, 0) >= 60);
  });
  for (const [group, cases] of GROUPS) {
    describe(group, () => {
      for (const c of cases) it(c.id, () => runCase(c));
    });
  }
});

// ---------------------------------------------------------------------------------------------------------------
// What `mgrkit cmd` sends and the host reads: the words through validate_command, the dict through the socket's
// JSON, and the host's check of it

/** The CLI's words → the request line AdminClient writes → the host's parse → its check of the dict. */
function endToEnd(descriptor: string, words: string): { sent: string; cli: Record<string, unknown>; host: unknown } {
  const sig = parseDescriptor(descriptor);
  const r = validateCommand([sig], words.split(' '));
  assert.ok(r.ok, `the CLI refused ${words}: ${'error' in r ? r.error : 'no match'}`);
  const sent = stringifyWireJson({ cmd: r.cmd, inbuf: '', entity: 'client.admin' });
  const req = parseRequest(sent);
  assert.ok(!('retval' in req), `the host refused the request line ${sent}`);
  const checked = validateDict(sig, req.cmd as Record<string, unknown>);
  assert.ok(checked.ok, `the host refused ${sent}: ${'error' in checked ? checked.error : ''}`);
  return { sent, cli: r.cmd, host: checked.cmd };
}

describe('mgrkit cmd end to end: n=<k>, integers past 2^53, nan and inf', () => {
  it('sends both values of an n=2 argument, and the host takes them', () => {
    const r = endToEnd('pair set name=xy,type=CephInt,n=2', 'pair set 1 2');
    assert.equal(r.sent, '{"cmd":{"prefix":"pair set","xy":[1,2]},"inbuf":"","entity":"client.admin"}');
    assert.deepEqual(r.host, { prefix: 'pair set', xy: [1, 2] });
    const three = endToEnd('trio name=abc,type=CephString,n=3', 'trio a b c');
    assert.deepEqual(three.host, { prefix: 'trio', abc: ['a', 'b', 'c'] });
  });

  it('keeps integers past 2^53 exact from the word to the host, as Python ints', () => {
    for (const word of ['9007199254740993', '99999999999999999999', '-9223372036854775809', '0x1fffffffffffffffff']) {
      const r = endToEnd('big set name=v,type=CephInt', `big set ${word}`);
      const exact = BigInt(word);
      assert.equal(r.cli.v, exact);
      assert.equal(r.host && (r.host as { v: unknown }).v, exact);
      assert.ok(r.sent.includes(`"v":${exact}`), r.sent);
    }
    // small ones stay numbers
    assert.deepEqual(endToEnd('big set name=v,type=CephInt', 'big set 42').host, { prefix: 'big set', v: 42 });
    const osd = endToEnd('osd down name=ids,type=CephOsdName,n=N', 'osd down 12345678901234567890 osd.3');
    assert.deepEqual(osd.host, { prefix: 'osd down', ids: [12345678901234567890n, 3] });
  });

  it('checks a range past 2^53 exactly, as Python compares ints', () => {
    const arg = 'type=CephInt,range=9007199254740993|18446744073709551615';
    assert.equal(validateWord(parseArgDesc(`name=v,${arg}`), '9007199254740993'), 9007199254740993n);
    assert.equal(validateWord(parseArgDesc(`name=v,${arg}`), '18446744073709551615'), 18446744073709551615n);
    assert.throws(
      () => validateWord(parseArgDesc(`name=v,${arg}`), '9007199254740992'),
      /^ArgumentValid: 9007199254740992 not in range \[9007199254740993, 18446744073709551615\]$/,
    );
    assert.throws(() => validateWord(parseArgDesc(`name=v,${arg}`), '18446744073709551616'), /not in range/);
    assert.equal(
      formatDescriptor(parseDescriptor(`u64 name=v,${arg.replace('type=CephInt,', '')},type=CephInt`)),
      'u64 name=v,range=9007199254740993|18446744073709551615,type=CephInt',
    );
  });

  it('reads a raw request with an integer past 2^53 without rounding it', () => {
    const req = parseRequest('{"prefix": "big set", "v": 99999999999999999999}');
    assert.ok(!('retval' in req));
    const checked = validateDict(parseDescriptor('big set name=v,type=CephInt'), req.cmd as Record<string, unknown>);
    assert.ok(checked.ok);
    assert.equal(checked.cmd.v, 99999999999999999999n);
    const ranged = validateDict(parseDescriptor('big set name=v,type=CephInt,range=0|100'), {
      prefix: 'big set',
      v: 99999999999999999999n,
    });
    assert.deepEqual(
      ranged.ok ? null : 'error' in ranged && ranged.error,
      '99999999999999999999 not in range [0, 100]',
    );
  });

  it('sends nan and inf for a CephFloat as Python does (NaN, Infinity), and the host reads them back', () => {
    const nan = endToEnd('f set name=x,type=CephFloat', 'f set nan');
    assert.ok(nan.sent.includes('"x":NaN'), nan.sent);
    assert.ok(Number.isNaN((nan.host as { x: number }).x));
    for (const [word, value, json] of [
      ['inf', Infinity, 'Infinity'],
      ['-Infinity', -Infinity, '-Infinity'],
      ['+INF', Infinity, 'Infinity'],
      ['1e400', Infinity, 'Infinity'],
    ] as const) {
      const r = endToEnd('f set name=x,type=CephFloat', `f set ${word}`);
      assert.ok(r.sent.includes(`"x":${json}`), r.sent);
      assert.equal((r.host as { x: number }).x, value);
    }
    // as in Ceph, nan is in every range (no comparison with it holds) and inf is not
    assert.ok(Number.isNaN(validateWord(parseArgDesc('name=v,type=CephFloat,range=0.0|1.0'), 'nan') as number));
    assert.throws(
      () => validateWord(parseArgDesc('name=v,type=CephFloat,range=0.0'), '-inf'),
      /-inf not in range \[0.0\]/,
    );
    const ratio = endToEnd('osd set-full-ratio name=ratio,type=CephFloat,range=0.0|1.0', 'osd set-full-ratio nan');
    assert.ok(Number.isNaN((ratio.host as { ratio: number }).ratio));
  });
});
