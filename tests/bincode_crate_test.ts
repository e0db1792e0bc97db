/**
 * The replay's `--out-format bincode` read by the real bincode 1.x crate (Debian's
 * `librust-bincode-dev`, built offline by `tests/bincode_rs`): on the recorded ETHUSDT and
 * Hyperliquid BTC fixtures every event deserializes into the documented `InferredEvent` struct,
 * re-encodes to the same 80 bytes, and prints as the very line the replay's JSONL output holds.
 * A truncated file is refused. Skips with a message when cargo or the crates are absent (`.ci/run`
 * installs them).
 */
import { equal, ok } from "node:assert/strict";
import { ETH_DIR, replayTask } from "./_replay_helpers.ts";

const CRATE = new URL("./bincode_rs/", import.meta.url).pathname;
const HL_DIR = new URL("../../shared/fixtures/hyperliquid-btc-20250126/", import.meta.url).pathname;
const TARGET = "/tmp/hft-ts-bincode-rs-target";

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Why the test cannot run here, or "" when it can. */
function missing(): string {
  try {
    new Deno.Command("cargo", { args: ["--version"], stdout: "null", stderr: "null" }).outputSync();
  } catch {
    return "cargo is not installed";
  }
  const reg = "/usr/share/cargo/registry";
  const crates = exists(reg) ? [...Deno.readDirSync(reg)].map((e) => e.name) : [];
  for (const name of ["bincode-1.", "serde-1.", "serde_derive-1."]) {
    if (!crates.some((c) => c.startsWith(name))) return `${reg} has no ${name}x crate (librust-bincode-dev)`;
  }
  if (!exists(ETH_DIR + "diffs.jsonl") || !exists(HL_DIR + "messages.jsonl")) {
    return "the fixtures are absent";
  }
  return "";
}

const why = missing();
if (why) console.warn(`SKIP: bincode crate test: ${why}`);

/** Build the reader (offline; cargo's config in the crate's folder points at Debian's crates). */
async function build(): Promise<string> {
  const r = await new Deno.Command("cargo", {
    args: ["build", "--release", "--quiet", "--target-dir", TARGET],
    cwd: CRATE,
    stdout: "piped",
    stderr: "piped",
  }).output();
  equal(r.code, 0, new TextDecoder().decode(r.stderr));
  return `${TARGET}/release/bincode_rs`;
}

async function readWithCrate(bin: string, file: string): Promise<{ code: number; out: string; err: string }> {
  const r = await new Deno.Command(bin, { args: [file], stdout: "piped", stderr: "piped" }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

Deno.test({
  name: "bincode output read by the bincode crate equals the JSONL output, ETHUSDT and Hyperliquid",
  ignore: why !== "",
  async fn() {
    const bin = await build();
    const dir = await Deno.makeTempDir();
    try {
      for (const session of [ETH_DIR, HL_DIR]) {
        const binFile = `${dir}/events.bin`;
        const jsonl = `${dir}/events.jsonl`;
        const a = await replayTask(["--session", session, "--out", binFile, "--out-format", "bincode"], dir);
        equal(a.code, 0, a.err);
        const b = await replayTask(["--session", session, "--out", jsonl, "--out-format", "jsonl"], dir);
        equal(b.code, 0, b.err);
        const want = await Deno.readTextFile(jsonl);
        const got = await readWithCrate(bin, binFile);
        equal(got.code, 0, got.err);
        const n = want.split("\n").length - 1;
        ok(n > 100, `${session}: ${n} events`);
        equal(Deno.statSync(binFile).size, n * 80);
        // One comparison of the whole text: on a mismatch, say the first line that differs.
        if (got.out !== want) {
          const g = got.out.split("\n"), w = want.split("\n");
          const i = w.findIndex((line, k) => g[k] !== line);
          equal(g[i], w[i], `${session}: line ${i} differs`);
        }
        // A file cut inside an event is refused with one line.
        const bytes = await Deno.readFile(binFile);
        await Deno.writeFile(binFile, bytes.subarray(0, bytes.length - 3));
        const cut = await readWithCrate(bin, binFile);
        equal(cut.code, 1);
        ok(cut.err.includes("not a whole number of 80-byte events"), cut.err);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
