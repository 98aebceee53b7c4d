// Run in a fresh process by the scale benchmark, on the build in dist/ (what `mgrkit` runs: no TypeScript loader):
// opens the store at argv[2], recovers its latest state, serves one `get('osd_map')` from a module, and prints how
// long that took from opening the store and from the process's start, and the process's resident memory then.
const dist = (path) => import(new URL(`../dist/src/${path}`, import.meta.url).href);
const [{ Store }, { stateAt }, { MgrHost }, { describeModule }, { createRootLogger }, { MgrModule }] =
  await Promise.all([
    dist('store/store.js'),
    dist('store/recovery.js'),
    dist('host/host.js'),
    dist('host/loader.js'),
    dist('log/logger.js'),
    dist('module/mgr-module.js'),
  ]);

class Reader extends MgrModule {
  static NOTIFY_TYPES = [];
}

const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const store = Store.open(process.argv[2], { readOnly: true });
const state = stateAt(store);
const stateMs = performance.now() - t0;
const host = await MgrHost.create({
  preloaded: [describeModule('reader', '<bench>', Reader, null)],
  builtinModules: false,
  logger: createRootLogger({ file: '/dev/null' }),
});
host.modules.use(['reader']);
host.start();
host.feed.adopt(state);
host.modules.instance('reader').get('osd_map');
const served = performance.now();
const { rss, heapUsed } = process.memoryUsage();
process.stdout.write(
  `${JSON.stringify({
    ms: served - t0,
    stateMs,
    // performance.now() counts from the process's start.
    sinceStartMs: served,
    rssMiB: rss / 2 ** 20,
    baseRssMiB: rssBefore / 2 ** 20,
    heapMiB: heapUsed / 2 ** 20,
    seq: state.seq,
  })}\n`,
);
await host.stop();
await store.close({ dropUnread: true });
