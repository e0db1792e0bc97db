/**
 * Asking Hyperliquid for its instrument metadata at start (`POST <rest>/info`, see `meta.ts`):
 * every request a coin list needs, each retried with capped jittered backoff on a network error,
 * a timeout, a 429 or a 5xx; not retried on a missing permission, an invalid URL or another 4xx
 * (retrying cannot fix those). Once at start, never on the hot path; allocates.
 * @module
 */
import { Backoff, type BackoffOptions } from "../backoff.ts";
import { errorText, isUnretryable } from "../_fatal.ts";
import { type HlCoinDecimals, hlCoinDecimals, hlMetaRequests, type HlMetaSet } from "./meta.ts";
import type { MetaWire, SpotMetaWire } from "./types.ts";

/** Options of {@linkcode loadHlDecimals}. */
export interface HlMetaFetchOptions {
  /** Attempts per request (default 5). */
  attempts?: number;
  /** Delays between attempts (default base 250 ms, cap 4 s, full jitter). */
  backoff?: BackoffOptions;
  /** Bound on one request, ms (default 10 000). */
  timeoutMs?: number;
  /** Called before each retry with the problem and the delay (default: nothing). */
  onRetry?: (problem: string, delayMs: number) => void;
}

/** The metadata could not be fetched (after the retries, or at once when retrying cannot help). */
export class HlMetaError extends Error {
  /** A message naming the request, the URL and the last problem. */
  constructor(message: string) {
    super(message);
    this.name = "HlMetaError";
  }
}

/** Coins the venue does not list (a user mistake: the run should not start). */
export class HlUnknownCoinError extends RangeError {
  /** The coins not listed. */
  readonly coins: string[];
  /** `coins`: every coin not found in the metadata. */
  constructor(coins: string[], restUrl: string) {
    super(
      `${coins.length === 1 ? "coin" : "coins"} not listed by Hyperliquid at ${restUrl}: ${coins.join(", ")}`,
    );
    this.name = "HlUnknownCoinError";
    this.coins = coins;
  }
}

/**
 * Fetch the metadata `coins` need from `restUrl` and return each coin's base scale, in `coins`
 * order. Throws {@linkcode HlUnknownCoinError} for coins the venue does not list and
 * {@linkcode HlMetaError} when a request fails for good.
 */
export async function loadHlDecimals(
  restUrl: string,
  coins: readonly string[],
  options: HlMetaFetchOptions = {},
): Promise<HlCoinDecimals[]> {
  const set: HlMetaSet = { perps: new Map() };
  for (const body of hlMetaRequests(coins)) {
    const answer = await postInfo(restUrl, body, options);
    if (body.type === "spotMeta") set.spot = checkSpot(answer, restUrl);
    else set.perps.set(body.dex ?? "", checkMeta(answer, restUrl, body));
  }
  const out: HlCoinDecimals[] = [];
  const unknown: string[] = [];
  for (const c of coins) {
    const d = hlCoinDecimals(c, set);
    if (d === undefined) unknown.push(c);
    else out.push(d);
  }
  if (unknown.length > 0) throw new HlUnknownCoinError(unknown, restUrl);
  return out;
}

// POST `body` to `<restUrl>/info` with retries; the parsed JSON answer.
async function postInfo(
  restUrl: string,
  body: Record<string, string>,
  o: HlMetaFetchOptions,
): Promise<unknown> {
  const url = `${restUrl}/info`;
  const text = JSON.stringify(body);
  const attempts = Math.max(1, o.attempts ?? 5);
  const backoff = new Backoff(o.backoff ?? { baseMs: 250, maxMs: 4000 });
  let problem = "";
  for (let a = 1; a <= attempts; a++) {
    let retry = true;
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: text,
        signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
      });
      const reply = await res.text();
      if (res.ok) {
        try {
          return JSON.parse(reply);
        } catch {
          problem = `answer is not JSON: ${reply.slice(0, 80)}`;
        }
      } else {
        problem = `HTTP ${res.status} ${reply.slice(0, 80)}`.trim();
        retry = res.status === 429 || res.status >= 500;
      }
    } catch (e) {
      const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : "";
      problem = errorText(e) + cause;
      retry = !isUnretryable(e);
    }
    if (!retry || a === attempts) break;
    const delay = backoff.next();
    o.onRetry?.(`${text} to ${url}: ${problem}`, delay);
    await new Promise((r) => setTimeout(r, delay));
  }
  throw new HlMetaError(`cannot get ${text} from ${url}: ${problem}`);
}

function checkMeta(answer: unknown, restUrl: string, body: Record<string, string>): MetaWire {
  const u = (answer as MetaWire | null)?.universe;
  if (!Array.isArray(u)) throw new HlMetaError(`${JSON.stringify(body)} from ${restUrl}: no "universe"`);
  return answer as MetaWire;
}

function checkSpot(answer: unknown, restUrl: string): SpotMetaWire {
  const a = answer as SpotMetaWire | null;
  if (!Array.isArray(a?.universe) || !Array.isArray(a?.tokens)) {
    throw new HlMetaError(`{"type":"spotMeta"} from ${restUrl}: no "universe"/"tokens"`);
  }
  return a;
}
