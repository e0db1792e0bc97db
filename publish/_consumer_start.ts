/**
 * Private: starting a {@linkcode NatsBookConsumer}'s JetStream requests in a cluster that lost a
 * member. Two things go wrong there with nats-server 2.9, both seen as request timeouts:
 * - until the survivors elect a new meta leader (seconds), JetStream API requests are not answered;
 * - an ordered consumer is an R1 consumer, placed on one of the stream's peers; placed on the dead
 *   one it never gets a leader, so its create request is never answered — and asking again under
 *   the same name only finds that leaderless consumer again.
 * So: a request that timed out is retried (short timeouts, growing) until a deadline, and each
 * attempt to create the ordered consumer uses a new name (a new placement), after deleting the
 * leaderless one it left (best effort: it would expire on its own after 5 minutes of inactivity).
 * @module
 */
import type { NatsConnection } from "npm:@nats-io/transport-node@3.4.0";
import {
  type Consumer,
  jetstream,
  jetstreamManager,
  type OrderedConsumerOptions,
} from "npm:@nats-io/jetstream@3.4.0";

/** True when `e` is a request that was not answered in time. */
export function isTimeout(e: unknown): boolean {
  return e instanceof Error && (e.name === "TimeoutError" || /timeout/i.test(e.message));
}

/** The timeout of attempt `attempt` (0-based), ms: 1 s, growing by 0.5 s, at most 5 s. */
export function attemptTimeout(attempt: number): number {
  return Math.min(1000 + 500 * attempt, 5000);
}

/**
 * `fn(timeoutMs)` until it does not time out; a timeout after `deadline` (a `Date.now()` value)
 * is rethrown, any other error at once. `onRetry` hears each timeout that is retried.
 */
export async function retryTimeouts<T>(
  fn: (timeoutMs: number) => Promise<T>,
  deadline: number,
  onRetry: (attempt: number) => void,
): Promise<T> {
  for (let attempt = 0;; attempt++) {
    try {
      return await fn(attemptTimeout(attempt));
    } catch (e) {
      if (!isTimeout(e) || Date.now() >= deadline) throw e;
      onRetry(attempt);
    }
  }
}

/** A new ordered-consumer name prefix (the consumer is named `<prefix>_1`). */
export function newNamePrefix(): string {
  return `hft${crypto.randomUUID().replaceAll("-", "")}`;
}

/**
 * Create an ordered consumer on `stream` with `opts` (without `name_prefix`: each attempt gets
 * its own), retrying timeouts until `deadline`; after a timed-out attempt its consumer is deleted
 * (not awaited). `onRetry` hears each retried attempt with the name that timed out.
 */
export function createOrdered(
  nc: NatsConnection,
  stream: string,
  opts: Omit<Partial<OrderedConsumerOptions>, "name_prefix">,
  deadline: number,
  onRetry: (name: string, attempt: number) => void,
): Promise<Consumer> {
  let prefix = "";
  return retryTimeouts(
    (timeout) => {
      prefix = newNamePrefix();
      // A fresh options object: the client writes the prefix into the one it is given.
      return jetstream(nc, { timeout }).consumers.get(stream, { ...opts, name_prefix: prefix });
    },
    deadline,
    (attempt) => {
      const name = `${prefix}_1`;
      onRetry(name, attempt);
      jetstreamManager(nc, { timeout: 2000, checkAPI: false })
        .then((jsm) => jsm.consumers.delete(stream, name))
        .catch(() => {/* not created, or unreachable: it expires on its own */});
    },
  );
}

/** One line for a retried request. */
export function retryText(what: string): string {
  return `${what} timed out (a cluster member down or a leader election); retrying`;
}
