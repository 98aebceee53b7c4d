import { StringStore } from './string-store.ts';

/** The host's own settings (`mgr/<module>/<option>`, `mgr_module_path`, `debug_mgr`, ...). */
export class ConfigStore extends StringStore {}
