/**
 * Test helper: locate the shared real-data fixture `hyperliquid-btc-20250126` in place (it is
 * never copied into the project) and read its lines.
 * @module
 */
import { fixturePresent } from "../engine/testing.ts";

/** Directory of the fixture (`../shared/fixtures/...` from the project root). */
export const FIXTURE_DIR: URL = new URL(
  "../../shared/fixtures/hyperliquid-btc-20250126/",
  import.meta.url,
);

/** True when the fixture is present; warns (once per call site) when it is not. */
export function fixtureExists(): boolean {
  return fixturePresent(new URL("messages.jsonl", FIXTURE_DIR), "hyperliquid fixture");
}

/** The fixture's raw lines (`messages.jsonl`), without the trailing empty line. */
export function fixtureLines(): string[] {
  const text = Deno.readTextFileSync(new URL("messages.jsonl", FIXTURE_DIR));
  return text.split("\n").filter((l) => l.length > 0);
}

/** The fixture's receive times (`messages.recv_ns`) as their exact decimal text, one per line. */
export function fixtureRecvText(): string[] {
  const text = Deno.readTextFileSync(new URL("messages.recv_ns", FIXTURE_DIR));
  return text.split("\n").filter((l) => l.length > 0);
}

/** The fixture's receive times (`messages.recv_ns`), one per line (as f64: ns lose low digits). */
export function fixtureRecvNs(): number[] {
  return fixtureRecvText().map(Number);
}
