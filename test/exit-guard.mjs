// Loaded into every test file's process (`--import`): a file whose tests have all ended but whose process is still
// running 60 s later (a server, timer or child left open) fails by its own name, rather than holding the run until
// its outer time limit. Node's `--test-force-exit` would end such a file too, but it loses the verdicts of tests
// still being reported when it exits (nodejs/node#64833), so a run could pass with tests missing from its count.
import { after } from 'node:test';

const GRACE_MS = 60_000;

after(() => {
  setTimeout(() => {
    process.stderr.write(
      `${process.argv[1] ?? 'a test file'}: its tests ended ${GRACE_MS / 1000} s ago but the process is still running: a handle was left open\n`,
    );
    process.exit(1);
  }, GRACE_MS).unref();
});
