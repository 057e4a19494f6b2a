// Checks Web API calls against Slack's own OpenAPI description (a 2021 Swagger 2.0 snapshot), so a
// typo'd or missing parameter fails a test here instead of in production.
//
// Two quirks of the snapshot shape the check:
// - It declares some methods (views.open, users.info, chat.getPermalink…) as GET with `in: query`
//   parameters, while WebClient POSTs everything as a form. We therefore ignore the verb and `in`,
//   and treat every non-token parameter as one flat set.
// - `token` is declared `in: header` or `in: query` depending on the method; it may arrive either
//   way, so it is never checked here (the fake checks authentication itself).
// - WebClient adds `team_id` to every call when constructed with `teamId` (org-wide apps); Slack
//   accepts it everywhere, so it is exempt like `token`.
// - A few parameters postdate the snapshot; they are listed in NEWER_PARAMS, each one a documented
//   addition, so they do not read as violations. Extend the list only from Slack's reference.
// - Methods the snapshot lacks entirely (files v2) are described in DOCUMENTED_BY_HAND, from Slack's
//   reference pages, and checked the same way.
import { readFileSync } from 'node:fs';

interface SpecParameter { name: string; in: string; required?: boolean }
interface SpecOperation { parameters?: SpecParameter[] }
interface SpecShape { paths: Record<string, Record<string, SpecOperation>> }

export interface MethodRules { required: string[]; allowed: Set<string> }

const EXEMPT = new Set(['token', 'team_id']);

const NEWER_PARAMS: Record<string, string[]> = {
  'chat.postMessage': ['metadata', 'markdown_text'], // message metadata (2022), markdown_text (2025)
  'chat.update': ['metadata', 'markdown_text'],
  'chat.postEphemeral': ['markdown_text'],
  'conversations.replies': ['include_all_metadata'], // with message metadata (2022)
  'conversations.history': ['include_all_metadata'], // with message metadata (2022)
};

/**
 * Methods newer than the snapshot, described by hand from Slack's reference pages
 * (docs.slack.dev/reference/methods/<method>): the same required/allowed check applies to them.
 */
const DOCUMENTED_BY_HAND: Record<string, { required: string[]; optional: string[] }> = {
  // "Required: length, filename. Optional: snippet_type, alt_txt."
  'files.getUploadURLExternal': { required: ['filename', 'length'], optional: ['alt_txt', 'snippet_type'] },
  // "Required: files. Optional: channel_id, thread_ts, channels, initial_comment, blocks."
  'files.completeUploadExternal': { required: ['files'], optional: ['channel_id', 'thread_ts', 'channels', 'initial_comment', 'blocks'] },
};

const SPEC_URL = new URL('../../../shared/specs/slack-web-openapi-v2.json', import.meta.url);

let rules: Map<string, MethodRules> | undefined;

function load(): Map<string, MethodRules> {
  const spec = JSON.parse(readFileSync(SPEC_URL, 'utf8')) as SpecShape;
  const out = new Map<string, MethodRules>();
  for (const [path, ops] of Object.entries(spec.paths)) {
    const required: string[] = [];
    const allowed = new Set<string>();
    for (const op of Object.values(ops)) {
      for (const p of op.parameters ?? []) {
        if (p.name === 'token') continue;
        allowed.add(p.name);
        if (p.required === true && !required.includes(p.name)) required.push(p.name);
      }
    }
    const method = path.replace(/^\//, '');
    for (const name of NEWER_PARAMS[method] ?? []) allowed.add(name);
    out.set(method, { required, allowed });
  }
  for (const [method, doc] of Object.entries(DOCUMENTED_BY_HAND)) {
    if (!out.has(method)) out.set(method, { required: doc.required, allowed: new Set([...doc.required, ...doc.optional]) });
  }
  return out;
}

/** The rules for a method, or undefined when neither the 2021 snapshot nor DOCUMENTED_BY_HAND describes it. */
export function specRules(method: string): MethodRules | undefined {
  rules ??= load();
  return rules.get(method);
}

/** Readable violations for one call; empty when it conforms or the method is described nowhere. */
export function checkAgainstSpec(method: string, params: Record<string, unknown>): string[] {
  const r = specRules(method);
  if (r === undefined) return [];
  const problems: string[] = [];
  for (const name of r.required) {
    const v = params[name];
    if (v === undefined || v === '') problems.push(`${method}: missing required parameter "${name}"`);
  }
  for (const name of Object.keys(params)) {
    if (EXEMPT.has(name)) continue;
    if (!r.allowed.has(name)) {
      problems.push(`${method}: parameter "${name}" is not in the spec (allowed: ${[...r.allowed].sort().join(', ')})`);
    }
  }
  return problems;
}
