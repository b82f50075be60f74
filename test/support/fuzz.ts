import { App, Stack } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { formatFindings, guardFindings, nagFindings } from './compliance';
import { TEST_ENV } from './fixtures';
import { findCycle } from './template-graph';
import { PropValidationError } from '../../src/internal/validation';

/** How many cases each construct's fuzz test runs in the test command by default (FUZZ_RUNS overrides, e.g. for `npx projen fuzz`). */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 200);

/**
 * The cases a suite runs: FUZZ_RUNS when set (`npx projen fuzz`), else `inTestCommand`, for a construct whose batches
 * are too slow to check for the test command's 200 cases.
 */
export function fuzzRuns(inTestCommand: number): number {
  return process.env.FUZZ_RUNS === undefined ? inTestCommand : FUZZ_RUNS;
}

/** Valid cases are checked with the nag/guard harness in batches of this many constructs per stack, by default. */
const BATCH = 25;

/**
 * What a suite checks in the template of an accepted case, beyond the harness's oracle (e.g. that every resource of
 * the case is on the construct's key). `build` returns it; it runs on the synthesized template of the case's batch,
 * so no case is synthesized twice.
 */
export type CaseCheck = (template: { Resources: { [logicalId: string]: any } }) => void;

/** How a suite runs. */
export interface FuzzOptions {
  /**
   * Whether the accepted cases go through the five cdk-nag packs and the Control Tower guard rules. A suite whose
   * batches are slow to check turns it off in the test command (the construct's own tests check its default and
   * fullest configurations) and keeps it for `npx projen fuzz`.
   *
   * @default true
   */
  readonly nagGuard?: boolean;

  /**
   * Accepted cases per batch stack: fewer for a construct of many resources (a stack holds at most 500).
   *
   * @default 25
   */
  readonly batch?: number;
}

/** What a fuzz run found. */
export interface FuzzOutcome {
  /** Cases the library rejected with its own validation error. */
  readonly rejected: number;
  /** Cases that synthesized. */
  readonly accepted: number;
  /** Distinct props named in the validation errors seen. */
  readonly propsNamed: string[];
}

/**
 * Property-based test of a construct's props: every generated case must end either in the library's own validation
 * error (a `PropValidationError` naming the construct path, or a path under it, and at least one prop) or in a template that synthesizes,
 * has no dependency cycle, and passes the five cdk-nag packs and the Control Tower guard rules with no
 * unacknowledged finding. A TypeError, an undefined access or any other error fails the run.
 *
 * Each case is first built alone (`Fuzz/Subject`, never synthesized): that decides whether it is rejected, and with
 * which message. Each accepted case is then built again into a batch stack of `options.batch` cases and synthesized
 * there, once: the batch's template is checked for cycles (a cycle among one case's resources is a cycle of the batch
 * too), goes through the five cdk-nag packs and, with every other batch in one cfn-guard run per rule group, the
 * Control Tower rules (unless `options.nagGuard` is false), and through each case's own
 * `CaseCheck`, if `build` returned one. Synthesis, not construction, is what a case costs.
 *
 * @param build creates the construct under test in `stack` with id `id` from the generated props, and may return a
 * check of the case's part of the batch template
 */
export function fuzzProps<P>(arbitrary: fc.Arbitrary<P>, build: (stack: Stack, id: string, props: P) => void | CaseCheck, runs = FUZZ_RUNS,
  options: FuzzOptions = {}): FuzzOutcome {
  const nagGuard = options.nagGuard ?? true;
  const batch = options.batch ?? BATCH;
  const accepted: P[] = [];
  const propsNamed = new Set<string>();
  let rejected = 0;
  fc.assert(
    fc.property(arbitrary, props => {
      const stack = new Stack(new App(), 'Fuzz', { env: TEST_ENV });
      try {
        build(stack, 'Subject', props);
      } catch (error) {
        if (!(error instanceof PropValidationError)) throw error;
        const message = error.message;
        // the construct's props, or (from a method of the construct) the arguments of `Fuzz/Subject.method` or the target
        // of a rule `Fuzz/Subject/<id>` it created: always the construct's path, then a separator
        if (!/^invalid (props|arguments|target) for Fuzz\/Subject[:./]/.test(message)) throw new Error(`validation error does not name the construct path: ${message}`);
        const named = [...message.matchAll(/^ {2}- (.+?): got /gm)].map(m => m[1]);
        if (named.length === 0) throw new Error(`validation error names no prop: ${message}`);
        named.forEach(p => propsNamed.add(p));
        rejected++;
        return;
      }
      accepted.push(props);
    }),
    { numRuns: runs, seed: Number(process.env.FUZZ_SEED ?? 20261122), endOnFailure: true },
  );

  // The accepted cases, in batches: one synthesis each, checked for cycles and by cdk-nag; then the Control Tower guard
  // rules over every batch at once (one cfn-guard run per rule group for all batches: its cost is the runs, not the
  // templates).
  const batches: Stack[] = [];
  for (let start = 0; start < accepted.length; start += batch) {
    const stack = new Stack(new App(), `FuzzBatch${start / batch}`, { env: TEST_ENV });
    const cases = accepted.slice(start, start + batch);
    const checks = cases.map((props, i) => build(stack, `Case${start + i}`, props));
    const findings = nagGuard ? formatFindings(nagFindings(stack)) : [];
    // nagFindings synthesized the app: this is the same assembly, not a second synthesis
    const template = (stack.node.root as App).synth().getStackByName(stack.stackName).template;
    const cycle = findCycle(template);
    if (cycle) throw new Error(`dependency cycle: ${cycle.join(' -> ')}${casesNamed(cycle.join(' '), accepted)}`);
    if (findings.length > 0) throw new Error(`accepted props produced findings:\n${findings.slice(0, 20).join('\n')}${casesNamed(findings.slice(0, 20).join(' '), accepted)}`);
    checks.forEach((check, i) => {
      try {
        check?.(template);
      } catch (error) {
        throw new Error(`accepted props failed the suite's template check: ${(error as Error).message}\nCase${start + i}: ${JSON.stringify(cases[i])}`);
      }
    });
    batches.push(stack);
  }
  const guard = nagGuard && batches.length > 0 ? formatFindings(guardFindings(...batches)) : [];
  if (guard.length > 0) throw new Error(`accepted props produced findings:\n${guard.slice(0, 20).join('\n')}${casesNamed(guard.slice(0, 20).join(' '), accepted)}`);
  return { rejected, accepted: accepted.length, propsNamed: [...propsNamed].sort() };
}

/** The props of the cases that `text` names (by id `Case<n>` in a path or a logical id), to reproduce a failure. */
function casesNamed<P>(text: string, cases: P[]): string {
  const named = cases.map((props, i) => ({ id: `Case${i}`, props })).filter(c => new RegExp(`\\b${c.id}(?![0-9])`).test(text));
  return named.map(c => `\n${c.id}: ${JSON.stringify(c.props)}`).join('');
}
