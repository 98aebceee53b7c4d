import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_KINDS } from '../../schemas/event.ts';
import { FIXTURES, PATCH_TRACE, readJsonl, WHOLE_TRACE } from '../helpers.ts';

/**
 * The lines of the ingest fuzzer: real good lines of every event kind, mutated by a seeded PRNG (deep nesting,
 * prototype names as keys and values, huge numbers, invalid UTF-8, truncation, bad patch operations, wrong types,
 * ...), interleaved with good lines. Bounded: a fixed number of lines from a fixed seed.
 */

export const SEED = 0x5eed_2026;
export const MUTANTS = 20_000;
/** A good line after every few mutants: each must be applied whatever the mutants around it did. */
const GOOD_EVERY = 4;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Obj = { [k: string]: Json };

/** mulberry32: small, fast and the same on every machine. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof prng>;

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, `cli-${name}.json`), 'utf8')) as Obj;

/** A pg_stats event cut to its first few PGs: real, and small enough to mutate thousands of times. */
function trimmed(e: Obj): Obj {
  return Array.isArray(e.pg_stats) ? { ...e, pg_stats: e.pg_stats.slice(0, 3) } : e;
}

/** Good events of every kind: the real trace's, and for the kinds it lacks, built from the same cluster's dumps. */
function goodEvents() {
  const real = readJsonl<Obj>(WHOLE_TRACE);
  const firstOsdMap = real.findIndex((e) => e.kind === 'osd_map');
  const prefix = real.slice(0, Math.max(firstOsdMap + 1, 120)).map(trimmed);
  const t = prefix.at(-1)!.t as number;
  const mon = fixture('mon_dump');
  const fs = fixture('fs_dump');
  const mgr = fixture('mgr_dump');
  const svc = fixture('service_dump');
  const quorum = fixture('quorum_status');
  const monStatus: Obj = {
    name: 'a',
    rank: 0,
    state: 'leader',
    election_epoch: quorum.election_epoch!,
    quorum: quorum.quorum!,
    outside_quorum: [],
    extra_probe_peers: [],
    sync_provider: [],
    monmap: quorum.monmap!,
  };
  const epochOf = (m: Obj) => m.epoch as number;
  const built: Obj[] = [
    { kind: 'mon_map', t, epoch: epochOf(mon), map: mon },
    {
      kind: 'mon_map',
      t,
      epoch: epochOf(mon) + 1,
      patch: [{ op: 'replace', path: '/epoch', value: epochOf(mon) + 1 }],
    },
    { kind: 'fs_map', t, epoch: epochOf(fs), map: fs },
    { kind: 'fs_map', t, epoch: epochOf(fs) + 1, patch: [{ op: 'replace', path: '/epoch', value: epochOf(fs) + 1 }] },
    { kind: 'mgr_map', t, epoch: epochOf(mgr), map: mgr },
    { kind: 'service_map', t, epoch: epochOf(svc), map: svc },
    {
      kind: 'service_map',
      t,
      epoch: epochOf(svc) + 1,
      patch: [
        { op: 'replace', path: '/epoch', value: epochOf(svc) + 1 },
        { op: 'test', path: '/services', value: svc.services! },
      ],
    },
    { kind: 'mon_status', t, map: monStatus },
    { kind: 'health', t, patch: [{ op: 'replace', path: '/status', value: 'HEALTH_WARN' }] },
    { kind: 'config', t, changes: [{ who: 'osd', name: 'osd_max_backfills', value: 3 }] },
    {
      kind: 'config',
      t,
      changes: [
        { who: 'mgr', name: 'mgr/x/y', value: 'z' },
        { who: 'osd', name: 'a', value: null },
      ],
    },
    { kind: 'mon_session', t, state: 'down' },
    { kind: 'mon_session', t, state: 'up' },
    { kind: 'daemon_close', t, daemon: 'osd.2' },
  ];
  // Templates to mutate: every kind, map patches included (the patch trace's OSD map patches).
  const patches = readJsonl<Obj>(PATCH_TRACE)
    .filter((e) => e.kind === 'osd_map' && e.patch !== undefined)
    .slice(0, 5);
  // The manager map's module list is most of its 50 KB: a template keeps two modules.
  const smallMgr = { ...mgr, available_modules: (mgr.available_modules as Json[]).slice(0, 2) };
  const mgrPatch = [{ op: 'replace', path: '/epoch', value: epochOf(mgr) + 1 }];
  const smaller: Obj[] = [
    { kind: 'mgr_map', t, epoch: epochOf(mgr), map: smallMgr },
    { kind: 'mgr_map', t, epoch: epochOf(mgr) + 1, patch: mgrPatch },
  ];
  const templates = [...prefix, ...built, ...smaller, ...patches].filter((e) => JSON.stringify(e).length < 20_000);
  // The epoch each map kind's next patch needs after the good lines: patch mutants mostly carry it, so that they
  // reach the patch code instead of stopping at the epoch check.
  const epochs: Record<string, number> = {};
  for (const e of [...prefix, ...built]) {
    if (typeof e.epoch === 'number' && e.kind !== 'pg_stats') epochs[e.kind as string] = e.epoch;
  }
  return { prefix: [...prefix, ...built], templates, t, epochs };
}

/** Kinds a good line between mutants is drawn from: none of them can be refused because of what came before. */
function repeatableGood(rng: Rng, templates: Obj[], t: number): Obj {
  const pool = templates.filter((e) =>
    ['heartbeat', 'clog', 'daemon_report', 'daemon_open', 'pg_stats', 'config', 'mon_session'].includes(
      e.kind as string,
    ),
  );
  return { ...clone(rng.pick(pool)), t };
}

/** Every value in an event with the object or array holding it, for a mutation to land on. */
function slots(root: Json): Array<{ parent: Obj | Json[]; key: string | number }> {
  const out: Array<{ parent: Obj | Json[]; key: string | number }> = [];
  const walk = (v: Json) => {
    if (out.length > 4000 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v))
      v.forEach((x, i) => {
        out.push({ parent: v, key: i });
        walk(x);
      });
    else
      for (const k of Object.keys(v)) {
        out.push({ parent: v, key: k });
        walk(v[k]!);
      }
  };
  walk(root);
  return out;
}

const PROTO = ['__proto__', 'constructor', 'prototype'] as const;
const INHERITED = [...PROTO, 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf'];
const HUGE = [1e308, -1e308, 2 ** 53 + 2, Number.MAX_VALUE, Number.MIN_VALUE, -0, 1e21, 2 ** 64, -(2 ** 63)];
const HUGE_TEXT = ['1e400', '-1e400', '123456789012345678901234567890', '1E+999', '0.0000000000000000000001e-400'];

/** Nesting past what JSON.stringify itself can recurse into is spliced in as text, where this marker stands. */
const DEEP_MARK = /"@@deep:(\d+):([ao])@@"/g;

function nestedValue(rng: Rng, depth: number): Json {
  const asObject = rng.next() < 0.5;
  if (depth > 500) return `@@deep:${depth}:${asObject ? 'o' : 'a'}@@`;
  let v: Json = rng.pick([1, 'x', null, [], {}]);
  for (let i = 0; i < depth; i++) v = asObject ? { a: v } : [v];
  return v;
}

/** An event as a line's text, with any deep nesting spliced in. */
function render(e: Json): string {
  return JSON.stringify(e).replace(DEEP_MARK, (_, n: string, how: string) => {
    const depth = Number(n);
    return how === 'o' ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}1${']'.repeat(depth)}`;
  });
}

function randomValue(rng: Rng): Json {
  return rng.pick<Json>([
    null,
    true,
    false,
    0,
    -1,
    1.5,
    '',
    'x',
    'osd.0',
    [],
    {},
    [1, 2],
    { a: 1 },
    '\u0000',
    '\ud800',
    'é'.repeat(50),
  ]);
}

/** A patch operation that is wrong in one way or another. */
function badPatchOp(rng: Rng): Json {
  const path = rng.pick([
    '/__proto__/polluted',
    '/constructor/prototype/polluted',
    '/prototype',
    '/pools/0/__proto__',
    '/osds/999999/up',
    '/osds/-',
    '/osds/01',
    'osds/0',
    '/~2',
    '/a~1b/c',
    '',
    '/epoch',
    '/checks/constructor',
    '/status',
  ]);
  return rng.pick<Json>([
    { op: 'add', path, value: randomValue(rng) },
    { op: 'remove', path },
    { op: 'replace', path, value: randomValue(rng) },
    { op: 'test', path, value: randomValue(rng) },
    { op: 'move', from: '/epoch', path },
    { op: 'copy', from: '/epoch', path },
    { op: 'nope', path },
    { path },
    { op: 'add', path, value: nestedValue(rng, rng.pick([63, 64, 65, 2000])) },
    { op: 'replace', path, value: JSON.parse('{"__proto__":{"polluted":1}}') },
    { op: 'add' },
    'add',
  ]);
}

/** Sets an own property, even `__proto__`, as JSON.parse would. */
function setOwn(o: Obj, key: string, value: Json): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** One mutant of a good event, as the bytes of a line (never containing a newline). */
function mutate(rng: Rng, template: Obj, epochs: Readonly<Record<string, number>>): Buffer {
  const e = clone(template);
  const spots = slots(e);
  const spot = () => rng.pick(spots);
  const op = rng.int(16);
  switch (op) {
    case 0: {
      // Deep nesting somewhere, around the limit or far past it.
      const s = spot();
      (s.parent as Obj)[s.key as string] = nestedValue(rng, rng.pick([62, 63, 64, 65, 66, 100, 1_000, 10_000]));
      break;
    }
    case 1: {
      // A prototype name as a key of some object in the event.
      const objects = [e, ...spots.map((s) => (s.parent as Obj)[s.key as string])].filter(
        (v): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v),
      );
      setOwn(rng.pick(objects), rng.pick(PROTO), rng.pick<Json>([{ polluted: 'yes' }, null, 1, [], 'x']));
      break;
    }
    case 2: {
      // A prototype name where a trace names something: who, name, daemon, reporter, pgid, counter path, hostname.
      const bad = rng.pick(INHERITED);
      if (e.kind === 'config') {
        const changes = e.changes as Obj[];
        if (changes.length === 0) changes.push({ who: 'osd', name: 'x', value: '1' });
        const c = changes[0]!;
        c[rng.pick(['who', 'name'])] = bad;
        if (rng.next() < 0.5) c.value = null;
      } else if (typeof e.daemon === 'string') {
        e.daemon = rng.pick([`osd.${bad}`, `${bad}.0`, bad]);
      } else if (e.kind === 'pg_stats') {
        if (rng.next() < 0.5) e.reporter = `osd.${bad}`;
        else ((e.pg_stats as Obj[])[0] ?? e).pgid = rng.pick([`${bad}.0`, bad, '1.__proto__']);
      } else {
        e[rng.pick(['kind', 'hostname', 'who', 'daemon'])] = bad;
      }
      if (e.counters !== undefined && rng.next() < 0.5) setOwn(e.counters as Obj, bad, 1);
      break;
    }
    case 3: {
      const nums = spots.filter((s) => typeof (s.parent as Obj)[s.key as string] === 'number');
      if (nums.length > 0) {
        const s = rng.pick(nums);
        (s.parent as Obj)[s.key as string] = rng.pick(HUGE);
      } else e.t = rng.pick(HUGE);
      break;
    }
    case 4: {
      // A number JavaScript cannot hold, spliced in as text.
      const text = render(e).replace(/(?<=:)-?\d+(\.\d+)?/, rng.pick(HUGE_TEXT));
      return Buffer.from(text);
    }
    case 5: {
      // Invalid UTF-8 bytes at a random place.
      const b = Buffer.from(render(e));
      const junk = Buffer.from(
        rng.pick([
          [0xff],
          [0xfe, 0xff],
          [0xc3],
          [0xed, 0xa0, 0x80],
          [0xf8, 0x88, 0x80, 0x80, 0x80],
          [0x80],
          [0xc0, 0xaf],
        ]),
      );
      const at = rng.int(b.length + 1);
      return Buffer.concat([b.subarray(0, at), junk, b.subarray(at)]);
    }
    case 6: {
      const text = render(e);
      return Buffer.from(text.slice(0, rng.int(text.length)));
    }
    case 7: {
      // A patch with bad operations, on a map kind that takes one.
      const kind = rng.pick(['osd_map', 'health', 'mon_map', 'fs_map', 'service_map', 'mgr_map']);
      const patch: Json[] = Array.isArray(e.patch) ? (e.patch as Json[]) : [];
      for (let i = rng.int(3); i >= 0; i--) patch.splice(rng.int(patch.length + 1), 0, badPatchOp(rng));
      const out: Obj = { kind, t: e.t!, patch };
      if (kind !== 'health') out.epoch = rng.next() < 0.8 ? epochs[kind]! + 1 : rng.int(40);
      return Buffer.from(render(rng.next() < 0.1 ? { ...out, patch: rng.pick<Json>([{}, 'x', null, [[]]]) } : out));
    }
    case 8: {
      const s = spot();
      (s.parent as Obj)[s.key as string] = randomValue(rng);
      break;
    }
    case 9: {
      const s = spot();
      if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1);
      else delete s.parent[s.key as string];
      break;
    }
    case 10:
      e.kind = rng.pick([...EVENT_KINDS, 'osd_mapp', '', 'toString', '__proto__']);
      break;
    case 11:
      e.t = rng.pick<Json>([-1, '1', null, Number.POSITIVE_INFINITY, 2 ** 60, [], -0]);
      break;
    case 12: {
      // Characters that matter to JSON, dropped in at random.
      const text = render(e);
      const at = rng.int(text.length + 1);
      const junk = rng.pick(['{', '}', '[', ']', '"', ':', ',', '\\', '\\u', '\\ud800', '\u0000', '\r', ' ', '#']);
      return Buffer.from(text.slice(0, at) + junk + text.slice(at));
    }
    case 13: {
      // Duplicate keys: JSON.parse keeps the last.
      const text = render(e);
      const dup = rng.pick(['"kind":"heartbeat",', '"kind":{},', '"__proto__":{"polluted":1},', '"t":"x",']);
      return Buffer.from(`{${dup}${text.slice(1)}`);
    }
    case 14:
      return Buffer.from(
        rng.pick([
          '[]',
          'null',
          '1',
          '"x"',
          '{}',
          '\ufeff{"kind":"heartbeat","t":1}',
          `{"kind":"heartbeat","t":1} trailing`,
          '{"kind":"heartbeat","t":1,"x":"\\ud800\\udfff\\u0000"}',
          'x'.repeat(10_000),
        ]),
      );
    default: {
      // Several mutations at once.
      let b = mutate(rng, e, epochs);
      if (rng.next() < 0.5) b = b.subarray(0, rng.int(b.length + 1));
      return b;
    }
  }
  return Buffer.from(render(e));
}

/** The line's text as the trace reader decodes it. */
export function decoded(line: Buffer): string {
  const b = line.length > 0 && line[line.length - 1] === 0x0d ? line.subarray(0, line.length - 1) : line;
  return b.toString('utf8');
}

export const ignored = (text: string) => text.trim() === '' || text.trim().startsWith('#');

/** The fuzzer's trace: the good prefix, then {@link MUTANTS} mutants with a good line after every few. */
export function fuzzLines(seed = SEED): { prefix: Obj[]; templates: Obj[]; lines: Buffer[]; goodLines: Set<number> } {
  const rng = prng(seed);
  const { prefix, templates, t: lastT, epochs } = goodEvents();
  const lines: Buffer[] = prefix.map((e) => Buffer.from(JSON.stringify(e)));
  const goodLines = new Set(lines.map((_, i) => i + 1));
  let clock = lastT;
  for (let i = 0; i < MUTANTS; i++) {
    lines.push(mutate(rng, rng.pick(templates), epochs));
    if (i % GOOD_EVERY === GOOD_EVERY - 1) {
      clock += 250;
      lines.push(Buffer.from(JSON.stringify(repeatableGood(rng, templates, clock))));
      goodLines.add(lines.length);
    }
  }
  return { prefix, templates, lines, goodLines };
}
