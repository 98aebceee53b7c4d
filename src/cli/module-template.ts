/** What a new module's files are made from: its name, and where the mgrkit it depends on is. */
export interface ModuleTemplateInput {
  /** The module's name (a Python identifier in lower case, as Ceph's module names are). */
  readonly name: string;
  /** This mgrkit checkout's folder, absolute: the new module depends on it by a `file:` path. */
  readonly mgrkitRoot: string;
  /** The versions of the tools the module's test and type check use, as mgrkit's own package.json pins them. */
  readonly versions: { readonly tsx: string; readonly typescript: string; readonly typesNode: string };
}

/** The files of a new module folder, by path inside it. */
export function moduleTemplate(input: ModuleTemplateInput): Record<string, string> {
  const { name } = input;
  return {
    'module.ts': moduleTs(name),
    [`test/${name}.test.ts`]: testTs(name),
    'package.json': `${JSON.stringify(packageJson(input), null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(TSCONFIG, null, 2)}\n`,
    'README.md': readme(input),
    '.gitignore': 'node_modules/\n',
  };
}

function moduleTs(name: string): string {
  return `import { CLIReadCommand, MgrModule, type NotifyType, Option, Responder } from 'mgrkit';

/** What \`${name} status\` answers. */
export interface Status {
  greeting: string;
  /** The cluster's health status now: HEALTH_OK, HEALTH_WARN or HEALTH_ERR. */
  health: string;
  /** How many times the health status changed since the module started. */
  changes: number;
}

/** Follows the cluster's health, logs each change of its status, and answers \`${name} status\`. */
export class Module extends MgrModule {
  static NOTIFY_TYPES: NotifyType[] = ['health'];
  static MODULE_OPTIONS = [
    Option({ name: 'greeting', type: 'str', default: 'hello', desc: 'what \`${name} status\` greets with', runtime: true }),
  ];

  private last = 'HEALTH_OK';
  private changes = 0;

  notify(type: NotifyType): void {
    if (type !== 'health') return;
    const status = this.healthStatus();
    if (status !== this.last) {
      this.log.info({ from: this.last, to: status }, 'health status changed');
      this.last = status;
      this.changes++;
    }
  }

  /** The \`status\` inside what \`get('health')\` gives: as in Ceph, the JSON text of the health map. */
  private healthStatus(): string {
    const health = this.get('health');
    return health === null ? 'HEALTH_OK' : (JSON.parse(health.json) as { status: string }).status;
  }

  /** Show what ${name} has seen of the cluster's health */
  @CLIReadCommand('${name} status')
  @Responder()
  status_command(): Status {
    return {
      greeting: this.get_module_option<string>('greeting'),
      health: this.healthStatus(),
      changes: this.changes,
    };
  }
}
`;
}

function testTs(name: string): string {
  return `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createModuleHarness } from 'mgrkit/testing';
import { Module } from '../module.ts';

const OK = { status: 'HEALTH_OK', checks: {} };
const WARN = {
  status: 'HEALTH_WARN',
  checks: { OSD_DOWN: { severity: 'HEALTH_WARN', summary: { message: '1 osds down', count: 1 }, detail: [] } },
};

test('${name} follows the health status and answers its command', async () => {
  const h = await createModuleHarness<Module>({
    module: Module,
    name: '${name}',
    config: { 'mgr/${name}/greeting': 'hi' },
  });
  try {
    // Events are pushed as a source would send them, stamped with stream time (ms).
    await h.push({ kind: 'health', t: 1_000, map: OK });
    // Time comes from the stream: a minute passes when an event a minute later arrives.
    await h.advance(60_000);
    assert.equal(h.now, 61_000);
    await h.push({ kind: 'health', t: h.now + 1_000, map: WARN });

    // The cues the module was given, with the snapshot and the stream time of each.
    assert.deepEqual(
      h.cues.map((c) => [c.type, c.t]),
      [
        ['health', 1_000],
        ['health', 62_000],
      ],
    );

    // A command, as \`mgrkit cmd ${name} status --format json\` sends it: [retval, stdout, stderr].
    const [retval, out, err] = await h.command('${name} status', { format: 'json' });
    assert.deepEqual([retval, err], [0, '']);
    assert.deepEqual(JSON.parse(out), { greeting: 'hi', health: 'HEALTH_WARN', changes: 1 });
  } finally {
    await h.stop();
  }
});
`;
}

function packageJson({ name, mgrkitRoot, versions }: ModuleTemplateInput): object {
  return {
    name,
    version: '0.1.0',
    private: true,
    description: `The ${name} mgrkit module`,
    type: 'module',
    scripts: {
      test: `tsc --noEmit && node --import tsx --test test/${name}.test.ts`,
      typecheck: 'tsc --noEmit',
    },
    devDependencies: {
      '@types/node': versions.typesNode,
      mgrkit: `file:${mgrkitRoot}`,
      tsx: versions.tsx,
      typescript: versions.typescript,
    },
  };
}

/** mgrkit is type-checked from its sources along with the module, so its own options are needed here. */
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2023'],
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: true,
    allowImportingTsExtensions: true,
    noEmit: true,
    isolatedModules: true,
    verbatimModuleSyntax: true,
    skipLibCheck: true,
    resolveJsonModule: true,
  },
  include: ['*.ts', 'test'],
};

function readme({ name, mgrkitRoot }: ModuleTemplateInput): string {
  return `# ${name}

A ceph-mgr-style module for [mgrkit](${mgrkitRoot}): it follows the cluster's health, logs each change of its
status, and answers \`${name} status\`.

## Test it

\`\`\`sh
npm install
npm test        # type-checks (tsc) and runs test/${name}.test.ts
\`\`\`

mgrkit is not on the npm registry: package.json depends on it by a \`file:\` path, the mgrkit checkout this folder
was made from (\`${mgrkitRoot}\`, written when \`mgrkit new module\` ran). npm links that folder, so it must stay
there and have its own dependencies installed (\`npm ci\` in it); for another checkout, change the path and run
\`npm install\` again. The rest (tsx, TypeScript, Node's types) comes from the registry.

## Run it

The folder holding this one is a module path:

\`\`\`sh
npx mgrkit run --source ${mgrkitRoot}/traces/pacific-3osd.jsonl.gz --module-path .. --modules ${name},status &
npx mgrkit cmd ${name} status --format json-pretty
npx mgrkit cmd config set mgr mgr/${name}/greeting hi
\`\`\`

The test runs the module in a host of its own with \`createModuleHarness\` from \`mgrkit/testing\`: events pushed by
hand, stream time moved with \`h.advance(ms)\`, the cues it received in \`h.cues\`, commands run with
\`h.command(prefix, args)\`. mgrkit's README ("Modules", "Testing a module") says what a module can do.
`;
}
