import { equal } from "node:assert/strict";
import { FakeClock } from "../engine/clock.ts";
import { ProgressLine } from "./_progress.ts";

class Sink {
  text = "";
  writeSync(p: Uint8Array): number {
    this.text += new TextDecoder().decode(p);
    return p.length;
  }
  get(): string {
    return this.text;
  }
}

Deno.test("ProgressLine: a warning after a progress line starts on a cleared line of its own", () => {
  const clock = new FakeClock();
  const out = new Sink();
  const p = new ProgressLine(out, clock, true, 100);
  p.update("replay: 10 lines");
  equal(out.get(), "", "none before the first interval");
  clock.advance(100);
  p.update("replay: 20 lines");
  p.line("replay: warning: w");
  equal(out.get(), "\r\x1b[Kreplay: 20 lines\r\x1b[Kreplay: warning: w\n");
  const shown = out.get().length;
  p.line("replay: summary");
  p.clear();
  equal(out.get().slice(shown), "replay: summary\n", "nothing to clear once the progress line is gone");
});

Deno.test("ProgressLine: off when not a terminal, but lines still go out", () => {
  const clock = new FakeClock();
  const out = new Sink();
  const p = new ProgressLine(out, clock, false, 100);
  clock.advance(1000);
  p.update("replay: 10 lines");
  p.line("replay: x");
  equal(out.get(), "replay: x\n");
});
