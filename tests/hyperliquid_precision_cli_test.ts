/**
 * `poc:hyperliquid` takes each coin's precision from the venue's metadata (the simulator's
 * `POST /info`) and the wire: a PEPE-sized coin (prices like "0.00000123", sizes like
 * "123456789012.00", `szDecimals` 0) is exact in `--book-out`, `--updates-out` and the capture's
 * metadata, with one coin and with `--coins`; a coin the venue does not list exits 2 with one
 * line; a metadata request that fails is retried, and one that keeps failing exits 1.
 */
import assert from "node:assert/strict";
import { HyperliquidSimulator } from "../sim/hyperliquid/simulator.ts";
import { runTask } from "./_task.ts";

type Level = [string, string];

// Exact decimal text without trailing fractional zeros ("123.00" -> "123", "0.10" -> "0.1").
function canon(s: string): string {
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

// A sim stepping every 20 ms that remembers the first coin's slow l2Book frame at each time.
function stepping(sim: HyperliquidSimulator): { frames: Map<number, string>; stop: () => void } {
  const frames = new Map<number, string>();
  const first = sim.lastBook!;
  frames.set(JSON.parse(first).data.time, first);
  const t = setInterval(() => {
    const f = sim.step();
    frames.set(JSON.parse(f).data.time, f);
  }, 20);
  return { frames, stop: () => clearInterval(t) };
}

// The book a list of `--updates-out` lines of `symbol` rebuilds, as canonical strings.
function rebuild(lines: string[], symbol: string): { bids: Map<string, string>; asks: Map<string, string> } {
  const book = { bids: new Map<string, string>(), asks: new Map<string, string>() };
  for (const l of lines) {
    const m = JSON.parse(l);
    if (m.symbol !== symbol || m.kind === "trade") continue;
    if (m.kind === "snapshot" || m.kind === "clear") {
      book.bids.clear();
      book.asks.clear();
    }
    for (const [side, levels] of [[book.bids, m.bids], [book.asks, m.asks]] as const) {
      for (const [p, q] of (levels ?? []) as Level[]) {
        if (canon(q) === "0") side.delete(canon(p));
        else side.set(canon(p), canon(q));
      }
    }
  }
  return book;
}

// `out` (a --book-out object) holds exactly the levels of `frame`, in the venue's own strings.
function assertBookIsFrame(out: { bids: Level[]; asks: Level[] }, frame: string): void {
  const [bids, asks] = JSON.parse(frame).data.levels as { px: string; sz: string }[][];
  assert.deepEqual(out.bids, bids!.map((l) => [l.px, l.sz]));
  assert.deepEqual(out.asks, asks!.map((l) => [l.px, l.sz]));
}

function assertPepeSized(out: { bids: Level[]; asks: Level[] }): void {
  for (const [p, q] of [...out.bids, ...out.asks]) {
    assert.match(p, /^0\.00000[01]\d{2}$/, "a price below 10^-5 with 8 decimals");
    assert.match(q, /^\d{12}\.00$/, "a size past 10^11 (beyond 2^53 at 10^-8)");
  }
}

Deno.test("poc:hyperliquid --coins: a PEPE-sized coin is exact in --book-out and --updates-out; the meta request is retried", async () => {
  const sim = await HyperliquidSimulator.start({
    coins: ["PEPE", "BTC"],
    pepeCoins: ["PEPE"],
    infoFailures: 1,
  });
  const s = stepping(sim);
  const book = "out/hl_pepe_multi_book.json", upd = "out/hl_pepe_multi_updates.jsonl";
  await Deno.mkdir("out", { recursive: true });
  try {
    const r = await runTask([
      "poc:hyperliquid",
      "--ws-url",
      sim.url,
      "--coins",
      "PEPE,BTC",
      "--channels",
      "l2book,trades",
      "--max-messages",
      "60",
      "--duration",
      "60",
      "--book-out",
      book,
      "--updates-out",
      upd,
    ]);
    s.stop();
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.err,
      /warning: \{"type":"meta"\} to http:\/\/127\.0\.0\.1:\d+\/info: HTTP 500 .*; retrying in \d+ ms/,
    );
    assert.match(
      r.out,
      /precision from http:\/\/127\.0\.0\.1:\d+\/info: PEPE 10\^-6\/10\^-0, BTC 10\^-1\/10\^-5/,
    );
    assert.match(
      r.out + r.err,
      /rescaled to 10\^-8 \/ 10\^-0/,
      "the wire's 8 price decimals are finer than meta's 6",
    );
    const out = JSON.parse(await Deno.readTextFile(book));
    const pepe = out.books[0];
    assert.equal(pepe.symbol, "PEPE");
    assertBookIsFrame(pepe, s.frames.get(pepe.lastUpdateId)!);
    assertPepeSized(pepe);
    assert.equal(pepe.stale, undefined, "a clean stop keeps the books live");
    const lines = (await Deno.readTextFile(upd)).split("\n").filter((l) => l !== "");
    for (const b of out.books) {
      const got = rebuild(lines, b.symbol);
      const bids = [...got.bids].sort((x, y) => Number(y[0]) - Number(x[0]));
      const asks = [...got.asks].sort((x, y) => Number(x[0]) - Number(y[0]));
      assert.deepEqual(bids, b.bids.map(([p, q]: Level) => [canon(p), canon(q)]), b.symbol);
      assert.deepEqual(asks, b.asks.map(([p, q]: Level) => [canon(p), canon(q)]), b.symbol);
    }
    const trades = lines.map((l) => JSON.parse(l)).filter((m) => m.symbol === "PEPE" && m.kind === "trade");
    assert.ok(trades.length > 0, "PEPE trades");
    for (const t of trades) {
      assert.match(t.price, /^0\.00000[01]\d{0,2}$/, "a trade price at 10^-8 (trailing zeros trimmed)");
      assert.match(t.qty, /^\d{7,10}$/, "a whole-coin trade size");
    }
  } finally {
    s.stop();
    await sim.close();
    await Deno.remove(book).catch(() => {});
    await Deno.remove(upd).catch(() => {});
  }
});

Deno.test("poc:hyperliquid --coin PEPE: exact book-out; the capture's metadata.json records the decimals used", async () => {
  const sim = await HyperliquidSimulator.start({ coins: ["PEPE"], pepeCoins: ["PEPE"] });
  const s = stepping(sim);
  const book = "out/hl_pepe_book.json", dir = "captures/test_hl_pepe";
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  try {
    const r = await runTask([
      "poc:hyperliquid",
      "--ws-url",
      sim.url,
      "--coin",
      "PEPE",
      "--max-messages",
      "20",
      "--duration",
      "60",
      "--book-out",
      book,
      "--capture-dir",
      dir,
      "--capture-session",
      "s1",
    ]);
    s.stop();
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(await Deno.readTextFile(book));
    assertBookIsFrame(out, s.frames.get(out.lastUpdateId)!);
    assertPepeSized(out);
    const meta = JSON.parse(await Deno.readTextFile(`${dir}/PEPE/s1/metadata.json`));
    assert.deepEqual([meta.priceScale, meta.sizeScale], [8, 0]);
    assert.deepEqual(meta.venueDecimals, { priceDecimals: 6, qtyDecimals: 0 });
  } finally {
    s.stop();
    await sim.close();
    await Deno.remove(book).catch(() => {});
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("poc:hyperliquid: a coin the venue does not list exits 2 with one line, before connecting", async () => {
  const sim = await HyperliquidSimulator.start({ coins: ["BTC"] });
  try {
    for (const flags of [["--coin", "NOPE"], ["--coins", "BTC,NOPE,@99"]]) {
      const r = await runTask(["poc:hyperliquid", "--ws-url", sim.url, ...flags, "--duration", "30"]);
      assert.equal(r.code, 2, r.err);
      const many = flags[0] === "--coins";
      assert.equal(
        r.err.trim(),
        `error: ${many ? "coins" : "coin"} not listed by Hyperliquid at ${sim.restUrl}: ${
          many ? "NOPE, @99" : "NOPE"
        }`,
      );
    }
    assert.equal(sim.stats.connections, 0);
  } finally {
    await sim.close();
  }
});

Deno.test("poc:hyperliquid: a metadata host that never answers exits 1 after the retries, with one error line", async () => {
  const gone = await HyperliquidSimulator.start({ coins: ["BTC"] });
  const rest = gone.restUrl;
  await gone.close();
  const r = await runTask(["poc:hyperliquid", "--rest-url", rest, "--coins", "BTC", "--duration", "30"]);
  assert.equal(r.code, 1, r.err);
  const lines = r.err.trim().split("\n");
  assert.equal(lines.filter((l) => l.startsWith("warning: ")).length, 4, "4 retries after the first attempt");
  assert.match(
    lines.at(-1)!,
    new RegExp(`^error: cannot get \\{"type":"meta"\\} from ${rest}/info: .*refused`, "i"),
  );
});
