/**
 * Replay on damaged and unusual inputs, built in temp dirs from the first lines of the real
 * ETHUSDT fixture: a truncated last line (a SIGKILLed capture), a corrupt line causing a gap,
 * a gap crossed by a later snapshot listed in metadata.json, gzipped files, missing files.
 */
import { deepEqual, equal, ok, rejects } from "node:assert/strict";
import { formatFixed } from "../venues/decimal.ts";
import type { L2Book } from "../venues/book.ts";
import { replayCapture } from "../replay/replay.ts";
import { explicitFiles, resolveSession } from "../replay/reader.ts";
import type { ReplayStats } from "../replay/summary.ts";
import { InferredKind } from "../replay/schema.ts";
import { ETH_DIR, gzip, haveFixture, RebuildingSink } from "./_replay_helpers.ts";

const present = haveFixture();
const N = 120;

function fixtureLines(): { diffs: string[]; recv: string[]; snapshot: string } {
  const diffs = Deno.readTextFileSync(ETH_DIR + "diffs.jsonl").split("\n").slice(0, N);
  const recv = Deno.readTextFileSync(ETH_DIR + "diffs.recv_ns").split("\n").slice(0, N);
  return { diffs, recv, snapshot: Deno.readTextFileSync(ETH_DIR + "snapshot.json") };
}

async function writeSession(dir: string, diffs: string, recv: string, snapshot: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/diffs.jsonl`, diffs);
  await Deno.writeTextFile(`${dir}/diffs.recv_ns`, recv);
  await Deno.writeTextFile(`${dir}/snapshot.json`, snapshot);
}

async function run(dir: string): Promise<{ stats: ReplayStats; sink: RebuildingSink; warned: string[] }> {
  const sink = new RebuildingSink();
  const warned: string[] = [];
  const stats = await replayCapture(await resolveSession(dir), { sink, onWarning: (m) => warned.push(m) });
  return { stats, sink, warned };
}

function levels(book: L2Book): [number, number][][] {
  const out: [number, number][][] = [[], []];
  book.bids.forEach((p, q) => out[0]!.push([p, q]));
  book.asks.forEach((p, q) => out[1]!.push([p, q]));
  return out;
}

function snapshotJson(book: L2Book, lastUpdateId: number): string {
  const side = (s: typeof book.bids) => {
    const parts: string[] = [];
    s.forEach((p, q) => parts.push(`["${formatFixed(p, 8)}","${formatFixed(q, 8)}"]`));
    return `[${parts.join(",")}]`;
  };
  return `{"lastUpdateId":${lastUpdateId},"bids":${side(book.bids)},"asks":${side(book.asks)}}`;
}

function withTemp(name: string, fn: (dir: string) => Promise<void>): Deno.TestDefinition {
  return {
    name,
    ignore: !present,
    async fn() {
      const dir = await Deno.makeTempDir();
      try {
        await fn(dir);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  };
}

Deno.test(
  withTemp(
    "replay of a capture killed mid-line replays up to the last complete line and warns",
    async (dir) => {
      const { diffs, recv, snapshot } = fixtureLines();
      const cut = diffs[100]!.slice(0, 77);
      await writeSession(
        `${dir}/a`,
        diffs.slice(0, 100).join("\n") + "\n" + cut,
        recv.slice(0, 101).join("\n") + "\n",
        snapshot,
      );
      await writeSession(
        `${dir}/b`,
        diffs.slice(0, 100).join("\n") + "\n",
        recv.slice(0, 100).join("\n") + "\n",
        snapshot,
      );
      const a = await run(`${dir}/a`);
      const b = await run(`${dir}/b`);
      equal(a.stats.diffLines, 100);
      equal(a.stats.applied, 98);
      equal(a.stats.malformed, 0, "the partial line is never parsed");
      ok(
        a.warned.some((w) => w.includes("last line truncated (77 bytes") && w.includes("line 100")),
        a.warned.join("|"),
      );
      ok(a.warned.some((w) => w.includes("more lines than")), "the extra receive time is reported");
      deepEqual(b.warned, []);
      equal(a.stats.totalEvents, b.stats.totalEvents);
      deepEqual(levels(a.sink.book), levels(b.sink.book));
    },
  ),
);

Deno.test(
  withTemp(
    "replay warns on a corrupt line and on the gap it leaves when no snapshot crosses it",
    async (dir) => {
      const { diffs, recv, snapshot } = fixtureLines();
      const bad = diffs.slice();
      bad[50] = '{"stream":"ethusdt@depth@100ms","data":{"e":"depthUpdate","E":17231612';
      await writeSession(dir, bad.join("\n") + "\n", recv.join("\n") + "\n", snapshot);
      const { stats, sink, warned } = await run(dir);
      equal(stats.malformed, 1);
      ok(warned.some((w) => w.includes(":51: malformed frame")), warned.join("|"));
      equal(stats.resyncs, 1);
      ok(warned.some((w) => w.includes("book discarded at update id")));
      ok(stats.endedInGap);
      ok(stats.linesUnreplayed > 0);
      ok(
        stats.failure?.includes("was not recovered from") &&
          stats.failure.includes(`${stats.linesUnreplayed} diff lines`),
        String(stats.failure),
      );
      equal(sink.kinds[InferredKind.Clear], 2, "one Clear per side at the gap");
      equal(sink.book.bids.size + sink.book.asks.size, 0);
    },
  ),
);

Deno.test(withTemp("replay crosses a gap with the extra snapshot listed in metadata.json", async (dir) => {
  const { diffs, recv, snapshot } = fixtureLines();
  // The clean book after line 80 (from a clean replay's events) becomes snapshot-1.json.
  await writeSession(
    `${dir}/clean80`,
    diffs.slice(0, 80).join("\n") + "\n",
    recv.slice(0, 80).join("\n") + "\n",
    snapshot,
  );
  const clean80 = await run(`${dir}/clean80`);
  const u80 = JSON.parse(diffs[79]!).data.u as number;
  await writeSession(`${dir}/clean`, diffs.join("\n") + "\n", recv.join("\n") + "\n", snapshot);
  const clean = await run(`${dir}/clean`);
  // Line 51 is lost (a gap); snapshot-1 arrived after 79 captured lines (line 80 of the original).
  const s = `${dir}/gap`;
  const d = diffs.filter((_, i) => i !== 50);
  const r = recv.filter((_, i) => i !== 50);
  await writeSession(s, d.join("\n") + "\n", r.join("\n") + "\n", snapshot);
  await Deno.writeTextFile(`${s}/snapshot-1.json`, snapshotJson(clean80.sink.book, u80));
  await Deno.writeTextFile(
    `${s}/metadata.json`,
    JSON.stringify({
      venue: "binance",
      symbol: "ETHUSDT",
      snapshots: [
        { file: "snapshot.json", lastUpdateId: JSON.parse(snapshot).lastUpdateId, diffLinesBefore: 1 },
        { file: "snapshot-1.json", lastUpdateId: u80, recvNs: "1723161299123456789", diffLinesBefore: 79 },
      ],
      complete: true,
    }),
  );
  const g = await run(s);
  equal(g.stats.resyncs, 1);
  equal(g.stats.gapsCrossed, 1);
  equal(g.stats.snapshotsApplied, 2);
  equal(g.stats.endedInGap, false);
  equal(g.warned.length, 1, "only the gap itself is reported");
  equal(g.sink.kinds[InferredKind.Clear], 2);
  deepEqual(levels(g.sink.book), levels(clean.sink.book));
  ok(g.sink.snapshotRecv.has("1723161299.123456789"), "snapshot events carry the REST receive time");
  equal(g.sink.snapshotRecv.size, 2);
}));

Deno.test(withTemp("replay reads a gzipped session the same as a plain one", async (dir) => {
  const { diffs, recv, snapshot } = fixtureLines();
  const dtext = diffs.join("\n") + "\n";
  const rtext = recv.join("\n") + "\n";
  await writeSession(`${dir}/plain`, dtext, rtext, snapshot);
  await Deno.mkdir(`${dir}/gz`);
  await Deno.writeFile(`${dir}/gz/diffs.jsonl.gz`, await gzip(dtext));
  await Deno.writeFile(`${dir}/gz/diffs.recv_ns.gz`, await gzip(rtext));
  await Deno.writeFile(`${dir}/gz/snapshot.json.gz`, await gzip(snapshot));
  const a = await run(`${dir}/plain`);
  const b = await run(`${dir}/gz`);
  deepEqual(b.warned, []);
  equal(b.stats.applied, a.stats.applied);
  equal(b.stats.totalEvents, a.stats.totalEvents);
  deepEqual(levels(b.sink.book), levels(a.sink.book));
}));

Deno.test(withTemp("replay input resolution names the missing path", async (dir) => {
  await rejects(
    resolveSession(`${dir}/nope`),
    (e: Error) => e instanceof TypeError && e.message.includes("nope"),
  );
  await rejects(
    resolveSession(dir),
    (e: Error) => e instanceof TypeError && e.message.includes("diffs.jsonl"),
  );
  await Deno.writeTextFile(`${dir}/diffs.jsonl`, "");
  await rejects(
    resolveSession(dir),
    (e: Error) => e instanceof TypeError && e.message.includes("snapshot.json"),
  );
  await rejects(
    explicitFiles(`${dir}/snap.json`, `${dir}/diffs.jsonl`),
    (e: Error) => e instanceof TypeError && e.message.includes("--snapshot"),
  );
  await Deno.writeTextFile(`${dir}/snapshot.json`, "{not json");
  const { stats } = await run(dir);
  equal(stats.diffLines, 0);
  ok(stats.failure?.includes("never synchronized: no depth frame"), String(stats.failure));
}));

Deno.test(
  withTemp(
    "replay input resolution reports a file it cannot stat instead of calling it missing",
    async (dir) => {
      await Deno.writeTextFile(`${dir}/diffs.jsonl`, "");
      await Deno.writeTextFile(`${dir}/snapshot.json`, "{}");
      // A symlink to itself: stat fails with a loop error, not NotFound (works as root, unlike chmod).
      // Made with ln: Deno.symlink needs unscoped read and write, and the test task's writes are scoped.
      const ln = await new Deno.Command("ln", {
        args: ["-s", `${dir}/metadata.json`, `${dir}/metadata.json`],
      })
        .output();
      equal(ln.code, 0);
      await rejects(
        resolveSession(dir),
        (e: Error) =>
          e instanceof TypeError && e.message.includes(`${dir}/metadata.json`) &&
          !e.message.includes("not found") &&
          e.cause instanceof Error && !(e.cause instanceof Deno.errors.NotFound),
      );
      await Deno.remove(`${dir}/metadata.json`);
      const files = await resolveSession(dir); // the same session without the loop resolves
      ok(files.diffs.endsWith("diffs.jsonl"));
    },
  ),
);

Deno.test(withTemp("replay keeps diff lines whose receive time is missing and says which", async (dir) => {
  const { diffs, recv, snapshot } = fixtureLines();
  await writeSession(dir, diffs.join("\n") + "\n", recv.slice(0, 90).join("\n") + "\n", snapshot);
  const sink = new RebuildingSink();
  const warned: string[] = [];
  const stats = await replayCapture(await resolveSession(dir), { sink, onWarning: (m) => warned.push(m) });
  equal(stats.diffLines, N);
  equal(stats.applied, N - 2);
  deepEqual(warned.length, 1);
  ok(warned[0]!.includes(`diff lines 91..${N}`), String(warned[0]));
}));

Deno.test(withTemp("replay fails when no diff ever bridges the snapshot", async (dir) => {
  const { diffs, recv, snapshot } = fixtureLines();
  const future = snapshot.replace(/"lastUpdateId":\d+/, '"lastUpdateId":99999999999');
  await writeSession(dir, diffs.join("\n") + "\n", recv.join("\n") + "\n", future);
  const { stats, sink, warned } = await run(dir);
  equal(stats.applied, 0);
  equal(stats.skipped, N - 1);
  equal(sink.kinds[InferredKind.Snapshot], 2000, "the snapshot itself is still reported");
  ok(stats.failure?.includes("never synchronized: no diff bridges the snapshot"), String(stats.failure));
  ok(stats.failure?.includes("newer than every diff"), String(stats.failure));
  deepEqual(warned, []);
}));
