import assert from "node:assert/strict";
import { FakeClock } from "../engine/clock.ts";
import { CaptureWriter } from "./capture_writer.ts";
import { fixturePresent } from "../engine/testing.ts";

const FIXTURE = new URL("../../shared/fixtures/binance-spot-ethusdt-20240808/", import.meta.url);
const fixtureExists = fixturePresent(new URL("diffs.jsonl", FIXTURE), "capture_writer_test");

function readLines(path: string): string[] {
  const t = Deno.readTextFileSync(path);
  const lines = t.split("\n");
  assert.equal(lines.pop(), "", `${path} must end with a newline`);
  return lines;
}

Deno.test("CaptureLines writes lines verbatim with a recv_ns sidecar of the same length", async () => {
  const dir = await Deno.makeTempDir();
  const errors: string[] = [];
  // Tiny chunks force many seals and a line larger than a chunk.
  const w = await CaptureWriter.create(dir, {
    chunkBytes: 64,
    flushIntervalMs: 0,
    onError: (m) => errors.push(m),
  });
  const l = w.lines("diffs");
  const big = `{"x":"${"é".repeat(100)}"}`;
  const input = ['{"a":1}', big, '{"b":[1,2,3]}', "{}"];
  const ns = [1723161254036052868, 5, 0, 1_700_000_000_123_456_789];
  for (let i = 0; i < input.length; i++) l.append(input[i]!, ns[i]!);
  assert.equal(l.lines, 4);
  await w.close();
  assert.deepEqual(readLines(`${dir}/diffs.jsonl`), input);
  const got = readLines(`${dir}/diffs.recv_ns`);
  assert.equal(got.length, input.length);
  for (let i = 0; i < ns.length; i++) assert.equal(Number(got[i]), ns[i]);
  assert.match(got[0]!, /^\d{19}$/);
  assert.equal(got[1], "5");
  assert.deepEqual(errors, []);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("CaptureLines keeps a frame with embedded newlines on one line and counts it", async () => {
  const dir = await Deno.makeTempDir();
  const w = await CaptureWriter.create(dir, { flushIntervalMs: 0 });
  const l = w.lines("diffs");
  l.append('{"a":\n1,\r\n"b":2}', 1);
  l.append('{"c":3}', 2);
  await w.close();
  assert.deepEqual(readLines(`${dir}/diffs.jsonl`), ['{"a": 1,  "b":2}', '{"c":3}']);
  assert.equal(l.sanitizedLines, 1);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("CaptureWriter writes verbatim files and metadata atomically", async () => {
  const dir = await Deno.makeTempDir();
  const clock = new FakeClock();
  const w = await CaptureWriter.create(dir, { clock, flushIntervalMs: 0 });
  const body = '{"lastUpdateId":5,"bids":[["1.00","2"]],"asks":[]}';
  assert.equal(await w.writeFile("snapshot.json", body), true);
  assert.equal(Deno.readTextFileSync(`${dir}/snapshot.json`), body);
  let n = 0;
  w.setMetadata(() => ({ messages: n }));
  await w.writeMetadata();
  assert.deepEqual(JSON.parse(Deno.readTextFileSync(`${dir}/metadata.json`)), {
    messages: 0,
    parts: {},
    stopped: null,
  });
  n = 7;
  await w.close();
  assert.deepEqual(JSON.parse(Deno.readTextFileSync(`${dir}/metadata.json`)), {
    messages: 7,
    parts: {},
    stopped: null,
  });
  const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
  assert.deepEqual(names, ["metadata.json", "snapshot.json"], "no temp files left behind");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("CaptureWriter reports a failed write as an error instead of throwing", async () => {
  const dir = await Deno.makeTempDir();
  const errors: string[] = [];
  const w = await CaptureWriter.create(dir, { flushIntervalMs: 0, onError: (m) => errors.push(m) });
  await Deno.remove(dir, { recursive: true });
  assert.equal(await w.writeFile("snapshot.json", "{}"), false);
  assert.equal(w.failures, 1);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /snapshot\.json/);
  await w.close(); // metadata provider absent: nothing more to fail
});

Deno.test("CaptureWriter flushes on its timer without close", async () => {
  const dir = await Deno.makeTempDir();
  const w = await CaptureWriter.create(dir, { flushIntervalMs: 5 });
  const l = w.lines("trades");
  l.append('{"t":1}', 42);
  // Wait for the data to reach the file (the timer seals, the sink writes); bounded.
  const deadline = Date.now() + 5000;
  while (l.bytesWritten < 11 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.equal(Deno.readTextFileSync(`${dir}/trades.jsonl`), '{"t":1}\n');
  assert.equal(Deno.readTextFileSync(`${dir}/trades.recv_ns`), "42\n");
  await w.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test({
  name: "CaptureLines round-trips the real Binance fixture byte for byte",
  ignore: !fixtureExists,
  async fn() {
    const diffs = Deno.readTextFileSync(new URL("diffs.jsonl", FIXTURE));
    const recv = Deno.readTextFileSync(new URL("diffs.recv_ns", FIXTURE));
    const lines = diffs.split("\n");
    lines.pop();
    const ns = recv.split("\n");
    ns.pop();
    const dir = await Deno.makeTempDir();
    const w = await CaptureWriter.create(dir, { chunkBytes: 1 << 16, flushIntervalMs: 0 });
    const l = w.lines("diffs");
    // recv_ns values exceed 2^53; the writer keeps what a Number holds (within 256 ns).
    for (let i = 0; i < lines.length; i++) l.append(lines[i]!, Number(ns[i]));
    await w.close();
    assert.equal(Deno.readTextFileSync(`${dir}/diffs.jsonl`), diffs);
    const back = readLines(`${dir}/diffs.recv_ns`);
    assert.equal(back.length, ns.length);
    for (let i = 0; i < ns.length; i++) {
      const d = BigInt(back[i]!) - BigInt(ns[i]!);
      assert.ok(d >= -256n && d <= 256n, `line ${i}: ${back[i]} vs ${ns[i]}`);
    }
    await Deno.remove(dir, { recursive: true });
  },
});

Deno.test("CaptureLines seals the data file and its recv_ns sidecar at the same line", async () => {
  const dir = await Deno.makeTempDir();
  const w = await CaptureWriter.create(dir, { chunkBytes: 256, flushIntervalMs: 0 });
  const l = w.lines("diffs");
  const count = (p: string) => Deno.readTextFileSync(p).split("\n").length - 1;
  for (let n = 1; n <= 200; n++) {
    l.append(
      `{"e":"depthUpdate","U":${n},"u":${n},"pad":"${"x".repeat(n % 17)}"}`,
      1_700_000_000_000_000_000 + n,
    );
    if (n % 37 === 0) {
      // Wait for the chunks sealed so far (by size) without sealing the active ones.
      await l.settled();
      assert.equal(count(`${dir}/diffs.jsonl`), count(`${dir}/diffs.recv_ns`), `after ${n} lines`);
    }
  }
  await w.close();
  assert.equal(count(`${dir}/diffs.jsonl`), 200);
  assert.equal(count(`${dir}/diffs.recv_ns`), 200);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("CaptureLines.stage leaves a spare byte, commits once, and commitTo copies the bytes verbatim", async () => {
  const dir = await Deno.makeTempDir();
  const errors: string[] = [];
  // Tiny chunks: staging seals both files together and grows the chunk for an oversized line.
  const w = await CaptureWriter.create(dir, {
    chunkBytes: 48,
    flushIntervalMs: 0,
    onError: (m) => errors.push(m),
  });
  const a = w.lines("a");
  const b = w.lines("b");
  const enc = new TextEncoder();
  const input = [
    '{"k":1}',
    '{"é":"🚀"}',
    `{"long":"${"x".repeat(300)}é"}`,
    '{"cr":\r\n1}',
    "{}",
    '{"z":"ü"}',
  ];
  const toB = [false, true, true, true, false, false];
  const expectA: string[] = [];
  const expectB: string[] = [];
  for (let i = 0; i < input.length; i++) {
    const line = input[i]!;
    a.stage(line);
    const want = enc.encode(line);
    assert.deepEqual(a.stagedBuf.subarray(a.stagedStart, a.stagedEnd), want);
    assert.ok(a.stagedEnd < a.stagedBuf.length, "a spare byte follows the staged line");
    assert.equal(a.lines, expectA.length, "staging commits nothing");
    const clean = line.replace(/[\r\n]/g, " ");
    if (toB[i]) {
      a.commitTo(b, 100 + i);
      expectB.push(clean);
    } else {
      a.commit(100 + i);
      expectA.push(clean);
    }
    assert.throws(() => a.commit(1), RangeError, "a staged line is committed once");
  }
  a.stage('{"abandoned":true}'); // staged, never committed: not written
  assert.equal(a.lines, expectA.length);
  assert.equal(b.lines, expectB.length);
  assert.equal(b.sanitizedLines, 1);
  await w.close();
  assert.deepEqual(readLines(`${dir}/a.jsonl`), expectA);
  assert.deepEqual(readLines(`${dir}/b.jsonl`), expectB);
  assert.equal(readLines(`${dir}/a.recv_ns`).length, expectA.length);
  assert.deepEqual(readLines(`${dir}/b.recv_ns`), ["101", "102", "103"]);
  assert.deepEqual(errors, []);
  await Deno.remove(dir, { recursive: true });
});
