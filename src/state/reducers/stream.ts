import { CLOG_HISTORY } from '../cluster-state.ts';
import { dataKey, own } from '../data-key.ts';
import type { Reducer } from './reducer.ts';

/** A cluster log entry joins the recent history. */
export const reduceClog: Reducer<'clog'> = (draft, event) => {
  if (draft.clog.length >= CLOG_HISTORY) draft.clog.splice(0, draft.clog.length - CLOG_HISTORY + 1);
  draft.clog.push(event.entry);
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
};

/** The monitors' session went up or down. */
export const reduceMonSession: Reducer<'mon_session'> = (draft, event) => {
  draft.monSession = event.state;
};

/** A heartbeat only moves the stream clock, which the fold does for every event. */
export const reduceHeartbeat: Reducer<'heartbeat'> = () => {};
