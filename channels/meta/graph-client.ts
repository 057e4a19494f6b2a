import { DeliveryError } from '../../src/core/errors.js';
import { parseJson } from '../../src/http/parse-json.js';

/** A Graph API error answer: `{error:{message, type, code, error_subcode?, error_data?, fbtrace_id}}`. */
export interface GraphErrorBody {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  error_data?: { details?: string };
}

export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly error: GraphErrorBody,
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(`Graph API ${status}: ${error.message ?? 'error'} (code ${error.code ?? '?'})`);
    this.name = 'GraphError';
  }
}

export interface GraphClientOptions {
  baseUrl: string;
  version: string;
  timeoutMs?: number;
}

/** Network failures that happen before a request is sent: retrying cannot duplicate. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * A thin Graph API client over fetch, shared by the three Meta channels. It does not retry:
 * the outbox does, in order. Transport failures become DeliveryErrors that say whether the
 * request may have arrived (`uncertain`), so the core never resends a message blindly.
 */
export class GraphClient {
  constructor(private readonly opts: GraphClientOptions) {}

  /** The API's own base URL (`META_GRAPH_URL`): a local fake serves its media URLs there too. */
  get baseUrl(): URL {
    return new URL(this.opts.baseUrl);
  }

  post<T>(path: string, token: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, token, body);
  }

  /** A read (`GET /{media_id}`, `GET /{waba_id}/message_templates`): query values are encoded here. */
  get<T>(path: string, token: string, query: Record<string, string> = {}): Promise<T> {
    const qs = new URLSearchParams(query).toString();
    return this.request<T>('GET', qs ? `${path}?${qs}` : path, token, undefined);
  }

  /** A multipart upload (`POST /{phone_number_id}/media`, Messenger attachments). */
  postForm<T>(path: string, token: string, form: FormData): Promise<T> {
    return this.request<T>('POST', path, token, form);
  }

  async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, token: string, body: unknown): Promise<T> {
    const url = `${this.opts.baseUrl.replace(/\/$/, '')}/${this.opts.version}/${path}`;
    const form = body instanceof FormData;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        // fetch writes the multipart boundary itself; JSON bodies are declared as such.
        headers: { authorization: `Bearer ${token}`, ...(form || body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: form ? body : body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 15_000),
      });
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code;
      const sent = !(code && NOT_SENT.has(code));
      const what = (err as Error).name === 'TimeoutError' ? 'timed out' : `network error${code ? ` ${code}` : ''}`;
      throw new DeliveryError('transient', `Graph API ${what}`, { uncertain: sent, cause: err });
    }
    const text = await res.text().catch((err: unknown) => {
      throw new DeliveryError('transient', 'Graph API answer was cut off', { uncertain: true, cause: err });
    });
    const json = parseJson(text);
    if (res.ok) return json as T;
    const retryAfter = Number(res.headers.get('retry-after'));
    const error = (json as { error?: GraphErrorBody } | undefined)?.error ?? { message: text.slice(0, 200) };
    throw new GraphError(res.status, error, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
  }
}
