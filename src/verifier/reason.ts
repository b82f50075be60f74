/*
 * What the handler tells CloudFormation in words: the Reason of a failure, fitted to the room the 4,096-byte response
 * leaves (see ./response.ts), and the report of a success.
 *
 * Bundled into the verifier Lambda: import only node built-ins here.
 */
import { CheckOutcome, describeProblem, Problem } from './outcomes';
import { VerificationRequest } from './protocol';
import { bodyBytes, cutToBytes, truncate } from './response';

/** Upper bound of `Data.Report`. */
export const MAX_REPORT_LENGTH = 1_000;

/**
 * The Reason of a failed verification, taking at most `maxBytes` in the response body (as `bodyBytes` counts them).
 * It names every failed check with each problem and its fix, then the log stream. When that does not fit, it is
 * shortened fairly, one step at a time, and says so; the log line holds every detail in full:
 *
 * 1. what each problem is gets cut to the same length for all, keeping every fix whole;
 * 2. then the problems' descriptions go and the fixes are cut to the same length for all, keeping every name;
 * 3. only when not even the names fit are the checks after the last one that fits counted instead of named (they
 *    come in the order the checks ran, as in the log).
 */
export function failureReason(request: VerificationRequest, failed: readonly CheckOutcome[], total: number, maxBytes: number, logStreamName?: string): string {
  const head = `encryption verification failed for ${request.contextValue} with key ${request.keyArn}: ${failed.length} of ${total} checks failed.`;
  const full = head + items(failed, describeProblem) + (logStreamName ? ` Details in log stream ${logStreamName}.` : '');
  if (bodyBytes(full) <= maxBytes) return full;

  const tail = ` Shortened to fit: every detail in full is in ${theLog(logStreamName)}.`;
  const problems = failed.flatMap(o => problemsOf(o));

  // 1. Every fix whole; what each problem is, cut to a common length (a problem without a fix is kept whole).
  const withFixes = (cap: number) => (p: Problem) => (p.fix === undefined ? p.what : `${cutToBytes(p.what, cap)}: ${p.fix}`);
  const whats = problems.filter(p => p.fix !== undefined).map(p => bodyBytes(p.what));
  const whatCap = fairCap(whats, maxBytes - bodyBytes(head + items(failed, withFixes(0)) + tail));
  if (whatCap >= ELLIPSIS_BYTES) return head + items(failed, withFixes(whatCap)) + tail;

  // 2. Every check named; only the fixes (or the problem, when it has none), cut to a common length.
  const essential = (p: Problem) => p.fix ?? p.what;
  const fixCap = fairCap(problems.map(p => bodyBytes(essential(p))), maxBytes - bodyBytes(head + items(failed, () => '') + tail));
  if (fixCap >= ELLIPSIS_BYTES) return head + items(failed, p => cutToBytes(essential(p), fixCap)) + tail;

  // 3. The names alone, of as many checks as fit, then how many more failed.
  for (let shown = failed.length; shown >= 0; shown--) {
    const more = shown < failed.length ? ` (+${failed.length - shown} more failed checks)` : '';
    const text = head + failed.slice(0, shown).map((o, i) => ` (${i + 1}) [${o.name}]`).join('') + more + tail;
    if (bodyBytes(text) <= maxBytes) return text;
  }
  return cutToBytes(head + tail, maxBytes);
}

/** The bytes of the `...` that marks a cut: a text cut to fewer keeps nothing of itself. */
const ELLIPSIS_BYTES = 3;

function problemsOf(outcome: CheckOutcome): readonly Problem[] {
  return outcome.problems ?? [{ what: outcome.detail }];
}

/** ` (1) [name] <problem>; <problem> (2) [name] ...`, each problem written by `write`. */
function items(failed: readonly CheckOutcome[], write: (problem: Problem) => string): string {
  return failed.map((o, i) => ` (${i + 1}) [${o.name}] ${problemsOf(o).map(write).join('; ')}`).join('');
}

/** The largest cap such that texts of these sizes, each cut to at most `cap` bytes, take at most `room` bytes together. */
function fairCap(sizes: readonly number[], room: number): number {
  const sorted = [...sizes].sort((a, b) => a - b);
  let left = room;
  for (let i = 0; i < sorted.length; i++) {
    const sharing = sorted.length - i;
    if (sorted[i] * sharing > left) return Math.floor(left / sharing);
    left -= sorted[i];
  }
  return Number.POSITIVE_INFINITY;
}

/** `Data.Report` of a successful verification. */
export function successReport(request: VerificationRequest, outcomes: readonly CheckOutcome[]): string {
  const parts = outcomes.map(o => `${o.name}: ${o.detail}`);
  return truncate(`${outcomes.length} checks passed for ${request.contextValue}: ${parts.join('; ')}`, MAX_REPORT_LENGTH);
}

/** A Reason known in full; cut, and pointing to the log line that holds it, only when the response has no room for it. */
export function fitted(text: string, logStreamName?: string): (maxBytes: number) => string {
  return maxBytes => {
    if (bodyBytes(text) <= maxBytes) return text;
    const pointer = ` Shortened to fit: the full text is in ${theLog(logStreamName)}.`;
    return cutToBytes(cutToBytes(text, maxBytes - bodyBytes(pointer)) + pointer, maxBytes);
  };
}

function theLog(logStreamName?: string): string {
  return logStreamName ? `log stream ${logStreamName}` : 'the function\'s log';
}

export function formatSeconds(ms: number): string {
  return String(Number((ms / 1000).toFixed(1)));
}
