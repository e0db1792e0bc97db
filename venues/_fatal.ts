/**
 * Errors that retrying cannot fix, shared by the venue handlers: a missing permission
 * (`Deno.errors.NotCapable` — e.g. a host outside `--allow-net` — or `PermissionDenied`) and an
 * invalid URL (`SyntaxError` from `new WebSocket`, "Invalid URL" from `fetch`). A handler that
 * meets one stops with a clear message instead of reconnecting forever. Network faults
 * (refused, reset, timeouts, DNS) are not in this class: they are retried with backoff.
 * @module
 */

/** True when retrying the operation that threw `e` cannot succeed. */
export function isUnretryable(e: unknown): boolean {
  if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) return true;
  if (e instanceof DOMException) return e.name === "SyntaxError";
  return e instanceof TypeError && e.message.startsWith("Invalid URL");
}

/** The message of `e` for a log line (its class name first for a permission error). */
export function errorText(e: unknown): string {
  if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
    return `${e.name}: ${e.message}`;
  }
  return e instanceof Error ? e.message : String(e);
}
