/**
 * Private: pure protocol helpers of the Hyperliquid simulator — subscription validation as the
 * venue does it (`validateSubscription`, re-exported by `simulator.ts`) and the `cross` fault's
 * rewrite of a recorded l2Book line. Allocates freely: not a hot path.
 * @module
 */

/**
 * "" when `sub` is a valid l2Book (optionally `fast`), bbo or trades subscription for one of
 * `coins`, else the problem.
 */
export function validateSubscription(
  sub: Record<string, unknown>,
  coins: string | readonly string[],
): string {
  const t = sub.type;
  if (t !== "l2Book" && t !== "trades" && t !== "bbo") return `unknown type ${String(t)}`;
  if (typeof sub.coin !== "string" || !(typeof coins === "string" ? [coins] : coins).includes(sub.coin)) {
    return `unknown coin ${String(sub.coin)}`;
  }
  if (t !== "l2Book") return "";
  if (sub.fast !== undefined && typeof sub.fast !== "boolean") return `bad fast ${String(sub.fast)}`;
  const sig = sub.nSigFigs ?? null, man = sub.mantissa ?? null;
  if (sig !== null && sig !== 2 && sig !== 3 && sig !== 4 && sig !== 5) return `bad nSigFigs ${String(sig)}`;
  if (man !== null && (sig !== 5 || (man !== 1 && man !== 2 && man !== 5))) {
    return `mantissa ${String(man)} needs nSigFigs 5 and a value of 1, 2 or 5`;
  }
  return "";
}

/** The key of a subscription: one per coin and channel (`l2Book` and fast `l2Book` differ). */
export function subscriptionKey(sub: Record<string, unknown>): string {
  return `${String(sub.type)}${sub.fast === true ? ".fast" : ""}|${String(sub.coin)}`;
}

/**
 * Make a recorded l2Book line crossed: a bid one unit above the best ask, inserted first (the
 * bid side is kept at 20 levels). A line without asks is returned unchanged.
 */
export function crossLine(line: string): string {
  const m = JSON.parse(line);
  const asks = m.data.levels[1] as { px: string }[];
  if (asks.length === 0) return line;
  const px = Number(asks[0]!.px) + 1;
  m.data.levels[0].unshift({ px: `${px}.0`, sz: "1.0", n: 1 });
  m.data.levels[0] = m.data.levels[0].slice(0, 20);
  return JSON.stringify(m);
}
