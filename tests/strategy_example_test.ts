/**
 * The README's strategy example is real: its code block, copied verbatim into a folder outside
 * the project (only the `./mod.ts` import pointed at this checkout), runs against two simulators
 * with no import map and prints the microprice and imbalance of both symbols on their updates.
 */
import assert from "node:assert/strict";
import { BinanceSimulator } from "../sim/binance/simulator.ts";

const ROOT = new URL("..", import.meta.url);

function exampleCode(): string {
  const readme = Deno.readTextFileSync(new URL("README.md", ROOT));
  const m = /<!-- strategy-example -->\s*```ts\n([\s\S]*?)```/.exec(readme);
  assert.ok(m, "README has the strategy example block");
  return m[1]!.replace('"./mod.ts"', JSON.stringify(new URL("mod.ts", ROOT).href));
}

Deno.test("The README strategy example runs from another folder and prints both symbols' microprice", async () => {
  const dir = await Deno.makeTempDir({ prefix: "hft-strategy-" });
  Deno.writeTextFileSync(`${dir}/strategy.ts`, exampleCode());
  const sims = await Promise.all(
    ["BTCUSDT", "ETHUSDT"].map((symbol, i) =>
      BinanceSimulator.start({ intervalMs: 5, market: { seed: 30 + i, symbol } })
    ),
  );
  try {
    const feeds = sims.map((s) => ({
      symbol: s.symbol,
      wsUrl: s.wsUrl(),
      restUrl: s.restUrl,
      maxMessages: 150, // the engine stops once both are done; the duration is only a deadline
    }));
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net=127.0.0.1",
        "--allow-read",
        `${dir}/strategy.ts`,
        JSON.stringify(feeds),
        "60000",
      ],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    for (const sym of ["BTCUSDT", "ETHUSDT"]) {
      const lines = stdout.split("\n").filter((l) => l.startsWith(`${sym} micro=`));
      assert.ok(lines.length > 0, `${sym} printed:\n${stdout.slice(0, 500)}\n${stderr}`);
      for (const l of lines) {
        const [, micro, imb] = /micro=([\d.]+) imbalance=(-?[\d.]+)/.exec(l)!;
        assert.ok(Number(micro) > 0);
        assert.ok(Math.abs(Number(imb)) <= 1);
      }
    }
  } finally {
    await Promise.all(sims.map((s) => s.close()));
    await Deno.remove(dir, { recursive: true });
  }
});
