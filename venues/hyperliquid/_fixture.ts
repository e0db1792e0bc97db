/**
 * Test helper: locate the shared real-data fixture `hyperliquid-btc-20250126` in place (it is
 * never copied into the project) and read its lines.
 * @module
 */

/** Directory of the fixture (`../shared/fixtures/...` from the project root). */
export const FIXTURE_DIR: URL = new URL(
  "../../../shared/fixtures/hyperliquid-btc-20250126/",
  import.meta.url,
);

/** True when the fixture is present; warns (once per call site) when it is not. */
export function fixtureExists(): boolean {
  try {
    Deno.statSync(new URL("messages.jsonl", FIXTURE_DIR));
    return true;
  } catch {
    console.warn(`SKIP: fixture not found at ${FIXTURE_DIR.pathname} (tests that need it are ignored)`);
    return false;
  }
}

/** The fixture's raw lines (`messages.jsonl`), without the trailing empty line. */
export function fixtureLines(): string[] {
  const text = Deno.readTextFileSync(new URL("messages.jsonl", FIXTURE_DIR));
  return text.split("\n").filter((l) => l.length > 0);
}

/** The fixture's receive times (`messages.recv_ns`), one per line. */
export function fixtureRecvNs(): number[] {
  const text = Deno.readTextFileSync(new URL("messages.recv_ns", FIXTURE_DIR));
  return text.split("\n").filter((l) => l.length > 0).map(Number);
}
