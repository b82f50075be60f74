import { RDSClient } from '@aws-sdk/client-rds';
import { CONSTRUCT_PATH, CONTEXT, HEALTHY_KEY, KEY_ARN, OTHER_KEY_ARN, policy, QUEUE_URL, STREAM_ARN, TOPIC_ARN } from './support/aws';
import { checkDbInstance, checkQueue, checkStream, checkTopic } from '../../src/verifier/resource-checks';
import { createSession, VerifierClients } from '../../src/verifier/session';

describe('outcomes', () => {
  test('a failed check keeps every problem and its fix whole, however long its detail', async () => {
    const identifier = 'orders-db-with-the-longest-identifier-rds-allows-sixty-three-ch';
    const rds = {
      send: async () => ({
        DBInstances: [{ StorageEncrypted: true, KmsKeyId: OTHER_KEY_ARN, MasterUserSecret: { KmsKeyId: OTHER_KEY_ARN }, PerformanceInsightsEnabled: false }],
      }),
    } as unknown as RDSClient;
    const request = { keyArn: KEY_ARN, context: CONTEXT, contextValue: CONSTRUCT_PATH, checkRotation: false, resources: [] };
    const session = createSession({ rds } as unknown as VerifierClients, request, policy());

    const outcome = await checkDbInstance(session, identifier, true, true);

    const problems = [
      { what: `the DB instance ${identifier}'s storage names key ${OTHER_KEY_ARN}, expected ${KEY_ARN}`, fix: 'set KmsKeyId to the key (changing it replaces the instance)' },
      { what: `the DB instance ${identifier}'s master user secret names key ${OTHER_KEY_ARN}, expected ${KEY_ARN}`, fix: 'set MasterUserSecret.KmsKeyId to the key' },
      { what: `the DB instance ${identifier} has Performance Insights off`, fix: 'enable it with PerformanceInsightsKMSKeyId set to the key' },
    ];
    expect(outcome).toEqual({
      name: `DB instance ${identifier}`,
      passed: false,
      detail: problems.map(p => `${p.what}: ${p.fix}`).join('; '),
      problems,
    });
    expect(outcome.detail.length).toBeGreaterThan(700);
  });
});

describe('rule targets', () => {
  test('a queue, a topic and a stream that name the key by one alias share one DescribeKey of it', async () => {
    const sent: string[] = [];
    const client = (answer: object) => ({
      send: async (command: { constructor: { name: string }; input: { KeyId?: string } }) => {
        sent.push(`${command.constructor.name}${command.input.KeyId ? ` ${command.input.KeyId}` : ''}`);
        return answer;
      },
    });
    const clients = {
      kms: client({ KeyMetadata: HEALTHY_KEY }),
      sqs: client({ Attributes: { KmsMasterKeyId: 'alias/orders' } }),
      sns: client({ Attributes: { KmsMasterKeyId: 'alias/orders' } }),
      kinesis: client({ StreamDescriptionSummary: { EncryptionType: 'KMS', KeyId: 'alias/orders' } }),
    } as unknown as VerifierClients;
    const request = { keyArn: KEY_ARN, context: CONTEXT, contextValue: CONSTRUCT_PATH, checkRotation: false, resources: [] };
    const session = createSession(clients, request, policy());

    const outcomes = await Promise.all([checkQueue(session, QUEUE_URL), checkTopic(session, TOPIC_ARN), checkStream(session, STREAM_ARN)]);

    expect(outcomes.map(o => o.passed)).toEqual([true, true, true]);
    expect(sent.sort()).toEqual(['DescribeKeyCommand alias/orders', 'DescribeStreamSummaryCommand', 'GetQueueAttributesCommand', 'GetTopicAttributesCommand']);
  });
});
