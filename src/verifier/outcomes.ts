/*
 * What a check finds: its outcome and the problems it is made of, each with its fix.
 *
 * Bundled into the verifier Lambda: imports nothing.
 */

/** One thing a check found wrong, and what to do about it. */
export interface Problem {
  /** What is wrong, naming the key and the resource. */
  readonly what: string;
  /** The fix, when there is one. */
  readonly fix?: string;
}

/** The result of one check. */
export interface CheckOutcome {
  /** What was checked, e.g. `key`, `round trip`, `schedule default/nightly`. */
  readonly name: string;
  readonly passed: boolean;
  /**
   * On success a few words for the report; on failure every problem found, each followed by its fix
   * (`<what>: <fix>; <what>: <fix>`). Never shortened: the handler logs it whole and fits it into the Reason.
   */
  readonly detail: string;
  /** On failure, the problems `detail` is made of, so that a shortened Reason can keep every fix whole. */
  readonly problems?: readonly Problem[];
}

/** A check that passed, with a few words for the report. */
export function pass(name: string, detail: string): CheckOutcome {
  return { name, passed: true, detail };
}

/** A check that failed with these problems. */
export function fail(name: string, ...problems: Problem[]): CheckOutcome {
  return { name, passed: false, detail: problems.map(describeProblem).join('; '), problems };
}

/** A problem as one clause: `<what>: <fix>`, or `<what>` when it has no fix. */
export function describeProblem(problem: Problem): string {
  return problem.fix === undefined ? problem.what : `${problem.what}: ${problem.fix}`;
}

/** The outcome of a key-binding check: passed when no comparison found a problem. */
export function binding(name: string, problems: ReadonlyArray<Problem | undefined>): CheckOutcome {
  const found = problems.filter((p): p is Problem => p !== undefined);
  return found.length > 0 ? fail(name, ...found) : pass(name, 'bound to the key');
}
