// Imports flow one way: a folder may import only the folders listed before it (ARCHITECTURE.md, "The parts").
// `npm run check:imports` (in .ci/run) fails on an import against that direction and on any cycle of files.
const LAYERS = [
  'schemas',
  'src/errors.ts',
  'src/log',
  'src/options',
  'src/state',
  'src/store',
  'src/bus',
  'src/health',
  'src/commands',
  'src/ingest',
  'src/cluster',
  'src/sim',
  'src/sources',
  'src/rados',
  'src/cephfs',
  'src/module',
  'src/orchestrator',
  'src/host',
  'src/server',
  'src/group',
  'src/run',
  'src/testing',
  'src/cli',
  'src/index.ts|src/entry',
];
const esc = (s) => s.replace(/[.]/g, '\\.');
const pattern = (layer) => `^(${layer.split('|').map(esc).join('|')})(/|$)`;

module.exports = {
  forbidden: [
    ...LAYERS.slice(0, -1).map((layer, i) => ({
      name: `upstream-from-${layer.split('|')[0].replace(/^src\//, '')}`,
      comment: `${layer} may import only what comes before it in the layer list of .dependency-cruiser.cjs`,
      severity: 'error',
      from: { path: pattern(layer) },
      to: { path: LAYERS.slice(i + 1).map(pattern) },
    })),
    {
      name: 'sources-parse-nothing',
      comment:
        "a source yields raw lines or events; parse + validate is ingest's job: from src/ingest a source imports only source-item.ts (and types)",
      severity: 'error',
      from: { path: '^src/sources/' },
      to: { path: '^src/ingest/', pathNot: '^src/ingest/source-item\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'src-imports-outside',
      comment: 'src/ and schemas/ never import modules/, bench/, test/ or scripts/',
      severity: 'error',
      from: { path: '^(src|schemas)/' },
      to: { path: '^(modules|bench|test|scripts)/' },
    },
    {
      name: 'module-imports-only-mgrkit',
      comment: 'a module imports only the public entries (mgrkit, mgrkit/...), its own folder and npm packages',
      severity: 'error',
      from: { path: '^modules/([^/]+)/' },
      to: { path: '^(src|schemas|bench|test)/', pathNot: '^(src/index\\.ts|src/entry/|schemas/index\\.ts)' },
    },
    {
      name: 'no-circular',
      comment: 'no cycle of files',
      severity: 'error',
      from: { path: '^(src|schemas|modules)/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(^|/)node_modules/' },
  },
};
