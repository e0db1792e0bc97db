/**
 * Test support for the NATS tests: run `tasks/consume.ts` as a child (127.0.0.1, writes under
 * /tmp), compare two books in the `--book-out` form numerically (the consumer's JSON decimals
 * may be trimmed differently from the publisher's), and watch a child's stderr for a pattern.
 * @module
 */
import assert from "node:assert/strict";
import { parseMsgId } from "../publish/subjects.ts";
import { readStream } from "./_nats_server.ts";

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

/** Text read from a child's output as it comes. */
export interface Watched {
  /** Everything read so far. */
  text(): string;
  /** Wait (30 s deadline) until the text matches `p`; rejects when the output ended first. */
  until(p: RegExp): Promise<void>;
}

/** Reads a child's stderr as it comes; `until` waits (30 s deadline) for a pattern. */
export function watchStderr(child: Deno.ChildProcess): Watched {
  return watchOutput(child.stderr);
}

/** Reads `stream` (a child's stdout or stderr) as it comes. */
export function watchOutput(stream: ReadableStream<Uint8Array>): Watched {
  let text = "";
  let ended = false;
  let wake = (): void => {};
  (async () => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      wake();
    }
    ended = true;
    wake();
  })().catch(() => {});
  return {
    text: () => text,
    async until(pattern: RegExp): Promise<void> {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<never>((_, rej) =>
        timer = setTimeout(() => rej(new Error(`no ${pattern} within 30 s: ${text.slice(-800)}`)), 30_000)
      );
      try {
        while (!pattern.test(text)) {
          if (ended) throw new Error(`child ended before ${pattern}: ${text.slice(-800)}`);
          await Promise.race([new Promise<void>((r) => wake = r), deadline]);
        }
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** One publisher run's messages in the stream: book seqs, trade seqs (stream order), snapshot copies. */
export interface RunSeqs {
  /** Book seqs. */
  b: number[];
  /** Trade seqs. */
  t: number[];
  /** Snapshot copies. */
  s: number;
}

/** Book and trade seqs of each run in stream `MD` under `filter` on `url`, in stream order. */
export async function seqsByRun(
  url: string,
  filter = "md.binance.spot.BTCUSDT.>",
): Promise<Map<string, RunSeqs>> {
  const runs = new Map<string, RunSeqs>();
  for (const m of await readStream(url, "MD", filter)) {
    const id = parseMsgId(m.msgId);
    if (!id) continue;
    const r = runs.get(id.runId) ?? { b: [], t: [], s: 0 };
    runs.set(id.runId, r);
    if (id.kind === "b") r.b.push(id.seq);
    else if (id.kind === "t") r.t.push(id.seq);
    else r.s++;
  }
  return runs;
}

/** 1, 2, …, xs.length (what a complete seq chain of that length is). */
export const oneToN = (xs: number[]): number[] => xs.map((_, i) => i + 1);

/** `p`, or a rejection (after `onTimeout`) once `ms` passed. */
export async function within<T>(p: Promise<T>, ms: number, what: string, onTimeout: () => void): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, rej) =>
    timer = setTimeout(() => {
      onTimeout();
      rej(new Error(`${what}: not within ${ms} ms`));
    }, ms)
  );
  try {
    return await Promise.race([p, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
