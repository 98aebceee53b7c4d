/**
 * `npm run screenshot:dashboard`: the dashboard of a live simulated cluster of 1,000 OSDs mid-scenario, in headless
 * Chromium (Debian's `chromium`, driven by playwright-core), saved as `docs/dashboard-1000.png` (the README shows
 * it). The cluster plays the full day with `slow-ops` at up to 20x real time; the picture is taken once the health
 * has every check of `--when` (default: an OSD down and another reporting slow ops, from 20% of the scenario) and the
 * page has drawn them. (`fill` is left out: it writes an OSD's worth of data at once, a burst no client could make,
 * and the IO chart would show it.) It prints what the page showed (health, capacity, IO), the figures the README
 * quotes.
 *
 * Options: --osds N (default 1000), --out FILE, --speed N (default 20), --when CODE,CODE (health checks to wait for).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { freePort, ROOT } from '../test/helpers.ts';
import { loopbackServerArgs, type MgrkitRun, startMgrkitRun } from '../test/mgrkit-run.ts';

const { values } = parseArgs({
  options: {
    osds: { type: 'string', default: '1000' },
    out: { type: 'string', default: join(ROOT, 'docs', 'dashboard-1000.png') },
    speed: { type: 'string', default: '20' },
    when: { type: 'string', default: 'OSD_DOWN,SLOW_OPS' },
  },
});
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const osds = Number(values.osds);
const speed = Number(values.speed);
const when = values.when!.split(',').filter(Boolean);
const duration = 3600;
if (!existsSync(CHROMIUM)) {
  process.stderr.write(`screenshot:dashboard: ${CHROMIUM} is not installed (apt-get install -y chromium)\n`);
  process.exit(2);
}
if (!(osds > 0 && speed > 0)) {
  process.stderr.write('screenshot:dashboard: --osds and --speed must be positive numbers\n');
  process.exit(1);
}

const spec = [
  `sim:osds=${osds}`,
  `pgs=${Math.max(128, 2 ** Math.round(Math.log2(osds * 30)))}`,
  `duration=${duration}`,
  'seed=3',
  'mons=3',
  'scenario=pool-create+osd-fail+slow-ops+noout+osd-flap+pool-split+pool-delete',
].join(',');
const dir = mkdtempSync(join(tmpdir(), 'mgrkit-screenshot-'));
let mgr: MgrkitRun | undefined;
let browser: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined;
try {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  process.stderr.write(`mgrkit run --source ${spec} --speed ${speed} --modules dashboard\n`);
  mgr = startMgrkitRun(dir, [
    '--source',
    spec,
    '--speed',
    String(speed),
    '--modules',
    'dashboard',
    ...loopbackServerArgs('dashboard', port),
  ]);
  const summary = async () =>
    (await (await fetch(`${base}/api/summary`)).json()) as {
      health: { status: string; checks: Array<{ code: string }> };
      osds: { total: number; up: number; in: number };
      capacity: unknown;
      io: unknown;
    };
  await mgr.waitFor(`the dashboard to show ${osds} OSDs`, async () => (await summary()).osds.total === osds, 180_000);
  process.stderr.write(`waiting for ${when.join(', ')} in the health\n`);
  await mgr.waitFor(
    `${when.join(', ')} in the health`,
    async () => {
      const codes = new Set((await summary()).health.checks.map((c) => c.code));
      return when.every((c) => codes.has(c));
    },
    900_000,
    1000,
  );

  browser = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  await page.goto(`${base}/`);
  await page.waitForFunction(`document.getElementById('osd-page')?.textContent?.includes('of ${osds}')`, null, {
    timeout: 60_000,
  });
  for (const code of when) {
    await page.waitForFunction(`document.getElementById('health-checks')?.textContent?.includes('${code}')`, null, {
      timeout: 60_000,
    });
  }
  await page.waitForFunction('typeof chart === "object" && chart !== null && chart.axes[0]._splits?.length > 1', null, {
    timeout: 60_000,
  });
  mkdirSync(dirname(values.out!), { recursive: true });
  await page.screenshot({ path: values.out!, fullPage: false });
  const shown = await page.evaluate(`(() => Object.fromEntries(
    ['health-status', 'osd-counts', 'capacity-used', 'capacity', 'io-now', 'pg-states']
      .map((id) => [id, document.getElementById(id)?.textContent?.replace(/\\s+/g, ' ').trim() ?? null])))()`);
  process.stdout.write(`${values.out}\n${JSON.stringify({ shown, summary: await summary() }, null, 2)}\n`);
} catch (e) {
  process.stderr.write(`screenshot:dashboard: ${(e as Error).message}\n`);
  process.stderr.write(mgr?.stderrTail(2000) ?? '');
  process.exitCode = 1;
} finally {
  await browser?.close();
  await mgr?.stop();
  rmSync(dir, { recursive: true, force: true });
}
