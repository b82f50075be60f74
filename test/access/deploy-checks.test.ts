/**
 * Deploy-time facts that are not access paths but break a deploy all the same, checked on every configuration.
 */
import { CONFIGURATIONS } from './configurations';
import { worldOf } from './proof';

describe.each(CONFIGURATIONS.map(c => [`${c.subject} (${c.variant})`, c] as const))('%s', (_name, configuration) => {
  const world = worldOf(configuration.app());

  // "You can reserve concurrency for as many functions as you like, as long as you leave at least 100 simultaneous
  // executions unreserved" and "New AWS accounts have reduced concurrency and memory quotas."
  // https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionConcurrency.html
  test('no function of the library reserves concurrency (it fails on accounts with a low concurrency quota)', () => {
    const reserving = world.ofType('AWS::Lambda::Function')
      .filter(f => world.properties(f).ReservedConcurrentExecutions !== undefined)
      .map(f => f.path ?? f.logicalId);
    expect(reserving).toEqual([]);
  });

  // "The principals in the key policy must exist and be visible to KMS ... you might need to enforce a delay before
  // including the new principal in a key policy." https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html
  test('no key policy names a role created in the same deployment as its principal', () => {
    const roleArns = new Set(world.ofType('AWS::IAM::Role').map(r => world.attribute(r, 'Arn')));
    const named = world.ofType('AWS::KMS::Key').flatMap(key => (world.properties(key).KeyPolicy.Statement as any[])
      .flatMap(s => [s.Principal?.AWS].flat().filter((p: unknown) => typeof p === 'string' && roleArns.has(p)).map((p: string) => `${key.path ?? key.logicalId}: ${p}`)));
    expect(named).toEqual([]);
  });
});
