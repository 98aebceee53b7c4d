/**
 * Which of Ceph's packaged alert rules each scenario step (`mgrkit simulate --help`) is meant to make fire: what
 * the check calls an explained firing (see `judgeRules`). A step added to the simulator gets its line here; until
 * then whatever it makes fire is reported as spurious, and the report names the step as having no line.
 *
 * `fill` grows a pool fast enough that `CephPoolGrowthWarning`'s linear prediction (over the wall clock's window)
 * reaches 95, as a pool filling that fast does on a real cluster. The cluster has 2 MDS daemons (a failover leaves
 * no standby for a while) and 2 RGW daemons.
 *
 * The cluster the check runs has 10 OSDs, so one OSD down is the 10% of `CephOSDDownHigh`, and 3 monitors, so one
 * down leaves the bare majority of `CephMonDownQuorumAtRisk`. Its 3 hosts hold one replica each of every PG (size 3,
 * host failure domain), so once the failed OSD is out the others on its host take its share: half as many PGs
 * again on a 3-OSD host, past the 30% of `CephPGImbalance`, as CRUSH does on a real cluster of that shape.
 *
 * `disk-errors` restarts an OSD twice (20 s each): one OSD of ten down is `CephOSDDownHigh`'s 10%, which has no
 * `for:`, so a scrape during a restart makes it fire.
 * `daemon-crash`'s OSD is down until systemd has started it again: the same 10% for a scrape or two.
 * The `CephNode*` rules read the hosts' node exporters (`node_exporter=`, scraped as job `node`). `host-disk-fill`
 * fills a root file system within 2.5% of the duration, so that `CephNodeDiskspaceWarning`'s `predict_linear` over
 * the wall clock's data runs out at once; `nic-errors` holds for longer than the `[1m]` of the NIC rules (20 minutes
 * of the cluster's time at 20x).
 * `device-failing` has devicehealth mark two OSDs out (their PGs backfill onto their host-mates for longer than
 * `CephPGsUnclean`'s 15 minutes, and unevenly, as for `osd-fail`); `UPGRADE_EXCEPTION` is an error.
 * `osd-pair-fail` leaves some PGs one copy, below min_size: inactive while both OSDs are down and, once they are
 * out, while those PGs backfill (`OSD_DOWN` cleared: `CephPGUnavilableBlockingIO`). `toofull`'s OSD marked out
 * moves PGs as `osd-fail`'s does, and its OSD restarted for a minute counts for `CephOSDDownHigh`. The simulator
 * paces recovery to the duration (minutes even for a log recovery of a few objects), so the PGs of the OSD that
 * `osd-flapping` takes down every 3 minutes stay unclean from its first flap on.
 */
export const EXPECTED_ALERTS: Readonly<Record<string, readonly string[]>> = {
  'pool-create': [],
  'osd-fail': ['CephOSDDown', 'CephOSDDownHigh', 'CephPGImbalance', 'CephPGsUnclean'],
  'mon-down': ['CephMonDown', 'CephMonDownQuorumAtRisk'],
  'slow-ops': ['CephDaemonSlowOps', 'CephSlowOps'],
  noout: [],
  'osd-flap': ['CephOSDDown', 'CephOSDDownHigh', 'CephOSDFlapping', 'CephPGsUnclean'],
  'pool-split': ['CephPGsUnclean'],
  'pool-delete': [],
  fill: [
    'CephOSDNearFull',
    'CephOSDBackfillFull',
    'CephOSDFull',
    'CephPoolNearFull',
    'CephPoolBackfillFull',
    'CephPoolFull',
    'CephPoolGrowthWarning',
    'CephHealthError',
  ],
  quota: ['CephPoolNearFull', 'CephPoolFull'],
  'mds-failover': [
    'CephFilesystemDegraded',
    'CephFilesystemInsufficientStandby',
    'CephFilesystemOffline',
    'CephFilesystemFailureNoStandby',
    'CephHealthError',
  ],
  'mds-damage': ['CephFilesystemDamaged', 'CephHealthError'],
  'mds-ranks': ['CephFilesystemMDSRanksLow', 'CephFilesystemInsufficientStandby'],
  'mds-all-down': [
    'CephFilesystemOffline',
    'CephFilesystemFailureNoStandby',
    'CephFilesystemDegraded',
    'CephFilesystemInsufficientStandby',
    'CephHealthError',
  ],
  'mon-disk': ['CephMonDiskspaceLow', 'CephMonDiskspaceCritical', 'CephHealthError'],
  'clock-skew': ['CephMonClockSkew'],
  'pg-limit': ['CephPGsHighPerOSD'],
  'host-fail': ['CephOSDHostDown', 'CephOSDDown', 'CephOSDDownHigh', 'CephPGsUnclean'],
  'net-slow': ['CephOSDTimeoutsClusterNetwork', 'CephOSDTimeoutsPublicNetwork'],
  'disk-errors': ['CephOSDReadErrors', 'CephOSDInternalDiskSizeMismatch', 'CephOSDDownHigh'],
  'scrub-overdue': ['CephPGNotScrubbed', 'CephPGNotDeepScrubbed'],
  'scrub-errors': ['CephPGsDamaged', 'CephOSDTooManyRepairs', 'CephHealthError'],
  unfound: ['CephObjectMissing', 'CephPGsDamaged', 'CephHealthError'],
  'host-disk-fill': ['CephNodeRootFilesystemFull', 'CephNodeDiskspaceWarning'],
  'nic-errors': ['CephNodeNetworkPacketDrops', 'CephNodeNetworkPacketErrors'],
  'mtu-mismatch': ['CephNodeInconsistentMTU'],
  'daemon-crash': ['CephDaemonCrash', 'CephOSDDownHigh'],
  'mgr-module-crash': ['CephMgrModuleCrash'],
  'device-failing': [
    'CephDeviceFailurePredicted',
    'CephDeviceFailurePredictionTooHigh',
    'CephDeviceFailureRelocationIncomplete',
    'CephPGImbalance',
    'CephPGsUnclean',
  ],
  'orch-pause': ['CephadmPaused'],
  'daemon-failed': ['CephadmDaemonFailed'],
  'upgrade-fail': ['CephadmUpgradeFailed', 'CephHealthError'],
  'osd-pair-fail': [
    'CephOSDDown',
    'CephOSDDownHigh',
    'CephPGsInactive',
    'CephPGUnavilableBlockingIO',
    'CephPGsUnclean',
    'CephPGImbalance',
  ],
  toofull: [
    'CephPGBackfillAtRisk',
    'CephPGRecoveryAtRisk',
    'CephHealthError',
    'CephOSDDownHigh',
    'CephPGsUnclean',
    'CephPGImbalance',
  ],
  'osd-flapping': ['CephOSDFlapping', 'CephOSDDownHigh', 'CephPGsUnclean'],
};

/** Rules on the cluster's overall health, which any step that raises a warning makes fire. */
export const ANY_STEP_ALERTS: readonly string[] = ['CephHealthWarning'];
