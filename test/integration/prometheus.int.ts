/**
 * End to end with the real Prometheus server (Debian's `prometheus` package): a live simulated cluster of 6 OSDs
 * runs in `mgrkit run` with the prometheus module; Prometheus scrapes it every second and evaluates an OSD-down
 * alert written as Ceph's; the cluster loses osd.2; the test reads Prometheus's HTTP API.
 *
 * Not part of `npm test` (its file name does not end in `.test.ts`): `.ci/run` runs it after installing the
 * package. Run it by hand with `node --import tsx --test test/integration/prometheus.int.ts`.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freePort, runCli, stopProcess, waitFor } from '../helpers.ts';
import { loopbackServerArgs, type MgrkitRun, startMgrkitRun } from '../mgrkit-run.ts';
import { promBinary, spawnPrometheus } from '../modules/prometheus-helpers.ts';
import { writeChaosModule } from './chaos-module.ts';

const PROMETHEUS = promBinary('prometheus');
const SKIP =
  PROMETHEUS === null ? 'the prometheus binary is not installed (Debian: apt-get install -y prometheus)' : false;

/** Ceph's OSD-down alerts: Pacific's rule file and the ceph-mixin's, with their waits cut from minutes to seconds. */
const RULES = `groups:
  - name: osd
    rules:
      - alert: OSD down
        expr: count(ceph_osd_up == 0) > 0
        for: 2s
        labels:
          severity: warning
          type: ceph_default
          oid: 1.3.6.1.4.1.50495.15.1.2.4.2
        annotations:
          description: |
            {{ $s := "" }}{{ if gt $value 1.0 }}{{ $s = "s" }}{{ end }}
            {{ $value }} OSD{{ $s }} down.
            {{- range query "(ceph_osd_up * on(ceph_daemon) group_left(hostname) ceph_osd_metadata) == 0" }}
              - {{ .Labels.ceph_daemon }} on {{ .Labels.hostname }}
            {{- end }}
      - alert: CephOSDDown
        expr: ceph_health_detail{name="OSD_DOWN"} == 1
        for: 2s
        labels:
          severity: warning
          type: ceph_default
          oid: 1.3.6.1.4.1.50495.1.2.1.4.2
        annotations:
          summary: An OSD has been marked down
`;

function config(exporterPort: number): string {
  return `global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - ceph_alerts.yml
scrape_configs:
  - job_name: ceph
    honor_labels: true
    static_configs:
      - targets: ['127.0.0.1:${exporterPort}']
`;
}

describe('prometheus exporter with a real Prometheus server', () => {
  it('scrapes a simulated cluster losing osd.2: ceph_osd_up goes 0, the OSD-down alert fires, ceph_health_status follows', {
    skip: SKIP,
    timeout: 90_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mgrkit-prom-'));
    const [exporterPort, promPort] = [await freePort(), await freePort()];
    const prom = `http://127.0.0.1:${promPort}`;
    let mgr: MgrkitRun | undefined;
    let server: ChildProcess | undefined;
    const query = async (q: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> => {
      const r = await fetch(`${prom}/api/v1/query?query=${encodeURIComponent(q)}`);
      const body = (await r.json()) as { status: string; data: { result: [] } };
      assert.equal(body.status, 'success');
      return body.data.result;
    };
    const scalar = async (q: string) => {
      const r = await query(q);
      return r.length === 1 ? Number(r[0]!.value[1]) : undefined;
    };
    try {
      mgr = startMgrkitRun(dir, [
        '--source',
        'sim:osds=6,scenario=off,seed=7',
        '--modules',
        'prometheus,chaos',
        '--module-path',
        writeChaosModule(dir),
        ...loopbackServerArgs('prometheus', exporterPort),
      ]);
      await mgr.waitFor(
        'the exporter to show 6 OSDs',
        async () => {
          const text = await (await fetch(`http://127.0.0.1:${exporterPort}/metrics`)).text();
          return (text.match(/^ceph_osd_up\{/gm) ?? []).length === 6;
        },
        30_000,
      );

      writeFileSync(join(dir, 'prometheus.yml'), config(exporterPort));
      writeFileSync(join(dir, 'ceph_alerts.yml'), RULES);
      server = spawnPrometheus(PROMETHEUS!, dir, promPort);
      await waitFor(
        'Prometheus to be ready',
        async () => ((await fetch(`${prom}/-/ready`)).ok ? true : undefined),
        20_000,
      );
      await waitFor(
        'a scrape with every OSD up',
        async () => ((await scalar('count(ceph_osd_up == 1)')) === 6 ? true : undefined),
        20_000,
      );
      assert.equal(await scalar('ceph_health_status'), 0);
      const target = (await (await fetch(`${prom}/api/v1/targets`)).json()) as {
        data: { activeTargets: Array<{ health: string; lastError: string }> };
      };
      assert.deepEqual(
        target.data.activeTargets.map((t) => [t.health, t.lastError]),
        [['up', '']],
      );

      const cmd = await runCli(['cmd', '--socket', mgr.socket, 'chaos', 'osd', 'down', '2']);
      assert.equal(cmd.code, 0, cmd.stderr);

      await waitFor(
        'ceph_osd_up{ceph_daemon="osd.2"} to go 0',
        async () => ((await scalar('ceph_osd_up{ceph_daemon="osd.2"}')) === 0 ? true : undefined),
        20_000,
      );
      assert.equal(await scalar('count(ceph_osd_up == 1)'), 5);
      const firing = await waitFor(
        'both OSD-down alerts to fire',
        async () => {
          const r = (await (await fetch(`${prom}/api/v1/alerts`)).json()) as {
            data: {
              alerts: Array<{ labels: Record<string, string>; annotations: Record<string, string>; state: string }>;
            };
          };
          const names = r.data.alerts.filter((a) => a.state === 'firing').map((a) => a.labels.alertname);
          return names.includes('OSD down') && names.includes('CephOSDDown') ? r.data.alerts : undefined;
        },
        20_000,
      );
      const pacific = firing.find((a) => a.labels.alertname === 'OSD down')!;
      assert.match(pacific.annotations.description ?? '', /1 OSD down\.\s+- osd\.2 on node\d+/);
      await waitFor(
        'ceph_health_status to follow the health (HEALTH_WARN)',
        async () => ((await scalar('ceph_health_status')) === 1 ? true : undefined),
        20_000,
      );
      assert.equal(await scalar('ceph_health_detail{name="OSD_DOWN"}'), 1);
    } catch (e) {
      if (mgr !== undefined) process.stderr.write(`--- mgrkit.err\n${mgr.stderrTail(4000)}\n`);
      try {
        process.stderr.write(`--- prometheus.err\n${readFileSync(join(dir, 'prometheus.err'), 'utf8').slice(-4000)}\n`);
      } catch {}
      throw e;
    } finally {
      await stopProcess(server);
      await mgr?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
