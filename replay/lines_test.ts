import { deepEqual, equal, ok, throws } from "node:assert/strict";
import { LineReader, NsTime, parseNs } from "./lines.ts";

async function gzip(text: string): Promise<Uint8Array> {
  const s = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(s).arrayBuffer());
}

/** Run `fn` with a fresh temporary directory, removed afterwards whatever happens. */
async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function readAll(path: string, capacity?: number): Promise<{ lines: string[]; r: LineReader }> {
  const r = await LineReader.open(path, capacity);
  const lines: string[] = [];
  while (await r.nextLine()) lines.push(r.text());
  await r.close();
  return { lines, r };
}

Deno.test("LineReader returns complete lines, strips CR, grows for long lines", () =>
  withTempDir(async (dir) => {
    const long = "x".repeat(5000);
    await Deno.writeTextFile(`${dir}/a.jsonl`, `one\r\ntwo\n\n${long}\nlast\n`);
    const { lines, r } = await readAll(`${dir}/a.jsonl`, 16);
    deepEqual(lines, ["one", "two", "", long, "last"]);
    equal(r.truncatedBytes, 0);
    equal(r.lineNo, 5);
    equal(r.error, undefined);
  }));

Deno.test("LineReader reports a truncated last line and never returns it", () =>
  withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a.jsonl`, '{"a":1}\n{"a":2}\n{"a":');
    const { lines, r } = await readAll(`${dir}/a.jsonl`, 8);
    deepEqual(lines, ['{"a":1}', '{"a":2}']);
    equal(r.truncatedBytes, 5);
  }));

Deno.test("LineReader reads .gz through DecompressionStream", () =>
  withTempDir(async (dir) => {
    const rows = Array.from({ length: 3000 }, (_, i) => `{"i":${i}}`);
    await Deno.writeFile(`${dir}/a.jsonl.gz`, await gzip(rows.join("\n") + "\n"));
    const { lines, r } = await readAll(`${dir}/a.jsonl.gz`, 64);
    deepEqual(lines, rows);
    equal(r.truncatedBytes, 0);
    equal(r.error, undefined);
  }));

Deno.test("LineReader ends a truncated .gz early with an error, keeping the lines before it", () =>
  withTempDir(async (dir) => {
    const rows = Array.from({ length: 20000 }, (_, i) => `{"i":${i},"pad":"${"p".repeat(i % 50)}"}`);
    const gz = await gzip(rows.join("\n") + "\n");
    await Deno.writeFile(`${dir}/a.jsonl.gz`, gz.subarray(0, gz.length >> 1));
    const { lines, r } = await readAll(`${dir}/a.jsonl.gz`);
    ok(r.error !== undefined, "a truncated gzip stream must report an error");
    ok(lines.length < rows.length);
    deepEqual(lines, rows.slice(0, lines.length));
  }));

Deno.test("parseNs splits an ns timestamp above 2^53 exactly into seconds and nanoseconds", () => {
  const b = new TextEncoder().encode("1723161254036052868 12 x1 ");
  const t = new NsTime();
  ok(parseNs(b, 0, 19, t));
  equal(t.sec, 1723161254);
  equal(t.subNs, 36052868);
  ok(parseNs(b, 20, 22, t));
  equal(t.sec, 0);
  equal(t.subNs, 12);
  equal(parseNs(b, 23, 25, t), false);
  equal(parseNs(b, 0, 0, t), false);
});

Deno.test("LineReader memory stays flat: the buffer never grows for a file far larger than it", () =>
  withTempDir(async (dir) => {
    const line = `{"stream":"x","data":"${"y".repeat(200)}"}`;
    const n = 20_000; // ~4.5 MB through a 64 KiB buffer
    await Deno.writeTextFile(`${dir}/big.jsonl`, (line + "\n").repeat(n));
    const r = await LineReader.open(`${dir}/big.jsonl`, 1 << 16);
    let count = 0;
    while (r.next() || (await r.nextLine())) {
      if (r.end - r.start !== line.length) throw new Error(`line ${r.lineNo} has the wrong length`);
      count++;
    }
    await r.close();
    equal(count, n);
    equal(r.buf.length, 1 << 16);
  }));

Deno.test("LineReader.advanceTo hands out the line a parser found, like next(), and keeps a sentinel byte free", () =>
  withTempDir(async (dir) => {
    const path = `${dir}/a.jsonl`;
    await Deno.writeTextFile(path, "ab\ncd\r\nef\n");
    const r = await LineReader.open(path, 4);
    const lineEnd = () => {
      const nl = r.buf.indexOf(10, r.cursor);
      return nl >= 0 && nl < r.filled ? nl : -1;
    };
    try {
      while (lineEnd() < 0) ok(await r.fill());
      ok(r.filled < r.buf.length);
      const nl = lineEnd();
      throws(() => r.advanceTo(nl - 1), RangeError);
      r.advanceTo(nl);
      deepEqual([r.text(), r.lineNo, r.cursor], ["ab", 1, nl + 1]);
      while (lineEnd() < 0) ok(await r.fill());
      r.advanceTo(lineEnd());
      deepEqual([r.text(), r.lineNo], ["cd", 2]);
      equal(await r.nextLine(), true);
      deepEqual([r.text(), r.lineNo], ["ef", 3]);
      equal(await r.nextLine(), false);
      ok(r.filled < r.buf.length);
    } finally {
      await r.close();
    }
  }));
