/**
 * The access-path proof, run over every configuration: each AWS call the deployed stacks will see (or must refuse) is
 * evaluated against the synthesized policies, and must get the decision the AWS docs require.
 */
import * as path from 'path';
import { CONFIGURATIONS } from './configurations';
import { ConfigurationFailures, FAILURES_BEGIN, FAILURES_END, failureTables } from './failure-report';
import { describeFailurePaths, failurePaths } from './failures';
import { describeFailures, prove, worldOf } from './proof';
import { accessPathsTable, ConfigurationResult, replaceSection, SECURITY_BEGIN, SECURITY_END, securitySection, TABLE_BEGIN, TABLE_END } from './report';

const ROOT = path.join(__dirname, '..', '..');
const WRITE = process.env.UPDATE_ACCESS_REPORT === '1';
const results = new Map<string, ConfigurationResult>();
const failures = new Map<string, ConfigurationFailures>();
const worlds = new Map<string, ReturnType<typeof worldOf>>();

describe.each(CONFIGURATIONS.map(c => [`${c.subject} (${c.variant})`, c] as const))('%s', (_name, configuration) => {
  test('every access path gets the decision the AWS docs require', async () => {
    const world = worldOf(configuration.app());
    worlds.set(_name, world);
    const proven = await prove(world);
    results.set(_name, { subject: configuration.subject, variant: configuration.variant, results: proven });
    expect(proven.length).toBeGreaterThan(0);
    expect(describeFailures(proven)).toBe('');
  });

  test('every failure is heard through keys other than the failed one, and every dead letter is kept', async () => {
    // the world the access paths were proven on (synthesized once)
    const world = worlds.get(_name) ?? worldOf(configuration.app());
    const paths = await failurePaths(world);
    failures.set(_name, { subject: configuration.subject, variant: configuration.variant, paths });
    expect(paths.length).toBeGreaterThan(0);
    expect(describeFailurePaths(paths)).toBe('');
  });
});

describe('failure-path report', () => {
  const all = () => CONFIGURATIONS.map(c => failures.get(`${c.subject} (${c.variant})`)).filter((r): r is ConfigurationFailures => r !== undefined);
  // the forty-key configuration proves scale, not a new path: the tables leave it out
  const documented = () => all().filter(r => !r.variant.startsWith('forty'));

  test('docs/failure-paths.md is current (run `npx projen report:keys` to regenerate)', () => {
    expect(all()).toHaveLength(CONFIGURATIONS.length);
    const { current, expected } = replaceSection(path.join(ROOT, 'docs', 'failure-paths.md'), FAILURES_BEGIN, FAILURES_END, failureTables(documented()), WRITE);
    if (!WRITE) expect(current).toBe(expected);
  });

  test('SECURITY.md\'s failure-path section is current (run `npx projen report:keys` to regenerate)', () => {
    const shown = documented().filter(r => r.variant === 'default' || r.variant === 'fullest');
    const { current, expected } = replaceSection(path.join(ROOT, 'SECURITY.md'), FAILURES_BEGIN, FAILURES_END, failureTables(shown), WRITE);
    if (!WRITE) expect(current).toBe(expected);
  });
});

describe('access-path report', () => {
  const all = () => CONFIGURATIONS.map(c => results.get(`${c.subject} (${c.variant})`)).filter((r): r is ConfigurationResult => r !== undefined);

  test('docs/access-paths.md\'s table of evaluated paths is current (run `npx projen report:keys` to regenerate)', () => {
    expect(all()).toHaveLength(CONFIGURATIONS.length);
    const { current, expected } = replaceSection(path.join(ROOT, 'docs', 'access-paths.md'), TABLE_BEGIN, TABLE_END, accessPathsTable(all()), WRITE);
    if (!WRITE) expect(current).toBe(expected);
  });

  test('SECURITY.md\'s key-access section is current (run `npx projen report:keys` to regenerate)', () => {
    const documented = all().filter(r => r.variant === 'default' || r.variant === 'fullest' || r.subject === 'KeyAuditTrail');
    const { current, expected } = replaceSection(path.join(ROOT, 'SECURITY.md'), SECURITY_BEGIN, SECURITY_END, securitySection(documented), WRITE);
    if (!WRITE) expect(current).toBe(expected);
  });
});
