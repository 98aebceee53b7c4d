import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HealthChecks } from '../../src/health/health-checks.ts';
import { mergeHealth } from '../../src/health/merged-health.ts';
import { SourceChecks } from '../../src/health/source-checks.ts';

describe('source health checks', () => {
  it('a source that fails is HEALTH_ERR with the reason; bad lines warn with the count and the last one', () => {
    const health = new HealthChecks();
    const checks = new SourceChecks(health, 'follow:/var/log/ceph/cluster.jsonl');
    assert.equal(mergeHealth(undefined, health.all()).status, 'HEALTH_OK');

    checks.rejection('cluster.jsonl:7: not JSON: Unexpected token');
    checks.rejection('cluster.jsonl:9: kind: unknown kind "osd_mapp"');
    let merged = mergeHealth(undefined, health.all());
    assert.equal(merged.status, 'HEALTH_WARN');
    assert.deepEqual(merged.checks.MGR_SOURCE_BAD_LINES, {
      severity: 'HEALTH_WARN',
      summary: { message: "2 lines of source 'follow:/var/log/ceph/cluster.jsonl' rejected", count: 2 },
      detail: [{ message: 'last: cluster.jsonl:9: kind: unknown kind "osd_mapp"' }],
      muted: false,
    });

    checks.failed('EACCES: permission denied, open /var/log/ceph/cluster.jsonl');
    merged = mergeHealth(undefined, health.all());
    assert.equal(merged.status, 'HEALTH_ERR');
    assert.deepEqual(merged.checks.MGR_SOURCE_FAILED?.summary, {
      message:
        "Source 'follow:/var/log/ceph/cluster.jsonl' has failed: EACCES: permission denied, open /var/log/ceph/cluster.jsonl",
      count: 1,
    });
    assert.ok(merged.checks.MGR_SOURCE_BAD_LINES, 'the bad lines stay reported');
  });

  it('a module named like the key the source uses does not replace its checks', () => {
    const health = new HealthChecks();
    new SourceChecks(health, 'trace.jsonl').failed('boom');
    health.set('source', {});
    health.set('mgr', {});
    assert.ok(health.all().MGR_SOURCE_FAILED);
  });
});
