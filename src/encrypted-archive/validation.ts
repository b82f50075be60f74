import { Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { validateBusLogging } from './bus-logging';
import { EncryptedArchiveProps } from './props';
import { checkEncryptionKey } from '../encrypted-resource/key-checks';
import { claimPhysicalName } from '../internal/physical-names';
import { PropValidator } from '../internal/validation';
import { ARCHIVE_FACTS } from '../services/events/archive-facts';
import { eventPatternProblem } from '../services/events/event-pattern';

/** Every prop error at once, naming the construct path, the prop, what was given and what is allowed. */
export function validateArchiveProps(scope: Construct, props: EncryptedArchiveProps): void {
  const v = new PropValidator(scope);
  // JavaScript callers: the props object (all props are optional) and no null
  if (!v.props(props, {})) v.throwIfInvalid();
  const renderedPattern = props.eventPattern ? renderEventPattern(scope, props.eventPattern) : undefined;
  v.check(!(props.eventBus && props.eventBusName !== undefined), 'eventBusName', props.eventBusName,
    'must not be given together with eventBus: it names a bus the construct creates');
  v.check(!(props.eventBus && props.deadLetterQueue), 'deadLetterQueue', 'a queue',
    'must not be given together with eventBus: the construct can set the dead-letter queue only of a bus it creates (set it on your bus)', false);
  // https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html (a disabled key: KMSDisabledException)
  v.check(props.encryptionKey === undefined || props.alarmTopic?.masterKey === undefined || props.alarmTopic.masterKey !== props.encryptionKey, 'alarmTopic',
    props.alarmTopic?.node.path, 'must not be encrypted with the bus key (encryptionKey): the dead-letter alarm fires when that key fails, and SNS cannot publish with a failed key; '
    + 'use a topic on another key, or omit alarmTopic', false);
  if (props.deadLetterQueue) {
    v.check(!props.deadLetterQueue.fifo, 'deadLetterQueue', props.deadLetterQueue.node.path,
      'must be a standard queue: EventBridge cannot use a FIFO queue as a dead-letter queue');
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-event-bus-dlq.html
    v.check(props.encryptionKey === undefined || props.deadLetterQueue.encryptionMasterKey !== props.encryptionKey, 'deadLetterQueue', props.deadLetterQueue.node.path,
      'must not be encrypted with the bus key (encryptionKey): EventBridge sends it the events it cannot encrypt because that key is disabled or missing, '
      + 'and SQS cannot encrypt with that key then either; use a queue on another key, or omit deadLetterQueue', false);
  }
  v.name('eventBusName', props.eventBusName, ARCHIVE_FACTS.namePattern, ARCHIVE_FACTS.busNameMaxLength, ARCHIVE_FACTS.nameCharacters);
  v.check(props.eventBusName !== ARCHIVE_FACTS.defaultBusName, 'eventBusName', props.eventBusName,
    'must not be "default": the default bus exists in every account and cannot be created; archive it with eventBus: EventBus.fromEventBusName(this, \'Default\', \'default\')');
  if (props.eventBusName !== undefined && !Token.isUnresolved(props.eventBusName)) {
    v.check(!props.eventBusName.startsWith(ARCHIVE_FACTS.reservedBusPrefix), 'eventBusName', props.eventBusName,
      'must not start with "aws." (reserved for partner event buses)');
  }
  v.name('archiveName', props.archiveName, ARCHIVE_FACTS.namePattern, ARCHIVE_FACTS.archiveNameMaxLength, ARCHIVE_FACTS.nameCharacters);
  // two constructs of one stack deploying the same bus or archive: CloudFormation fails on the second
  claimPhysicalName(v, scope, 'eventBusName', 'EventBridge event bus', props.eventBus ? undefined : props.eventBusName);
  claimPhysicalName(v, scope, 'archiveName', 'EventBridge archive', props.archiveName);
  checkEncryptionKey(v, scope, props);
  if (props.description !== undefined && !Token.isUnresolved(props.description)) {
    v.check(props.description.length <= ARCHIVE_FACTS.descriptionMaxLength, 'description', `${props.description.length} characters`,
      `must be at most ${ARCHIVE_FACTS.descriptionMaxLength} characters`, false);
  }
  const days = props.retention?.toDays({ integral: false });
  if (days !== undefined && !Token.isUnresolved(days)) {
    v.check(Number.isInteger(days) && days >= 0 && days <= ARCHIVE_FACTS.maxRetentionDays, 'retention', `${days} days`,
      `must be a whole number of days from 0 (keep events indefinitely) to ${ARCHIVE_FACTS.maxRetentionDays}`, false);
  }
  if (props.eventPattern !== undefined) {
    const problem = eventPatternProblem(renderedPattern);
    v.check(problem === undefined, 'eventPattern', truncate(JSON.stringify(renderedPattern)),
      `must be a valid EventBridge event pattern (${problem}); omit it to archive every event`, false);
    const length = JSON.stringify(renderedPattern)?.length ?? 0;
    v.check(length <= ARCHIVE_FACTS.maxEventPatternLength, 'eventPattern', `${length} characters of JSON`,
      `must be at most ${ARCHIVE_FACTS.maxEventPatternLength} characters of JSON, the most AWS::Events::Archive accepts`, false);
  }
  if (props.eventBus !== undefined && (typeof props.eventBus !== 'object' || typeof props.eventBus.env !== 'object')) {
    v.check(false, 'eventBus', typeof props.eventBus, 'must be an events.IEventBus (e.g. EventBus.fromEventBusName(this, \'Bus\', \'orders\'))', false);
  } else if (props.eventBus) {
    const stack = Stack.of(scope);
    const { account, region } = props.eventBus.env;
    const differs = (a: string, b: string) => !Token.isUnresolved(a) && !Token.isUnresolved(b) && a !== b;
    v.check(!differs(account, stack.account) && !differs(region, stack.region), 'eventBus', `a bus in ${account}/${region}`,
      `must be in the stack's account and region (${stack.account}/${stack.region}): an archive receives events only from a bus of its own account and region`, false);
  }
  validateBusLogging(v, scope, props.logging, props.eventBus !== undefined, props.encryptionKey);
  v.throwIfInvalid();
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

/** The event pattern as CloudFormation will see it (`detailType` → `detail-type`, `Match` tokens resolved). */
export function renderEventPattern(scope: Construct, pattern: events.EventPattern): unknown {
  const out: { [key: string]: unknown } = {};
  for (const [key, value] of Object.entries(pattern)) {
    if (value !== undefined) out[key === 'detailType' ? 'detail-type' : key] = value;
  }
  return Stack.of(scope).resolve(out);
}
