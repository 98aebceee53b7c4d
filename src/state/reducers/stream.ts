import { CLOG_HISTORY } from '../cluster-state.ts';
import type { Reducer } from './reducer.ts';

/** A cluster log entry joins the recent history. */
export const reduceClog: Reducer<'clog'> = (draft, event) => {
  if (draft.clog.length >= CLOG_HISTORY) draft.clog.splice(0, draft.clog.length - CLOG_HISTORY + 1);
  draft.clog.push(event.entry);
};

/** Central config changes; `null` removes a setting, other values are kept as Ceph keeps them, as strings. */
export const reduceConfig: Reducer<'config'> = (draft, event) => {
  for (const { who, name, value } of event.changes) {
    if (value === null) {
      const section = draft.config[who];
      if (section !== undefined) {
        delete section[name];
        if (Object.keys(section).length === 0) delete draft.config[who];
      }
      continue;
    }
    draft.config[who] ??= {};
    draft.config[who]![name] = String(value);
  }
};

/** The monitors' session went up or down. */
export const reduceMonSession: Reducer<'mon_session'> = (draft, event) => {
  draft.monSession = event.state;
};

/** A heartbeat only moves the stream clock, which the fold does for every event. */
export const reduceHeartbeat: Reducer<'heartbeat'> = () => {};
