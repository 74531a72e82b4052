/** Polls `cond` every 20 ms until it holds; throws with `what` after `timeoutMs`. A wait, not a retry. */
export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A log sink that keeps every line for assertions. */
export function captureLog(): { lines: { level: string; msg: string }[]; log: (level: 'debug' | 'info' | 'warn' | 'error', msg: string) => void } {
  const lines: { level: string; msg: string }[] = [];
  return { lines, log: (level, msg) => void lines.push({ level, msg }) };
}
