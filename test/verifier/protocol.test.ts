import { ALL_RESOURCES, CONTEXT, DB_CLUSTER, DB_INSTANCE, KEY_ARN, OTHER_KEY_ARN, QUEUE, SCHEDULE, STREAM, TARGET_RESOURCES, TOPIC } from './support/aws';
import { properties } from './support/events';
import { KeyPolicyStatements } from '../../src/key/statements';
import { parseProperties, physicalResourceId, VERIFICATION_CONTEXT_KEY, VerificationRequest } from '../../src/verifier/protocol';

function parsed(overrides: Record<string, unknown> = {}): VerificationRequest {
  const result = parseProperties(properties(overrides));
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.request;
}

describe('the contract', () => {
  test('the handler uses the encryption-context key the verifier key-policy statements allow', () => {
    expect(VERIFICATION_CONTEXT_KEY).toBe(KeyPolicyStatements.VERIFICATION_CONTEXT_KEY);
  });

  test('valid properties parse into a request', () => {
    expect(parsed({ Resources: ALL_RESOURCES, TimeoutSeconds: '90', CheckRotation: 'false' })).toEqual({
      keyArn: KEY_ARN,
      context: CONTEXT,
      contextValue: CONTEXT[VERIFICATION_CONTEXT_KEY],
      checkRotation: false,
      resources: ALL_RESOURCES,
      timeoutSeconds: 90,
    });
  });

  test('flags may also arrive as booleans (a direct invocation)', () => {
    const request = parsed({ CheckRotation: true, Resources: [{ ...DB_INSTANCE, ExpectMasterUserSecret: false, ExpectPerformanceInsights: true }] });
    expect(request.checkRotation).toBe(true);
    expect(request.resources).toEqual([{ ...DB_INSTANCE, ExpectMasterUserSecret: 'false', ExpectPerformanceInsights: 'true' }]);
  });

  test('multi-Region keys and other partitions are full key ARNs', () => {
    expect(parsed({ KeyArn: 'arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab' }).keyArn)
      .toBe('arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab');
  });

  test('a queue is named by its URL, a topic and a stream by their ARNs', () => {
    expect(parsed({ Resources: TARGET_RESOURCES }).resources).toEqual([QUEUE, TOPIC, STREAM]);
    expect(parseProperties(properties({ Resources: [{ Type: 'AWS::SQS::Queue', QueueName: 'billing' }, { Type: 'AWS::SNS::Topic' }, { Type: 'AWS::Kinesis::Stream', StreamName: 'records' }] })))
      .toEqual({
        ok: false,
        problems: ['Resources[0] (AWS::SQS::Queue) is missing QueueUrl', 'Resources[1] (AWS::SNS::Topic) is missing TopicArn', 'Resources[2] (AWS::Kinesis::Stream) is missing StreamArn'],
      });
  });

  test('every problem is reported, not just the first', () => {
    const result = parseProperties({ KeyArn: '', VerificationContext: {}, CheckRotation: 'maybe', Resources: [null], TimeoutSeconds: '-1' });
    expect(result).toEqual({
      ok: false,
      problems: [
        'KeyArn is missing',
        'VerificationContext must have exactly one entry ("cdk-encrypted-constructs:verification"), got 0: ""',
        'CheckRotation must be "true" or "false", got "maybe"',
        'Resources[0] must be an object with a Type',
        'TimeoutSeconds must be a positive number of seconds, got "-1"',
      ],
    });
  });
});

describe('physical resource id', () => {
  test('is stable: the same for the same key, construct and resources in any order or repetition', () => {
    const id = physicalResourceId(parsed({ Resources: ALL_RESOURCES }));
    expect(id).toMatch(new RegExp(`^encryption-verification:${KEY_ARN}:[0-9a-f]{12}$`));
    expect(physicalResourceId(parsed({ Resources: [...ALL_RESOURCES].reverse() }))).toBe(id);
    expect(physicalResourceId(parsed({ Resources: [...ALL_RESOURCES, SCHEDULE] }))).toBe(id);
  });

  test('of a verification that checks no DB cluster is what it was before DB clusters could be verified', () => {
    // Pinned: a change of the id replaces the custom resource in users' stacks.
    const withoutCluster = ALL_RESOURCES.filter(r => r !== DB_CLUSTER);
    expect(physicalResourceId(parsed({ Resources: withoutCluster }))).toBe(`encryption-verification:${KEY_ARN}:4e76214c5747`);
  });

  test('of a verification of rule targets changes with any of them, and not with their order', () => {
    const id = physicalResourceId(parsed({ Resources: TARGET_RESOURCES }));
    expect(physicalResourceId(parsed({ Resources: [...TARGET_RESOURCES].reverse() }))).toBe(id);
    expect(physicalResourceId(parsed({ Resources: [QUEUE, TOPIC] }))).not.toBe(id);
    expect(physicalResourceId(parsed({ Resources: [QUEUE, TOPIC, { ...STREAM, StreamArn: `${STREAM.StreamArn}-2` }] }))).not.toBe(id);
  });

  test('a DB cluster and a DB instance of the same identifier are different resources', () => {
    expect(physicalResourceId(parsed({ Resources: [{ ...DB_CLUSTER, Identifier: 'orders' }] })))
      .not.toBe(physicalResourceId(parsed({ Resources: [{ ...DB_INSTANCE, Identifier: 'orders' }] })));
  });

  test('does not change when only what is checked of a DB instance changes', () => {
    const a = physicalResourceId(parsed({ Resources: [DB_INSTANCE] }));
    const b = physicalResourceId(parsed({ Resources: [{ ...DB_INSTANCE, ExpectPerformanceInsights: 'false' }], CheckRotation: 'false', TimeoutSeconds: '30' }));
    expect(b).toBe(a);
  });

  test('changes with the key, the construct path or the resources', () => {
    const id = physicalResourceId(parsed({ Resources: [SCHEDULE] }));
    expect(physicalResourceId(parsed({ Resources: [SCHEDULE], KeyArn: OTHER_KEY_ARN }))).not.toBe(id);
    expect(physicalResourceId(parsed({ Resources: [SCHEDULE], VerificationContext: { [VERIFICATION_CONTEXT_KEY]: 'Other/Path' } }))).not.toBe(id);
    expect(physicalResourceId(parsed({ Resources: [{ ...SCHEDULE, Name: 'other' }] }))).not.toBe(id);
  });
});
