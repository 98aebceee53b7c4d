import type { StatSum } from '../pool-stat.ts';

/** Ceph computes a percentage and prints it divided by 100: the same double rounding gives the same digits. */
function percentRatio(n: number, total: number): number {
  return ((n / total) * 100) / 100;
}

/** `PGMapDigest::recovery_summary` with a formatter: degraded, misplaced and unfound objects, when there are any. */
export function recoverySummary(sum: StatSum): Record<string, number> {
  const out: Record<string, number> = {};
  if (sum.num_objects_degraded && sum.num_object_copies > 0) {
    out.degraded_objects = sum.num_objects_degraded;
    out.degraded_total = sum.num_object_copies;
    out.degraded_ratio = percentRatio(sum.num_objects_degraded, sum.num_object_copies);
  }
  if (sum.num_objects_misplaced && sum.num_object_copies > 0) {
    out.misplaced_objects = sum.num_objects_misplaced;
    out.misplaced_total = sum.num_object_copies;
    out.misplaced_ratio = percentRatio(sum.num_objects_misplaced, sum.num_object_copies);
  }
  if (sum.num_objects_unfound && sum.num_objects) {
    out.unfound_objects = sum.num_objects_unfound;
    out.unfound_total = sum.num_objects;
    out.unfound_ratio = percentRatio(sum.num_objects_unfound, sum.num_objects);
  }
  return out;
}
