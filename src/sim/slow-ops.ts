import type { ClusterModel } from './cluster-model.ts';

/**
 * Makes daemon `name` (`osd.<id>` or `mon.<name>`) report `count` slow ops from `now` on, 0 for none again: its
 * next reports carry `SLOW_OPS` at that count (`ceph_daemon_health_metrics`), and the monitors' next health has
 * Ceph's `SLOW_OPS` check ("N slow ops, oldest one blocked for S sec, osd.3 has slow ops") while a reporting daemon
 * has some. Any scenario step may call it. False, and nothing done, for a daemon the cluster does not have or a
 * count that is not a whole number of 0 or more.
 */
export function setSlowOps(model: ClusterModel, name: string, count: number, now: number): boolean {
  if (!model.hasDaemon(name) || !Number.isInteger(count) || count < 0) return false;
  if (model.daemonHealth.setSlowOps(name, count, now)) model.recheckHealth();
  return true;
}
