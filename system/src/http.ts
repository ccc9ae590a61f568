/** How one request ended: an HTTP status, or how the connection failed. */
export type Outcome = number | 'refused' | 'reset' | 'timeout' | 'error';

export interface RequestRecord {
  start: number;
  end: number;
  api: number;
  method: string;
  /** The path with ids replaced by `{id}`. */
  route: string;
  outcome: Outcome;
}

export interface Reply<T = any> {
  outcome: Outcome;
  body: T;
  api: number;
}

export const ok = (o: Outcome) => typeof o === 'number' && o >= 200 && o < 300;
/** A request that did not get a deliberate answer: a network failure, a timeout or a 5xx. */
export const failed = (o: Outcome) => typeof o !== 'number' || o >= 500;

function classify(error: unknown): Outcome {
  const e = error as { name?: string; cause?: { code?: string; name?: string } };
  if (e.name === 'TimeoutError' || e.cause?.name === 'TimeoutError') return 'timeout';
  const code = e.cause?.code ?? '';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return 'reset';
  return 'error';
}

const ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * The load driver's HTTP client: it spreads requests over the API processes (round robin, as a load
 * balancer would) and records every request with its outcome.
 */
export class ApiClient {
  readonly records: RequestRecord[] = [];
  private next = 0;

  constructor(
    private readonly bases: string[],
    private readonly timeoutMs = 15_000,
  ) {}

  get size(): number {
    return this.bases.length;
  }

  async request<T = any>(
    token: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    api?: number,
  ): Promise<Reply<T>> {
    const index = api ?? this.next++ % this.bases.length;
    const start = Date.now();
    let outcome: Outcome;
    let parsed: any = null;
    try {
      const res = await fetch(`${this.bases[index]}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      outcome = res.status;
      const text = await res.text();
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = text;
      }
    } catch (error) {
      outcome = classify(error);
    }
    this.records.push({
      start,
      end: Date.now(),
      api: index,
      method,
      route: path.split('?')[0]?.replace(ID, '{id}') ?? path,
      outcome,
    });
    return { outcome, body: parsed as T, api: index };
  }
}
