import { createRequire } from 'node:module';
import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import type { EventKind } from '../../schemas/event.ts';
import { clusterEventJsonSchema } from '../../schemas/json-schema.ts';

/**
 * Options that make Ajv decide as zod does: no NaN or Infinity for a number (`1e400` parses to Infinity), regular
 * expressions without the `u` flag (zod tests them as written), and no checking of the schema itself (it is
 * generated, and checking it would compile the draft's meta-schema too). No messages: a rejected line is re-checked
 * by zod, which words it.
 */
const AJV_OPTIONS = {
  strict: true,
  strictTypes: false,
  strictRequired: false,
  strictNumbers: true,
  unicodeRegExp: false,
  allErrors: false,
  messages: false,
  validateSchema: false,
  inlineRefs: false,
} as const;

/**
 * Ajv, loaded on the first compile (~50 ms of module loading): a command that ingests nothing, or a short trace that
 * zod checks alone while it warms up, goes without it.
 */
function newAjv(): Ajv2020 {
  const { Ajv2020 } = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  return new Ajv2020(AJV_OPTIONS);
}

type JsonSchema = Record<string, unknown> & { oneOf: Array<Record<string, unknown>>; $defs?: unknown };
type Schema = Record<string, unknown>;

/** Keywords whose values are data, not schemas. */
const DATA_KEYWORDS: ReadonlySet<string> = new Set(['const', 'enum', 'default', 'examples', 'required']);

/**
 * The same schema with every object schema below the root moved into `$defs` and referred to, so that Ajv (with
 * `inlineRefs: false`) makes one function of each. Ajv otherwise inlines the whole schema of a kind into one
 * function, which for `pg_stats` or `osd_map` is too large for V8 to optimize: it ran 10 to 30 times slower, no
 * faster than zod.
 */
export function splitIntoFunctions(root: Schema): Schema {
  const defs: Schema = { ...(root.$defs as Schema | undefined) };
  let parts = 0;
  const walk = (x: unknown, isRoot: boolean): unknown => {
    if (Array.isArray(x)) return x.map((y) => walk(y, false));
    if (x === null || typeof x !== 'object') return x;
    const out: Schema = {};
    for (const [k, v] of Object.entries(x)) {
      if (k === '$defs') continue;
      if (DATA_KEYWORDS.has(k)) out[k] = v;
      // The keys of these are field names or patterns, not keywords: walk their schemas only.
      else if (k === 'properties' || k === 'patternProperties' || k === 'dependentSchemas')
        out[k] = Object.fromEntries(Object.entries(v as Schema).map(([name, sub]) => [name, walk(sub, false)]));
      else out[k] = walk(v, false);
    }
    if (isRoot || out.type !== 'object' || out.properties === undefined) return out;
    const name = `part${parts++}`;
    defs[name] = out;
    return { $ref: `#/$defs/${name}` };
  };
  const body = walk(root, true) as Schema;
  for (const [name, def] of Object.entries((root.$defs ?? {}) as Schema)) defs[name] = walk(def, false);
  return { ...body, $defs: defs };
}

/**
 * Lines of a kind checked by zod alone before its validator is compiled. Compiling costs about what zod spends on
 * 40-100 large events (osd_map ~170 ms, pg_stats ~50 ms), so `npm start`'s small trace and `mgrkit get` pay nothing
 * and a large trace soon runs on the compiled check.
 */
const WARM_UP_LINES = 32;

/**
 * The hot path's check of an event, compiled by Ajv from the published JSON Schema: one validator per kind, each
 * compiled once its kind has warmed up (compiling them all costs a few hundred ms; a trace of heartbeats needs one
 * that compiles in 1). It is at least as strict as zod, so a value it passes is an event; one it fails is
 * re-checked by zod, which gives the rejection.
 */
export class CompiledEventValidator {
  #ajv: Ajv2020 | undefined;
  #schema: JsonSchema | undefined;
  readonly #byKind = new Map<string, ValidateFunction>();
  readonly #seen = new Map<string, number>();

  /** `schema` defaults to {@link clusterEventJsonSchema}, generated on the first compile. */
  constructor(schema?: Record<string, unknown>) {
    this.#schema = schema as JsonSchema | undefined;
  }

  /** Whether `value`, an object whose `kind` is `kind`, is a valid event. */
  isValid(value: object, kind: EventKind): boolean {
    return (this.#byKind.get(kind) ?? this.compile(kind))(value);
  }

  /**
   * The hot path's verdict: true when the compiled validator passes `value`; false while its kind is still warming
   * up (zod then decides alone), so a short trace never pays for compiling (see {@link WARM_UP_LINES}). A kind whose
   * validator cannot be compiled stays with zod: slower, never a valid line refused.
   */
  passes(value: object, kind: EventKind): boolean {
    const validate = this.#byKind.get(kind);
    if (validate !== undefined) return validate(value);
    const seen = (this.#seen.get(kind) ?? 0) + 1;
    this.#seen.set(kind, seen);
    if (seen <= WARM_UP_LINES) return false;
    try {
      return this.compile(kind)(value);
    } catch {
      this.#byKind.set(kind, ZOD_DECIDES);
      return false;
    }
  }

  /** Compiles the validator of one kind now (it is otherwise compiled on first use). */
  compile(kind: EventKind): ValidateFunction {
    let validate = this.#byKind.get(kind);
    if (validate !== undefined) return validate;
    this.#schema ??= clusterEventJsonSchema() as JsonSchema;
    const branch = this.#schema.oneOf.find(
      (s) => (s.properties as { kind?: { const?: unknown } }).kind?.const === kind,
    );
    if (branch === undefined) throw new Error(`the JSON Schema has no event of kind ${kind}`);
    this.#ajv ??= newAjv();
    validate = this.#ajv.compile(splitIntoFunctions({ $defs: this.#schema.$defs, ...branch }));
    this.#byKind.set(kind, validate);
    return validate;
  }
}

/** The validator of a kind that could not be compiled: it passes nothing, so zod decides every line. */
const ZOD_DECIDES: ValidateFunction = Object.assign(() => false, { errors: null }) as unknown as ValidateFunction;

let shared: CompiledEventValidator | undefined;

/** The process's validator, shared by every ingest so that each kind compiles once. */
export function compiledEventValidator(): CompiledEventValidator {
  shared ??= new CompiledEventValidator();
  return shared;
}
