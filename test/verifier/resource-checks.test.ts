import { RDSClient } from '@aws-sdk/client-rds';
import { CONSTRUCT_PATH, CONTEXT, KEY_ARN, OTHER_KEY_ARN, policy } from './support/aws';
import { checkDbInstance } from '../../src/verifier/resource-checks';
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
