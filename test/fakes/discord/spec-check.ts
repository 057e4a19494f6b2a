// Checks every request the fake Discord receives against Discord's own OpenAPI description
// (shared/specs/discord-openapi.json, API v10): the method and path must be an operation of the
// spec, path and query parameters must fit their schemas, and a JSON body (or a multipart body's
// `payload_json`) must validate against the operation's request schema. So a typo'd route, a
// field Discord does not take or a 2001-character message fails a test here, not in production.
//
// Notes on the snapshot and the validator:
// - The spec is OpenAPI 3.1 but its schemas only use draft-07 keywords (type arrays, const, oneOf,
//   allOf, $ref), so the Ajv 6 in node_modules validates them. Unknown formats (int64, nonce…) are
//   ignored; `snowflake` is checked by the pattern SnowflakeType carries anyway.
// - The spec is loaded once per process (1.2 MB) and each operation compiled on first use.
// - `security: [{}, {BotToken: []}]` marks routes that work without a bot token (webhook tokens,
//   interaction callbacks); `authOptional` tells the fake not to demand one there.
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';

type Schema = Record<string, unknown>;
interface SpecParameter { name: string; in: string; required?: boolean; schema: Schema }
interface SpecOperation {
  operationId: string;
  parameters?: SpecParameter[];
  requestBody?: { content: Record<string, { schema: Schema }>; required?: boolean };
  security?: Record<string, unknown>[];
}
interface SpecShape { paths: Record<string, Record<string, unknown>>; components: Record<string, unknown> }

export interface ValidationProblem { where: string; message: string }

/** One operation of the spec, matched against a concrete request path. */
export interface MatchedOperation {
  /** `POST /channels/{channel_id}/messages`: the key faults and recordings use. */
  route: string;
  operationId: string;
  params: Record<string, string>;
  authOptional: boolean;
  /** Problems with path and query parameters (empty when they fit). */
  checkParams(query: URLSearchParams): ValidationProblem[];
  /** Problems with a JSON body (empty when it fits, or when the operation takes no body). */
  checkBody(body: unknown): ValidationProblem[];
  acceptsBody: boolean;
}

interface CompiledRoute {
  method: string;
  template: string;
  regex: RegExp;
  names: string[];
  literalSegments: number;
  op: SpecOperation;
  pathParams: SpecParameter[];
}

const SPEC_URL = new URL('../../../../shared/specs/discord-openapi.json', import.meta.url);
const DOC_ID = 'discord-openapi.json';

let routes: CompiledRoute[] | undefined;
let bodyAjv: Ajv.Ajv | undefined;
let paramAjv: Ajv.Ajv | undefined;
const bodyValidators = new Map<string, Ajv.ValidateFunction | null>();
const paramValidators = new Map<string, Ajv.ValidateFunction>();

/** Rewrites the spec's local `#/components/...` refs so they resolve inside the registered document. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema)) {
    out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${DOC_ID}${v}` : rebase(v);
  }
  return out;
}

function load(): CompiledRoute[] {
  const spec = JSON.parse(readFileSync(SPEC_URL, 'utf8')) as SpecShape;
  const options: Ajv.Options = { allErrors: true, unknownFormats: 'ignore', jsonPointers: true, extendRefs: 'ignore', logger: false };
  bodyAjv = new Ajv(options);
  bodyAjv.addSchema({ $id: DOC_ID, components: spec.components });
  // Path and query values arrive as strings: coerce them to the declared types before checking.
  paramAjv = new Ajv({ ...options, coerceTypes: true });
  paramAjv.addSchema({ $id: DOC_ID, components: spec.components });

  const out: CompiledRoute[] = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    const shared = (item.parameters ?? []) as SpecParameter[];
    for (const [method, raw] of Object.entries(item)) {
      if (method === 'parameters') continue;
      const op = raw as SpecOperation;
      const names: string[] = [];
      const segments = template.split('/').slice(1);
      const pattern = segments
        .map((seg) => {
          const m = /^\{(\w+)\}$/.exec(seg);
          if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(m[1]!);
          return '([^/]+)';
        })
        .join('/');
      out.push({
        method: method.toUpperCase(),
        template,
        regex: new RegExp(`^/${pattern}$`),
        names,
        literalSegments: segments.length - names.length,
        op: { ...op, parameters: op.parameters ?? [] },
        pathParams: shared.filter((p) => p.in === 'path'),
      });
    }
  }
  // `/messages/@original` must win over `/messages/{message_id}`, `/users/@me` over `/users/{user_id}`.
  return out.sort((a, b) => b.literalSegments - a.literalSegments);
}

function problemsOf(errors: Ajv.ErrorObject[] | null | undefined, where: string): ValidationProblem[] {
  return (errors ?? []).map((e) => ({ where: `${where}${e.dataPath}`, message: e.message ?? e.keyword }));
}

function paramValidator(key: string, params: SpecParameter[]): Ajv.ValidateFunction {
  let v = paramValidators.get(key);
  if (!v) {
    const properties = Object.fromEntries(params.map((p) => [p.name, rebase(p.schema)]));
    const required = params.filter((p) => p.required === true).map((p) => p.name);
    v = paramAjv!.compile({ type: 'object', properties, required, additionalProperties: false });
    paramValidators.set(key, v);
  }
  return v;
}

function bodyValidator(route: CompiledRoute): Ajv.ValidateFunction | null {
  const key = `${route.method} ${route.template}`;
  if (!bodyValidators.has(key)) {
    const schema = route.op.requestBody?.content['application/json']?.schema;
    bodyValidators.set(key, schema === undefined ? null : bodyAjv!.compile(rebase(schema) as object));
  }
  return bodyValidators.get(key)!;
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The spec operation for `method` + `path` (the part after `/api/v10`), or undefined when the spec has none. */
export function matchOperation(method: string, rawPath: string): MatchedOperation | undefined {
  routes ??= load();
  // discord.js encodes path segments (`%40original`, emoji): match and report them decoded.
  const path = rawPath.split('/').map(decodeSegment).join('/');
  for (const r of routes) {
    if (r.method !== method) continue;
    const m = r.regex.exec(path);
    if (!m) continue;
    const params = Object.fromEntries(r.names.map((n, i) => [n, m[i + 1]!]));
    const route = `${r.method} ${r.template}`;
    return {
      route,
      operationId: r.op.operationId,
      params,
      authOptional: (r.op.security ?? []).some((s) => Object.keys(s).length === 0),
      acceptsBody: r.op.requestBody !== undefined,
      checkParams(query) {
        const problems: ValidationProblem[] = [];
        const path = paramValidator(`${route} path`, r.pathParams);
        if (!path({ ...params })) problems.push(...problemsOf(path.errors, 'path'));
        const queryParams = r.op.parameters!.filter((p) => p.in === 'query');
        const validate = paramValidator(`${route} query`, queryParams);
        if (!validate(Object.fromEntries(query))) problems.push(...problemsOf(validate.errors, 'query'));
        return problems;
      },
      checkBody(body) {
        const validate = bodyValidator(r);
        if (validate === null) return body === undefined ? [] : [{ where: 'body', message: 'this operation takes no body' }];
        if (body === undefined) return r.op.requestBody?.required === true ? [{ where: 'body', message: 'a body is required' }] : [];
        return validate(body) ? [] : problemsOf(validate.errors, 'body');
      },
    };
  }
  return undefined;
}

/**
 * Limits Discord enforces that the spec states more loosely: `content` is typed maxLength 4000
 * (the Nitro limit for people) but a bot or webhook message is held to 2000 characters
 * ("Message content, up to 2000 characters", docs resources/message.mdx and webhook.mdx).
 */
export function checkDocumentedLimits(route: string, body: unknown): ValidationProblem[] {
  if (body === null || typeof body !== 'object') return [];
  const b = body as { content?: unknown; message?: { content?: unknown }; name?: unknown };
  const problems: ValidationProblem[] = [];
  const tooLong = (v: unknown) => typeof v === 'string' && v.length > 2000;
  if (tooLong(b.content)) problems.push({ where: 'body/content', message: 'Must be 2000 or fewer in length.' });
  if (route === 'POST /channels/{channel_id}/threads' && tooLong(b.message?.content)) {
    problems.push({ where: 'body/message/content', message: 'Must be 2000 or fewer in length.' });
  }
  // A modal holds "between 1 and 5 (inclusive) components" (interactions/receiving-and-responding.mdx); the spec says 40.
  const modal = (body as { type?: unknown; data?: { components?: unknown } }).data;
  if (route === 'POST /interactions/{interaction_id}/{interaction_token}/callback' && (body as { type?: unknown }).type === 9 && Array.isArray(modal?.components) && modal.components.length > 5) {
    problems.push({ where: 'body/data/components', message: 'A modal holds at most 5 components.' });
  }
  return problems;
}
