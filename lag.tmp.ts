import { benchLiveLag } from './bench/targets.bench.ts';
const r = await benchLiveLag(10000, 95, (s) => console.log(s));
console.log(JSON.stringify({ max: r.maxLagAfterMinuteS }));
process.exit(0);
