/**
 * Test support for the NATS tests: run `tasks/consume.ts` as a child (127.0.0.1, writes under
 * /tmp) and compare two books in the `--book-out` form numerically (the consumer's JSON decimals
 * may be trimmed differently from the publisher's).
 * @module
 */
import assert from "node:assert/strict";

const CONSUME = new URL("../tasks/consume.ts", import.meta.url).pathname;

/** Why a NATS test skipped. */
export const NATS_SKIP =
  "nats-server is not installed (apt-get install nats-server; .ci/run does it): skipped";

/** A book in the `--book-out` form. */
export interface BookJson {
  /** Venue update id of the last change applied. */
  lastUpdateId: number;
  /** Bids, best first. */
  bids: [string, string][];
  /** Asks, best first. */
  asks: [string, string][];
}

/** Run `consume` with `args`; its exit code and stderr. */
export async function runConsume(args: string[]): Promise<{ code: number; err: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", "--allow-read", "--allow-write=/tmp", CONSUME, ...args],
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code: out.code, err: new TextDecoder().decode(out.stderr) };
}

/** Assert that `got` and `want` hold the same levels (compared as numbers) and update id. */
export function assertSameBook(got: BookJson, want: BookJson, what: string): void {
  const num = (l: [string, string][]) => l.map(([p, q]) => [Number(p), Number(q)]);
  assert.ok(want.bids.length > 0 && want.asks.length > 0, `${what}: a book with levels`);
  assert.deepEqual(num(got.bids), num(want.bids), `${what}: bids`);
  assert.deepEqual(num(got.asks), num(want.asks), `${what}: asks`);
  assert.equal(got.lastUpdateId, want.lastUpdateId, `${what}: update id`);
}

/** The `--book-out` JSON file at `path`. */
export function readBook(path: string): BookJson {
  return JSON.parse(Deno.readTextFileSync(path));
}
