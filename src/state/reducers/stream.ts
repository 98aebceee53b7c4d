import type { Draft } from 'immer';
import { CLOG_HISTORY, type ClusterState } from '../cluster-state.ts';
import { dataKey, own } from '../data-key.ts';
import { CLOG_KEY, configLeaf, monSessionLeaf, swapLeaf, swapRing } from '../digest-sum.ts';
import { ringAppend } from '../ring.ts';
import type { Reducer } from './reducer.ts';
import { replacedValue } from './replaced-value.ts';

/** A cluster log entry joins the recent history (a ring: nothing held is copied or walked). */
export const reduceClog: Reducer<'clog'> = (draft, event) => {
  const held = replacedValue<ClusterState['clog']>(draft, 'clog')!;
  const next = ringAppend(held, event.entry, CLOG_HISTORY);
  swapRing(CLOG_KEY, null, held, next);
  draft.clog = next as Draft<ClusterState['clog']>;
};

/**
 * Central config changes; `null` removes a setting, other values are kept as Ceph keeps them, as strings. `who` and
 * `name` are data: a section or setting is found only among the state's own keys.
 */
export const reduceConfig: Reducer<'config'> = (draft, event) => {
  event.changes.forEach(({ who, name }, i) => {
    dataKey(who, ['changes', i, 'who']);
    dataKey(name, ['changes', i, 'name']);
  });
  const sections = draft.config as Record<string, Record<string, string>>;
  const touched = new Set(event.changes.map((c) => c.who));
  const sectionLeaf = (who: string) => {
    const section = own(sections, who);
    return section === undefined ? undefined : configLeaf(who, section);
  };
  const before = new Map([...touched].map((who) => [who, sectionLeaf(who)]));
  for (const { who, name, value } of event.changes) {
    const section = own(sections, who);
    if (value === null) {
      if (section !== undefined && Object.hasOwn(section, name)) {
        delete section[name];
        if (Object.keys(section).length === 0) delete sections[who];
      }
      continue;
    }
    if (section === undefined) sections[who] = { [name]: String(value) };
    else section[name] = String(value);
  }
  for (const who of touched) swapLeaf(before.get(who), sectionLeaf(who));
};

/** The monitors' session went up or down. */
export const reduceMonSession: Reducer<'mon_session'> = (draft, event) => {
  swapLeaf(monSessionLeaf(draft.monSession), monSessionLeaf(event.state));
  draft.monSession = event.state;
};

/** A heartbeat only moves the stream clock, which the fold does for every event. */
export const reduceHeartbeat: Reducer<'heartbeat'> = () => {};
