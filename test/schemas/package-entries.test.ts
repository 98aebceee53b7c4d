import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as mgrkit from 'mgrkit';
import { MgrModule, type NotifyType } from 'mgrkit';
import * as host from 'mgrkit/host';
import { Accessors, MgrHost, replayTrace, Store, stateAt, stateDigest } from 'mgrkit/host';
import * as schemas from 'mgrkit/schemas';
import * as testing from 'mgrkit/testing';
import { createModuleHarness } from 'mgrkit/testing';
import ts from 'typescript';
import { tempDir, WHOLE_TRACE } from '../helpers.ts';

/** Each entry's audience, by a few of the names it looks for there. */
const ENTRIES: Record<string, { module: object; has: string[]; lacks: string[] }> = {
  mgrkit: {
    module: mgrkit,
    has: [
      'MgrModule',
      'MgrStandbyModule',
      'CLIReadCommand',
      'CLIWriteCommand',
      'CommandResult',
      'HandleCommandResult',
      'Responder',
      'Option',
      'NOTIFY_TYPES',
      'MgrError',
      'RemoteError',
      'ERRORS',
      'EvalMixin',
      'OSDMap',
      'PastState',
      'Rados',
      'ObjectNotFound',
      'Orchestrator',
      'OrchestratorError',
      'parsePlacement',
      'ClusterLogPrio',
      'PERFCOUNTER_TIME',
    ],
    lacks: ['MgrHost', 'Store', 'stateAt', 'replayTrace', 'createModuleHarness', 'JetStreamLog'],
  },
  'mgrkit/testing': { module: testing, has: ['createModuleHarness'], lacks: ['MgrModule', 'MgrHost'] },
  'mgrkit/host': {
    module: host,
    has: [
      'MgrHost',
      'replayTrace',
      'traceSource',
      'followSource',
      'listenSource',
      'parseListenAddress',
      'Store',
      'stateAt',
      'stateDigest',
      'Accessors',
      'JetStreamLog',
      'LogMember',
      'LogReplica',
      'LeaderLease',
      'replayIntoLog',
      'groupMgrMap',
      'latestState',
      'DEFAULT_STREAM',
    ],
    lacks: ['MgrModule', 'createModuleHarness'],
  },
  'mgrkit/schemas': {
    module: schemas,
    has: ['ClusterEventSchema', 'EVENT_KINDS', 'OsdMapSchema', 'JsonPatchSchema', 'ClogEntrySchema'],
    lacks: ['MgrModule'],
  },
};

class Epochs extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = ['osd_map'];
  epochs: number[] = [];
  notify(type: NotifyType) {
    if (type === 'osd_map') this.epochs.push(this.get('osd_map')!.epoch);
  }
}

describe('the package entries, imported by name', () => {
  for (const [name, { module, has, lacks }] of Object.entries(ENTRIES)) {
    it(`${name} has its audience's names, and not another's`, () => {
      for (const n of has)
        assert.ok(n in module && (module as Record<string, unknown>)[n] !== undefined, `${name}: ${n}`);
      for (const n of lacks) assert.ok(!(n in module), `${name} should not export ${n}`);
    });
  }

  it('mgrkit/testing runs a module written against mgrkit', async () => {
    const h = await createModuleHarness<Epochs>({ module: Epochs, name: 'epochs' });
    try {
      await h.replay(WHOLE_TRACE);
      assert.ok(h.module instanceof MgrModule);
      assert.equal(h.cues.filter((c) => c.type === 'osd_map').length, h.module.epochs.length);
      assert.equal(h.module.epochs.at(-1), h.module.get('osd_map')?.epoch);
      assert.ok(h.module.epochs.length > 1);
    } finally {
      await h.stop();
    }
  });

  it('mgrkit/host replays a trace into a store, with a module running, and reads it back', async (t) => {
    const db = tempDir(t);
    const store = Store.open(db, { reset: true });
    const mgr = await MgrHost.create({ store, builtinModules: false, logFile: join(db, 'mgr.log') });
    try {
      const { summary, state } = await replayTrace({ trace: WHOLE_TRACE, store, host: mgr });
      assert.ok(summary.events.accepted > 0);
      assert.equal(summary.digest, stateDigest(stateAt(store)));
      assert.equal(new Accessors(() => state).get('osd_map')?.epoch, stateAt(store).maps.osd_map?.map.epoch);
    } finally {
      await mgr.stop();
      await store.close();
    }
  });

  it('a module on the module path imports mgrkit, mgrkit/schemas and mgrkit/testing by name', async (t) => {
    const dir = tempDir(t);
    mkdirSync(join(dir, 'entries'));
    writeFileSync(
      join(dir, 'entries', 'module.ts'),
      `import { MgrModule, type NotifyType } from 'mgrkit';
import { EVENT_KINDS, OsdMapSchema } from 'mgrkit/schemas';
import { createModuleHarness } from 'mgrkit/testing';

export class Module extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = ['osd_map'];
  readonly seen = { harness: typeof createModuleHarness, kinds: EVENT_KINDS.length, epochs: [] as number[] };
  notify(type: NotifyType) {
    if (type === 'osd_map') this.seen.epochs.push(OsdMapSchema.parse(this.get('osd_map')).epoch);
  }
}
`,
    );
    const h = await createModuleHarness({ module: 'entries', modulePaths: [dir] });
    try {
      await h.replay(WHOLE_TRACE);
      const seen = (h.module as unknown as { seen: { harness: string; kinds: number; epochs: number[] } }).seen;
      assert.ok(h.module instanceof MgrModule);
      assert.equal(seen.harness, 'function');
      assert.equal(seen.kinds, schemas.EVENT_KINDS.length);
      assert.equal(seen.epochs.length, h.cues.filter((c) => c.type === 'osd_map').length);
      assert.equal(seen.epochs.at(-1), h.module.get('osd_map')?.epoch);
    } finally {
      await h.stop();
    }
  });
});

it('every name of every entry has TSDoc, at its declaration or where the entry exports it', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const files = ['src/index.ts', 'src/entry/testing.ts', 'src/entry/host.ts', 'schemas/index.ts'].map((f) =>
    join(root, f),
  );
  const program = ts.createProgram(files, {
    allowImportingTsExtensions: true,
    noEmit: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const undocumented: string[] = [];
  for (const file of files) {
    const entry = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
    for (const name of checker.getExportsOfModule(entry)) {
      const declared = name.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(name) : name;
      const doc = [name, declared].map((s) => ts.displayPartsToString(s.getDocumentationComment(checker)).trim());
      if (doc.every((d) => d === '')) undocumented.push(`${file.slice(root.length)}: ${name.name}`);
    }
  }
  assert.deepEqual(undocumented, []);
});
