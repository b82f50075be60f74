import { Lazy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { shortHash, stackEnvironment } from '../internal/arns';
import { PropValidationError } from '../internal/validation';
import { policyCharacters } from '../quotas/quota-guards';
import {
  accountProducersStatement, BUS_POLICY_FACTS, BusPolicyStatement, organizationProducersStatement,
} from '../services/events/bus-policy';
import { ACCOUNT_ID, ORGANIZATION_ID } from '../services/organizations/ids';

/** The archive's bus, as the producer steps see it. */
export interface ProducerBus extends Construct {
  readonly eventBus: events.IEventBus;
  readonly eventBusName: string;
  /** Built from the name: a literal whenever the name and the stack's environment are known. */
  readonly eventBusArn: string;
  readonly eventBusCreated: boolean;
}

/** Who may put events on the bus from other accounts: one statement (and one policy resource) per kind. */
type Kind = 'organization' | 'accounts';
const CHILD_IDS: Record<Kind, string> = { organization: 'PutEventsFromOrganization', accounts: 'PutEventsFromAccounts' };

interface Producers {
  readonly organizationIds: string[];
  readonly accountIds: string[];
  readonly policies: Partial<Record<Kind, events.CfnEventBusPolicy>>;
}
const producersOf = new WeakMap<ProducerBus, Producers>();

/**
 * `EncryptedArchive.allowPutEventsFromOrganization`: the organization joins the bus policy's organization statement
 * (created on the first call, one `aws:PrincipalOrgID` value per organization after that).
 */
export function allowOrganization(archive: ProducerBus, organizationId: string): void {
  const where = 'allowPutEventsFromOrganization';
  const errors: string[] = [];
  if (typeof organizationId !== 'string') {
    errors.push(`organizationId: got ${typeof organizationId}; must be an organization id such as "o-a1b2c3d4e5"`);
  } else if (!Token.isUnresolved(organizationId) && !ORGANIZATION_ID.test(organizationId)) {
    errors.push(`organizationId: got ${JSON.stringify(organizationId)}; must be "o-" followed by 10 to 32 lowercase letters or digits (AWS Organizations)`);
  }
  throwIfAny(archive, where, errors);
  const producers = editableProducers(archive, where, 'organization', [organizationId]);
  if (!producers.organizationIds.includes(organizationId)) producers.organizationIds.push(organizationId);
  policyFor(archive, producers, 'organization');
}

/**
 * `EncryptedArchive.allowPutEventsFromAccounts`: the accounts join the bus policy's account statement (created on the
 * first call, one account root per account after that).
 */
export function allowAccounts(archive: ProducerBus, accountIds: string[]): void {
  const where = 'allowPutEventsFromAccounts';
  const errors: string[] = [];
  const ownAccount = Stack.of(archive).account;
  if (!Array.isArray(accountIds) || accountIds.length === 0) {
    errors.push(`accountIds: got ${Array.isArray(accountIds) ? 'an empty list' : typeof accountIds}; must list at least one 12-digit account id`);
  } else {
    accountIds.forEach((account, i) => {
      if (typeof account !== 'string') {
        errors.push(`accountIds[${i}]: got ${typeof account}; must be a 12-digit account id`);
      } else if (!Token.isUnresolved(account) && !ACCOUNT_ID.test(account)) {
        errors.push(`accountIds[${i}]: got ${JSON.stringify(account)}; must be an AWS account id: exactly 12 digits`);
      } else if (!Token.isUnresolved(account) && !Token.isUnresolved(ownAccount) && account === ownAccount) {
        errors.push(`accountIds[${i}]: got ${JSON.stringify(account)}; is the bus's own account, whose principals need no bus policy: `
          + 'grant them with eventBus.grantPutEventsTo(role); list only other accounts');
      }
    });
  }
  throwIfAny(archive, where, errors);
  const producers = editableProducers(archive, where, 'accounts', accountIds);
  for (const account of accountIds) {
    if (!producers.accountIds.includes(account)) producers.accountIds.push(account);
  }
  policyFor(archive, producers, 'accounts');
}

/**
 * The producers of a bus whose policy this stack can write: the bus the archive created, or a bus of this stack given
 * as `eventBus` whose L1 sets no `Policy` (that property writes the bus's whole policy and would erase the statements
 * written here on its next update). For any other bus the statement is the bus owner's to add: the error shows it.
 */
function editableProducers(archive: ProducerBus, where: string, kind: Kind, values: string[]): Producers {
  const existing = producersOf.get(archive);
  if (existing) return existing;
  const bus = archive.eventBus;
  const stack = Stack.of(archive);
  const cfn = bus.node.defaultChild;
  const inThisStack = archive.eventBusCreated
    || (Resource.isOwnedResource(bus) && Stack.of(bus) === stack && cfn instanceof events.CfnEventBus);
  // the library's argument error, naming the prop that gave the bus (a bus the archive creates is always editable)
  if (!inThisStack) {
    const statement = statementOf(archive, kind, values, statementIdOf(archive, kind), archive.eventBusArn);
    throwIfAny(archive, where, [`eventBus: got the event bus ${shown(archive)}, which is not defined in this stack, so its policy cannot be `
      + `edited here; add this statement to the bus policy where the bus is defined (aws events put-permission --event-bus-name ${shown(archive)} --policy '<statement>'):\n`
      + JSON.stringify(stack.resolve(statement), undefined, 2)]);
  }
  if (!archive.eventBusCreated && (cfn as events.CfnEventBus).policy !== undefined) {
    throwIfAny(archive, where, [`eventBus: got the event bus ${shown(archive)}, which sets its whole policy (Policy on AWS::Events::EventBus), `
      + 'and that Policy replaces every statement an AWS::Events::EventBusPolicy adds on the next update of the bus; add the producers\' statement to it instead']);
  }
  const producers: Producers = { organizationIds: [], accountIds: [], policies: {} };
  producersOf.set(archive, producers);
  archive.node.addValidation({ validate: () => policySizeErrors(archive, producers) });
  return producers;
}

/** The kind's `AWS::Events::EventBusPolicy`, created on first use; its statement lists every value at synthesis. */
function policyFor(archive: ProducerBus, producers: Producers, kind: Kind): events.CfnEventBusPolicy {
  let policy = producers.policies[kind];
  if (!policy) {
    const statementId = statementIdOf(archive, kind);
    const values = kind === 'organization' ? producers.organizationIds : producers.accountIds;
    policy = new events.CfnEventBusPolicy(archive, CHILD_IDS[kind], {
      // the bus's Ref and GetAtt: the policy is written after the bus exists
      eventBusName: archive.eventBus.eventBusName,
      statementId,
      statement: Lazy.any({ produce: () => statementOf(archive, kind, values, statementId, archive.eventBus.eventBusArn) }),
    });
    producers.policies[kind] = policy;
  }
  return policy;
}

function statementOf(archive: ProducerBus, kind: Kind, values: string[], sid: string, eventBusArn: string): BusPolicyStatement {
  return kind === 'organization'
    ? organizationProducersStatement(sid, eventBusArn, values)
    : accountProducersStatement(sid, eventBusArn, stackEnvironment(archive).partition, values);
}

/**
 * The statement id: the kind and a hash of the bus's name. CloudFormation takes the statement id as the policy's
 * physical id, unique in the account and region, so it must differ from bus to bus; a bus's name is unique in the
 * account and region (one whose name is known only at deploy time adds the stack name).
 */
function statementIdOf(archive: ProducerBus, kind: Kind): string {
  const stack = Stack.of(archive);
  const name = stack.resolve(archive.eventBusName);
  const identity = typeof name === 'string' ? name : `${stack.stackName}/${JSON.stringify(name)}`;
  const id = `${CHILD_IDS[kind]}-${shortHash(identity)}`;
  if (!BUS_POLICY_FACTS.statementIdPattern.test(id)) throw new Error(`internal: statement id ${id} does not match ${BUS_POLICY_FACTS.statementIdPattern}`);
  return id;
}

/** The statements written here must fit in the bus policy ("cannot exceed 10 KB"), with room left for the rest. */
function policySizeErrors(archive: ProducerBus, producers: Producers): string[] {
  const bytes = Object.values(producers.policies).reduce((sum, policy) => sum + policyCharacters(archive, policy!.statement), 0);
  return bytes <= BUS_POLICY_FACTS.policyBytes ? [] : [
    `the producers' statements of the event bus ${shown(archive)} are about ${bytes} bytes; EventBridge accepts at most ${BUS_POLICY_FACTS.policyBytes} bytes of bus policy `
    + '(10 KB). Grant an organization (allowPutEventsFromOrganization) instead of many accounts',
  ];
}

function shown(archive: ProducerBus): string {
  return Token.isUnresolved(archive.eventBusName) ? '<bus name>' : archive.eventBusName;
}

function throwIfAny(archive: ProducerBus, where: string, errors: string[]): void {
  if (errors.length > 0) throw new PropValidationError(`invalid arguments for ${archive.node.path}.${where}:\n${errors.map(e => `  - ${e}`).join('\n')}`);
}
