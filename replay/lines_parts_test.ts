import { deepEqual, equal } from "node:assert/strict";
import { LineReader } from "./lines.ts";

Deno.test("LineReader reads parts (plain and .gz) as one stream and drops a part's partial tail", async () => {
  const dir = await Deno.makeTempDir();
  try {
    Deno.writeTextFileSync(`${dir}/a.0001.jsonl`, "one\ntwo\n");
    const gz = new Blob(["three\nfour\nfiv"]).stream().pipeThrough(new CompressionStream("gzip"));
    Deno.writeFileSync(`${dir}/a.0002.jsonl.gz`, new Uint8Array(await new Response(gz).arrayBuffer()));
    Deno.writeTextFileSync(`${dir}/a.0003.jsonl`, "six\nseven");
    const r = await LineReader.open(
      [`${dir}/a.0001.jsonl`, `${dir}/a.0002.jsonl.gz`, `${dir}/a.0003.jsonl`],
      4,
    );
    const got: string[] = [];
    while (await r.nextLine()) got.push(r.text());
    await r.close();
    deepEqual(got, ["one", "two", "three", "four", "six"]);
    equal(r.lineNo, 5);
    equal(r.truncatedBytes, 3 + 5, "the cut tail of part 2 and the last line of part 3");
    equal(r.error, undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
