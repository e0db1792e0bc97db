/**
 * Rotation through the real writer: the same real frames captured once unrotated and once rotated
 * by size with a tiny limit (and gzip) replay to identical events — while the rotated capture is
 * still open (closed parts gzipped, the last part plain) and after it closed; every part is listed
 * in metadata.json in order. The same for a Hyperliquid capture.
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { FakeClock } from "../engine/clock.ts";
import { fixturePresent } from "../engine/testing.ts";
import { resolveSession } from "../replay/reader.ts";
import { replayCapture } from "../replay/replay.ts";
import type { InferredEvent } from "../replay/schema.ts";
import { BinanceCapture } from "../venues/binance/capture.ts";
import { FrameKind, ParsedFrame } from "../venues/binance/parse.ts";
import type { RotatePolicy } from "../venues/capture_rotation.ts";
import { HlCapture } from "../venues/hyperliquid/capture.ts";

const ETH = new URL("../../shared/fixtures/binance-spot-ethusdt-20240808/", import.meta.url);
const HL = new URL("../../shared/fixtures/hyperliquid-btc-20250126/", import.meta.url);
const haveEth = fixturePresent(new URL("diffs.jsonl", ETH), "capture_rotation_test");
const haveHl = fixturePresent(new URL("messages.jsonl", HL), "capture_rotation_test");

const textLines = (u: URL) => Deno.readTextFileSync(u).split("\n").slice(0, -1);

async function replayed(dir: string): Promise<{ events: string[]; warnings: string[] }> {
  const events: string[] = [];
  const warnings: string[] = [];
  const sink = { write: (ev: InferredEvent) => void events.push(JSON.stringify(ev)) };
  await replayCapture(await resolveSession(dir), { sink, onWarning: (m) => warnings.push(m) });
  return { events, warnings };
}

/** Feed the first `n` fixture diffs and the trades received meanwhile, in receive order, like the handler. */
async function captureEth(root: string, rotate?: RotatePolicy): Promise<BinanceCapture> {
  const diffs = textLines(new URL("diffs.jsonl", ETH)).slice(0, 700);
  const dNs = textLines(new URL("diffs.recv_ns", ETH)).map(Number);
  const trades = textLines(new URL("trades.jsonl", ETH));
  const tNs = textLines(new URL("trades.recv_ns", ETH)).map(Number);
  const snap = Deno.readTextFileSync(new URL("snapshot.json", ETH));
  const c = await BinanceCapture.open({
    dir: root,
    symbol: "ETHUSDT",
    session: "s",
    wsUrl: "ws://127.0.0.1:1/stream",
    restUrl: "http://127.0.0.1:1",
    clock: new FakeClock(0, dNs[0]!),
    onError: (m) => {
      throw new Error(m);
    },
    chunkBytes: 8192,
    gzip: rotate !== undefined,
    ...(rotate ? { rotate } : {}),
  });
  c.snapshot(snap, JSON.parse(snap).lastUpdateId, dNs[0]!);
  const pf = new ParsedFrame();
  let t = 0;
  for (let i = 0; i < diffs.length; i++) {
    for (; t < trades.length && tNs[t]! <= dNs[i]!; t++) {
      equal(c.parse(trades[t]!, pf), FrameKind.Trade);
      c.commitTrade(tNs[t]!);
    }
    equal(c.parse(diffs[i]!, pf), FrameKind.Depth);
    c.commitDiff(dNs[i]!, pf.diff.firstId, pf.diff.lastId);
  }
  return c;
}

Deno.test({
  name: "a capture rotated by size (gzip) replays exactly like the unrotated one, open and closed",
  ignore: !haveEth,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "rotate_" });
    try {
      const plain = await captureEth(`${root}/plain`);
      await plain.close();
      const want = await replayed(plain.path);
      ok(want.events.length > 10_000, `events: ${want.events.length}`);

      const rot = await captureEth(`${root}/rot`, { kind: "size", bytes: 40_000 });
      await rot.flush(); // closed parts are gzipped, the last part is still open and plain
      await rot.writer.writeMetadata(); // as the running capture does every second
      const names = [...Deno.readDirSync(rot.path)].map((e) => e.name);
      ok(names.includes("diffs.0002.jsonl.gz") && names.includes("diffs.0002.recv_ns.gz"), names.join());
      const parts = rot.writer.metadata()!.parts as Record<string, { file: string; lines: number }[]>;
      const last = parts.diffs!.at(-1)!.file;
      ok(/^diffs\.\d{4}\.jsonl$/.test(last) && names.includes(last), `last part open, plain: ${last}`);
      ok(parts.diffs!.length >= 10 && parts.trades!.length >= 3, JSON.stringify(parts));
      const open = await replayed(rot.path);
      deepEqual(open.events, want.events, "open rotated capture replays identically");

      await rot.close();
      const meta = JSON.parse(Deno.readTextFileSync(`${rot.path}/metadata.json`));
      const files = meta.parts.diffs.map((p: { file: string }) => p.file);
      deepEqual(
        files,
        files.map((_: string, i: number) => `diffs.${String(i + 1).padStart(4, "0")}.jsonl.gz`),
      );
      equal(meta.parts.diffs.reduce((s: number, p: { lines: number }) => s + p.lines, 0), meta.messages);
      equal(meta.parts.trades.reduce((s: number, p: { lines: number }) => s + p.lines, 0), meta.trades);
      ok(meta.parts.diffs.every((p: { closed: boolean }) => p.closed));
      const closed = await replayed(rot.path);
      deepEqual(closed.events, want.events, "closed rotated capture replays identically");
      deepEqual(closed.warnings, want.warnings);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name: "a rotated Hyperliquid capture replays exactly like the unrotated one",
  ignore: !haveHl,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "rotate_hl_" });
    const msgs = textLines(new URL("messages.jsonl", HL));
    const ns = textLines(new URL("messages.recv_ns", HL)).map(Number);
    const capture = async (dir: string, rotate?: RotatePolicy) => {
      const c = await HlCapture.open({
        captureDir: dir,
        coin: "BTC",
        session: "s",
        wsUrl: "ws://127.0.0.1:1/ws",
        subscription: { type: "l2Book", coin: "BTC" },
        clock: new FakeClock(0, ns[0]!),
        onError: (m) => {
          throw new Error(m);
        },
        flushIntervalMs: 0,
        chunkBytes: 2048,
        ...(rotate ? { rotate, gzip: true } : {}),
      });
      c.noteConnection(ns[0]!);
      for (let i = 0; i < msgs.length; i++) c.append(msgs[i]!, ns[i]!);
      await c.close();
      return c;
    };
    try {
      const plain = await capture(`${root}/plain`);
      const rot = await capture(`${root}/rot`, { kind: "size", bytes: 8000 });
      const meta = JSON.parse(Deno.readTextFileSync(`${rot.dir}/metadata.json`));
      ok(meta.parts.messages.length >= 5, JSON.stringify(meta.parts));
      equal(meta.files.messages, "messages.0001.jsonl");
      const want = await replayed(plain.dir);
      ok(want.events.length > 100);
      deepEqual((await replayed(rot.dir)).events, want.events);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
