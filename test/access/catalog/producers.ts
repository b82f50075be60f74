/**
 * Producers in other accounts putting events on an encrypted bus: the bus policy admits the organization's principals
 * (`aws:PrincipalOrgID`) or the named accounts, each producer's own IAM policy must allow `events:PutEvents` too, and
 * EventBridge (not the producer) encrypts the event under the bus's key.
 */
import { keyByArn, pathsFor } from './common';
import { DOCS } from './docs';
import { externalRole, NamedPolicy } from '../evaluator';
import { DeployedResource, DeployedWorld } from '../world';
import { AccessPath, Catalog, subjectOf } from './types';

/** A role of an account of the organization that the templates do not name, and an organization that is not it. */
const ORGANIZATION_MEMBER = '555566667777';
const ANOTHER_ORGANIZATION = 'o-0therorg000';

/** Who the bus policies of the world admit, per bus: organization ids and account ids. */
function producersOf(world: DeployedWorld, bus: DeployedResource): { statements: number; organizations: string[]; accounts: string[] } {
  const busName = world.nameOf(bus);
  const busArn = world.attribute(bus, 'Arn');
  let statements = 0;
  const organizations: string[] = [];
  const accounts: string[] = [];
  for (const policy of world.ofType('AWS::Events::EventBusPolicy')) {
    const props = world.properties(policy);
    if ((props.EventBusName ?? 'default') !== busName || props.Statement === undefined) continue;
    const statement = props.Statement;
    if (statement.Effect !== 'Allow' || ![statement.Action].flat().includes('events:PutEvents') || statement.Resource !== busArn) continue;
    statements++;
    const orgIds = statement.Condition?.StringEquals?.['aws:PrincipalOrgID'];
    if (statement.Principal === '*' && orgIds) organizations.push(...[orgIds].flat());
    const roots = [statement.Principal?.AWS ?? []].flat().map((p: string) => /^arn:[^:]+:iam::(\d{12}):root$/.exec(p)?.[1]).filter((a): a is string => !!a);
    accounts.push(...roots);
  }
  return { statements, organizations, accounts };
}

/** The producer's own IAM policy: `events:PutEvents` on the bus (both sides must allow across accounts). */
function putEventsPolicy(busArn: string): NamedPolicy {
  return { name: 'producer PutEvents', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: busArn }] } };
}

export const producersCatalog: Catalog = (world, principals) => {
  const out: AccessPath[] = [];
  const events = principals.service('events.amazonaws.com');
  for (const bus of world.ofType('AWS::Events::EventBus')) {
    const { statements, organizations, accounts } = producersOf(world, bus);
    if (statements === 0) continue;
    const path = pathsFor(subjectOf(bus));
    const busArn = world.attribute(bus, 'Arn');
    const partition = bus.partition;
    const otherBusArn = busArn.replace(/event-bus\/.*$/, 'event-bus/another-bus');
    const producers: Array<{ account: string; context: Record<string, string> }> = [];

    for (const organization of organizations) {
      const member = externalRole(`a producer role of ${ORGANIZATION_MEMBER}, an account of ${organization}`,
        `arn:${partition}:iam::${ORGANIZATION_MEMBER}:role/Producer`, [putEventsPolicy(busArn)]);
      const inOrganization = { 'aws:PrincipalOrgID': organization };
      producers.push({ account: ORGANIZATION_MEMBER, context: inOrganization });
      out.push(
        path('runtime', `${member.label} puts events on the bus`, member, 'events:PutEvents', busArn, 'Allowed', DOCS.eventBusOrganizationProducers, inOrganization),
        path('negative', `${member.label} cannot put events without PutEvents in its own IAM policy`, { ...member, identityPolicies: [] }, 'events:PutEvents', busArn, 'Denied',
          DOCS.crossAccountIdentityPolicy, inOrganization),
        path('negative', `${member.label} cannot put events on another bus of the account`, member, 'events:PutEvents', otherBusArn, 'Denied', DOCS.eventBusOrganizationProducers, inOrganization),
      );
    }
    for (const account of accounts) {
      const producer = externalRole(`a producer role of the named account ${account}`, `arn:${partition}:iam::${account}:role/Producer`, [putEventsPolicy(busArn)]);
      producers.push({ account, context: {} });
      out.push(
        path('runtime', `${producer.label} puts events on the bus`, producer, 'events:PutEvents', busArn, 'Allowed', DOCS.eventBusAccountProducers),
        path('negative', `${producer.label} cannot put events without PutEvents in its own IAM policy`, { ...producer, identityPolicies: [] }, 'events:PutEvents', busArn, 'Denied',
          DOCS.crossAccountIdentityPolicy),
      );
    }
    // Whatever the policies say, an outsider (an account neither named nor of the organization) is refused.
    if (!accounts.includes(principals.outsider.account)) {
      out.push(
        path('negative', `${principals.outsider.label}, of another organization and not named, cannot put events on the bus`, principals.outsider, 'events:PutEvents', busArn,
          'Denied', DOCS.eventBusOrganizationProducers, { 'aws:PrincipalOrgID': ANOTHER_ORGANIZATION }),
        path('negative', `${principals.outsider.label}, of no organization and not named, cannot put events on the bus`, principals.outsider, 'events:PutEvents', busArn,
          'Denied', DOCS.eventBusAccountProducers),
      );
    }

    // EventBridge encrypts each producer's event under the bus's key with the statements it has for the bus; which
    // source it names for an event of another account is not documented, so both are uncertain. The producer itself
    // never uses the key.
    const key = keyByArn(world, world.properties(bus).KmsKeyIdentifier);
    if (!key) continue;
    const keyArn = world.attribute(key, 'Arn');
    const context = { 'kms:EncryptionContext:aws:events:event-bus:arn': busArn };
    for (const { account, context: producerContext } of producers) {
      const source = { ...context, 'aws:SourceArn': busArn, 'aws:SourceAccount': account };
      out.push(
        path('runtime', `EventBridge encrypts an event put by a producer of ${account}`, events, 'kms:GenerateDataKey', keyArn, 'Allowed', DOCS.eventBusEncryptsForProducers,
          source, ['aws:SourceArn', 'aws:SourceAccount']),
        path('runtime', `EventBridge decrypts an event put by a producer of ${account} to match and deliver it`, events, 'kms:Decrypt', keyArn, 'Allowed', DOCS.eventBusEncryptsForProducers,
          source, ['aws:SourceArn', 'aws:SourceAccount']),
      );
      const producer = externalRole(`a producer role of ${account}`, `arn:${partition}:iam::${account}:role/Producer`, [
        { name: 'admin', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } },
      ]);
      for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
        out.push(path('negative', `${producer.label} cannot use the bus key itself, even with every IAM permission`, producer, action, keyArn, 'Denied', DOCS.kmsCrossAccount,
          { ...context, ...producerContext }));
      }
    }
  }
  return out;
};
