import { registerScenarioStep, type TimedStep } from './scenario.ts';

/** How fast the `clock-skew` step's monitor clock drifts once its time sync stops (about 13 s a day). */
const DRIFT_PPM = 150;

// The monitors' own checks. Their times keep clear of the other steps' and of `mon-down`'s stopped monitor (30-48%).

registerScenarioStep('mon-disk', {
  summary:
    "at 6% a monitor's data disk fills to 24% available (MON_DISK_LOW), at 11% to 4% (MON_DISK_CRIT, an error); at " +
    '16.5% the files that filled it are removed',
  plan: (p) => {
    const rank = Math.min(1, p.config.mons - 1);
    const disk = (at: number, availPercent: number | null): TimedStep => ({
      at: p.at(at),
      step: { kind: 'mon-disk', rank, availPercent },
    });
    return [disk(0.06, 24), disk(0.11, 4), disk(0.165, null)];
  },
});

registerScenarioStep('clock-skew', {
  summary:
    `at 6.5% the last monitor's time sync stops and its clock drifts ${DRIFT_PPM} ppm: past mon_clock_drift_allowed ` +
    "(0.05 s) the leader's next time check raises MON_CLOCK_SKEW; at 19% its clock is synced again and the check " +
    'clears at the next round (time checks every 300 s, 30 s more per round while skewed: needs about an hour of duration)',
  refuse: (p) =>
    p.config.mons < 2
      ? `needs 2 monitors or more, for the leader to check a clock (--mons; has ${p.config.mons})`
      : undefined,
  plan: (p) => {
    const rank = p.config.mons - 1;
    return [
      { at: p.at(0.065), step: { kind: 'mon-clock', rank, driftPpm: DRIFT_PPM } },
      { at: p.at(0.19), step: { kind: 'mon-clock', rank, driftPpm: null } },
    ];
  },
});

registerScenarioStep('pg-limit', {
  summary:
    'at 7% an operator lowers mon_max_pg_per_osd (config set global) below the PGs per OSD in, to 80% of them: ' +
    'TOO_MANY_PGS, and pool creation or pg_num increases are refused (ERANGE); at 10.5% the setting is removed',
  plan: (p) => [
    { at: p.at(0.07), step: { kind: 'pg-limit', share: 0.8 } },
    { at: p.at(0.105), step: { kind: 'pg-limit', share: null } },
  ],
});
