/**
 * The dashboard in real headless Chromium (Debian's `chromium`, driven by playwright-core): a live simulated cluster
 * of 10,000 OSDs runs in `mgrkit run` with the dashboard; the page shows health and the OSD table, pages through the
 * 10,000 OSDs, follows an OSD going down without a reload, and its time slider shows the cluster before that. A
 * standby's dashboard sends the browser to the active's. The test saves `docs/dashboard.png` (the README shows it).
 *
 * Not part of `npm test` (its file name does not end in `.test.ts`): `.ci/run` runs it. Run it by hand with
 * `node --import tsx --test test/integration/dashboard.int.ts`.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { chromium, type Page } from 'playwright-core';
import { Module, StandbyModule } from '../../modules/dashboard/module.ts';
import { createModuleHarness } from '../../src/entry/testing.ts';
import { FIXTURES, freePort, ROOT, runCli, waitFor as waitUntil } from '../helpers.ts';
import { loopbackServerArgs, type MgrkitRun, startMgrkitRun } from '../mgrkit-run.ts';
import { writeChaosModule } from './chaos-module.ts';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SKIP = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (Debian: apt-get install -y chromium)`;
const OSDS = 10_000;
/**
 * Few PGs (the table needs OSDs, not PGs) and a report every 30 s rather than 5 s: at 10,000 OSDs the default's 4,000
 * reports a second keep a 2-core machine busy, and the page's requests would wait behind them.
 */
const SIM = `sim:osds=${OSDS},pgs=4096,scenario=off,seed=7,stats-period=30`;
const DOWN = 4242;

let stepStart = Date.now();
/** Notes on stderr how long the step that just ended took (the figures the README quotes come from here). */
function step(name: string): void {
  process.stderr.write(`# ${name}: ${((Date.now() - stepStart) / 1000).toFixed(1)} s\n`);
  stepStart = Date.now();
}

const text = async (page: Page, id: string) => (await page.locator(`#${id}`).textContent()) ?? '';

/** Waits until `js`, an expression evaluated in the page, is true. */
const waitFor = (page: Page, js: string, timeout = 60_000) => page.waitForFunction(js, null, { timeout });

/**
 * The IO chart's labels as uPlot drew them on its canvas: for each y axis, how much wider its widest label is than
 * the room the axis has (> 0: cut off at the edge); for the time axis, the smallest gap in pixels between two
 * neighbouring labels (< 0: they overlap).
 */
const CHART_FIT = `(() => {
  const c = chart, dpr = window.devicePixelRatio || 1;
  const width = (axis, text) => { c.ctx.font = axis.font[0]; return c.ctx.measureText(String(text)).width / dpr; };
  const overflow = [1, 2].map((i) => {
    const a = c.axes[i];
    const widest = Math.max(0, ...(a._values || []).map((v) => width(a, v)));
    return widest + a.ticks.size + a.gap - a._size;
  });
  const x = c.axes[0];
  const boxes = (x._splits || []).map((t, i) => {
    const mid = c.valToPos(t, "x"), w = width(x, x._values[i]);
    return [mid - w / 2, mid + w / 2];
  }).filter((b, i) => x._values[i] !== null && x._values[i] !== "");
  let gap = Infinity;
  for (let i = 1; i < boxes.length; i++) gap = Math.min(gap, boxes[i][0] - boxes[i - 1][1]);
  return { overflow, gap, labels: x._values };
})()`;

/** The ids of the OSD rows the page shows. */
async function shownIds(page: Page): Promise<number[]> {
  return (
    await page.locator('#osd-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-osd')))
  ).map(Number);
}

describe('dashboard in headless Chromium', () => {
  it(`shows a live ${OSDS}-OSD cluster, pages through it, follows an OSD going down, and goes back in time`, {
    skip: SKIP,
    timeout: 300_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mgrkit-dash-int-'));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let mgr: MgrkitRun | undefined;
    let browser: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined;
    let standby: Awaited<ReturnType<typeof createModuleHarness>> | undefined;
    try {
      const started = Date.now();
      mgr = startMgrkitRun(dir, [
        '--source',
        SIM,
        '--modules',
        'dashboard,chaos',
        '--module-path',
        writeChaosModule(dir),
        ...loopbackServerArgs('dashboard', port),
      ]);
      await mgr.waitFor(
        `the dashboard to show ${OSDS} OSDs up with their stats`,
        async () => {
          const s = (await (await fetch(`${base}/api/summary`)).json()) as { osds: { total: number; up: number } };
          const osd = (await (await fetch(`${base}/api/osd?sort=pgs&dir=desc&limit=1`)).json()) as {
            rows: Array<{ pgs: number }>;
          };
          return s.osds.total === OSDS && s.osds.up === OSDS && osd.rows[0]!.pgs > 0;
        },
        120_000,
      );
      stepStart = started;
      step(`${OSDS} OSDs ingested and served`);

      browser = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
        executablePath: CHROMIUM,
        headless: true,
        viewport: { width: 1400, height: 1000 },
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      const page = browser.pages()[0] ?? (await browser.newPage());
      await page.goto(`${base}/`);

      // Health and the first page of the OSD table.
      await waitFor(page, `document.getElementById('osd-page')?.textContent?.includes('of ${OSDS}')`);
      assert.match(await text(page, 'health-status'), /^HEALTH_(OK|WARN|ERR)$/);
      assert.equal(await text(page, 'osd-counts'), `OSDs: ${OSDS} total, ${OSDS} up, ${OSDS} in`);
      assert.equal(await text(page, 'osd-page'), `1–50 of ${OSDS}`);
      assert.deepEqual(
        await shownIds(page),
        Array.from({ length: 50 }, (_, i) => i),
      );
      step('page shown with health and the first 50 OSDs');

      // What an operator looks at first: capacity against the fullness ratios, the hosts; a chart whose labels fit.
      assert.match(await text(page, 'capacity-used'), /^[\d.]+ \w?i?B used of [\d.]+ \w?i?B raw \([\d.]+%\)/);
      assert.match(await text(page, 'capacity'), /nearfull 85\.0% · backfillfull 90\.0% · full 95\.0%/);
      await waitFor(page, `document.querySelectorAll('#host-table tbody tr').length === 10`);
      assert.match(await text(page, 'host-page'), /^\(10 of \d+: OSDs down first, then the fullest\)$/);
      await waitFor(page, 'typeof chart === "object" && chart !== null && chart.axes[0]._splits?.length > 1');
      const fit = (await page.evaluate(CHART_FIT)) as { overflow: number[]; gap: number; labels: string[] };
      assert.ok(
        fit.overflow.every((o) => o <= 0),
        `y axis labels cut off by ${fit.overflow} px`,
      );
      assert.ok(fit.gap > 0, `time labels ${fit.labels} overlap (gap ${fit.gap} px)`);
      const icon = await fetch(`${base}/favicon.ico`);
      assert.deepEqual([icon.status, icon.headers.get('content-type')], [200, 'image/x-icon']);
      step('capacity, hosts, a chart whose labels fit, and a favicon');

      // Paging: next, last, and a sort by host (server-side, over all 10,000).
      await page.click('#osd-next');
      await waitFor(page, `document.getElementById('osd-page')?.textContent?.startsWith('51–100')`);
      assert.deepEqual(
        await shownIds(page),
        Array.from({ length: 50 }, (_, i) => 50 + i),
      );
      await page.click('#osd-last');
      await waitFor(page, `document.getElementById('osd-page')?.textContent?.startsWith('9951–10000')`);
      assert.deepEqual(
        await shownIds(page),
        Array.from({ length: 50 }, (_, i) => 9950 + i),
      );
      await page.click('#osd-table th[data-sort="pgs"]');
      await page.click('#osd-table th[data-sort="pgs"]');
      // The header and the rows come from the same answer, so once both say "by PGs, descending" the rows are that page.
      await waitFor(
        page,
        `document.querySelector('#osd-table th.sorted')?.getAttribute('data-sort') === 'pgs' && ` +
          `document.getElementById('osd-table').dataset.dir === 'desc' && ` +
          `document.getElementById('osd-page')?.textContent?.startsWith('1–50')`,
      );
      const pgsShown = await page
        .locator('#osd-table tbody tr td:nth-child(8)')
        .evaluateAll((cells) => cells.map((c) => Number(c.textContent)));
      assert.ok(pgsShown[0]! > 0, 'the busiest OSD first');
      assert.deepEqual(
        pgsShown,
        [...pgsShown].sort((a, b) => b - a),
      );
      await page.click('#osd-table th[data-sort="id"]');
      await waitFor(
        page,
        `document.querySelector('#osd-table th.sorted')?.getAttribute('data-sort') === 'id' && ` +
          `document.getElementById('osd-table').dataset.dir === 'asc'`,
      );
      step('paged to the next and the last page, sorted by PGs');

      // An OSD goes down in the live cluster: the page follows without a reload.
      const before = (await (await fetch(`${base}/api/summary`)).json()) as { seq: number; osd_map_epoch: number };
      const cmd = await runCli(['cmd', '--socket', mgr.socket, 'chaos', 'osd', 'down', String(DOWN)]);
      assert.equal(cmd.code, 0, cmd.stderr);
      step(`osd.${DOWN} marked down through a module command`);
      await waitFor(
        page,
        `document.getElementById('osd-counts')?.textContent === 'OSDs: ${OSDS} total, ${OSDS - 1} up, ${OSDS} in'`,
      );
      await page.click('#osd-table th[data-sort="up"]');
      await waitFor(page, `document.querySelector('#osd-table tbody tr')?.getAttribute('data-osd') === '${DOWN}'`);
      assert.equal(await page.locator('#osd-table tbody tr').first().locator('td').nth(2).textContent(), 'down');
      await waitFor(page, `document.querySelector('#host-table tbody tr td:nth-child(3)')?.classList.contains('down')`);
      await waitFor(page, `document.getElementById('health-checks')?.textContent?.includes('OSD_DOWN')`);
      const liveLabel = await text(page, 'time-label');
      const epochNow = Number(/osd map epoch (\d+)/.exec(liveLabel)?.[1]);
      assert.ok(epochNow > before.osd_map_epoch, `${liveLabel}: a newer epoch than ${before.osd_map_epoch}`);
      mkdirSync(join(ROOT, 'docs'), { recursive: true });
      step('the page followed (OSD count, the table sorted by status, OSD_DOWN)');
      // The top of the page, what an operator sees first (the clicks on the OSD table scrolled down to it).
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: join(ROOT, 'docs', 'dashboard.png'), fullPage: false });

      // The time slider: the cluster as it was before the OSD went down.
      await page.locator('#time-slider').fill(String(before.seq));
      await waitFor(
        page,
        `document.getElementById('osd-counts')?.textContent === 'OSDs: ${OSDS} total, ${OSDS} up, ${OSDS} in'`,
      );
      const pastLabel = await text(page, 'time-label');
      assert.match(pastLabel, new RegExp(`^past · seq ${before.seq} · osd map epoch ${before.osd_map_epoch}$`));
      assert.ok(before.osd_map_epoch < epochNow);
      assert.equal(await page.locator('#osd-table tbody tr').first().locator('td').nth(2).textContent(), 'up');
      step(`time slider back to seq ${before.seq}: every OSD up again, epoch ${before.osd_map_epoch}`);
      await page.click('#live');
      await waitFor(page, `document.getElementById('time-label')?.textContent?.startsWith('live')`);

      // A standby's dashboard sends the browser to the active's.
      const mgrMap = JSON.parse(readFileSync(join(FIXTURES, 'cli-mgr_dump.json'), 'utf8'));
      const standbyPort = await freePort();
      standby = await createModuleHarness({
        module: Module,
        StandbyModule,
        standby: true,
        name: 'dashboard',
        config: { 'mgr/dashboard/server_addr': '127.0.0.1', 'mgr/dashboard/server_port': String(standbyPort) },
      });
      await standby.push({
        kind: 'mgr_map',
        t: 1,
        epoch: mgrMap.epoch,
        map: { ...mgrMap, services: { dashboard: `${base}/` } },
      });
      await waitUntil(
        'the standby to listen',
        async () =>
          (await fetch(`http://127.0.0.1:${standbyPort}/`, { redirect: 'manual' })).status === 303 ? true : undefined,
        10_000,
      );
      const response = await page.goto(`http://127.0.0.1:${standbyPort}/`);
      assert.equal(page.url(), `${base}/`);
      assert.equal(response?.status(), 200);
      assert.equal(response?.request().redirectedFrom()?.url(), `http://127.0.0.1:${standbyPort}/`);
      await waitFor(page, `document.getElementById('osd-page')?.textContent?.includes('of ${OSDS}')`);
      step("the standby's dashboard redirected the browser to the active's");
    } catch (e) {
      if (mgr !== undefined) process.stderr.write(`--- mgrkit.err\n${mgr.stderrTail(4000)}\n`);
      throw e;
    } finally {
      await browser?.close();
      await standby?.stop();
      await mgr?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
