/**
 * `HlCapture` with the extra streams of a many-coin session: fast l2Book, bbo and coin-less
 * frames each in their own file with receive times, counted in `metadata.json`, named by their
 * first part when rotating; a stream not opened drops what is sent to it; `noteScale` records
 * the scale in force and the venue's.
 */
import assert from "node:assert/strict";
import { FakeClock } from "../engine/clock.ts";
import { HlCapture } from "../venues/hyperliquid/capture.ts";

const FAST = '{"channel":"l2Book","data":{"coin":"@107","time":1,"levels":[[],[]]}}';
const BBO = '{"channel":"bbo","data":{"coin":"@107","time":1,"bbo":[null,null]}}';

async function open(dir: string, rotate: boolean, streams: ("fast" | "bbo" | "other")[]) {
  return await HlCapture.open({
    captureDir: dir,
    coin: "@107",
    session: "s",
    wsUrl: "ws://127.0.0.1:1/ws",
    subscription: [],
    clock: new FakeClock(0, 1_700_000_000_000_000_000),
    streams,
    ...(rotate ? { rotate: { kind: "size" as const, bytes: 1 << 20 } } : {}),
  });
}

Deno.test("HlCapture: fast, bbo and other streams with receive times, counted, named by part when rotating", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const rotate of [false, true]) {
      const root = `${dir}/${rotate ? "rot" : "plain"}`;
      const cap = await open(root, rotate, ["other", "fast", "bbo"]);
      cap.appendTo("fast", FAST, 11);
      cap.appendTo("fast", FAST, 12);
      cap.appendTo("bbo", BBO, 13);
      cap.appendTo("other", '{"channel":"pong"}', 14);
      cap.noteScale({ priceDecimals: 8, qtyDecimals: 0 }, { priceDecimals: 6, qtyDecimals: 0 });
      await cap.close();
      const session = `${root}/_107/s`;
      const part = rotate ? ".0001" : "";
      const meta = JSON.parse(await Deno.readTextFile(`${session}/metadata.json`));
      assert.deepEqual(meta.files, {
        messages: `messages${part}.jsonl`,
        recvNs: `messages${part}.recv_ns`,
        other: `other${part}.jsonl`,
        fast: `fast${part}.jsonl`,
        bbo: `bbo${part}.jsonl`,
      });
      assert.deepEqual([meta.fastBooks, meta.bbos, meta.other, meta.messages], [2, 1, 1, 0]);
      assert.deepEqual([meta.priceScale, meta.sizeScale, meta.venueDecimals], [8, 0, {
        priceDecimals: 6,
        qtyDecimals: 0,
      }]);
      assert.equal(await Deno.readTextFile(`${session}/fast${part}.jsonl`), `${FAST}\n${FAST}\n`);
      assert.equal(await Deno.readTextFile(`${session}/fast${part}.recv_ns`), "11\n12\n");
      assert.equal(await Deno.readTextFile(`${session}/bbo${part}.jsonl`), `${BBO}\n`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("HlCapture: a stream not opened drops what is sent to it (one-coin sessions have none)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const cap = await open(dir, false, []);
    cap.appendTo("fast", FAST, 1);
    await cap.close();
    const meta = JSON.parse(await Deno.readTextFile(`${dir}/_107/s/metadata.json`));
    assert.equal(meta.fastBooks, undefined);
    assert.deepEqual(meta.files, { messages: "messages.jsonl", recvNs: "messages.recv_ns" });
    assert.deepEqual([...Deno.readDirSync(`${dir}/_107/s`)].map((e) => e.name).sort(), [
      "messages.jsonl",
      "messages.recv_ns",
      "metadata.json",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
