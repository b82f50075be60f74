import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';
import { ApiDestinationTargetOptions } from './api-destination-target-options';
import { watchChannelKey } from '../audit/audit-key';
import { formatArn, stackEnvironment } from '../internal/arns';
import { PropValidator } from '../internal/validation';
import { addKeyStatements } from '../key/key-policy';
import { KeyPolicyStatements } from '../key/statements';
import { alarmOnRuleDeliveryFailures } from '../stack/alarm-topic';

/** The id of the role (child of the API destination) that EventBridge assumes to invoke it. */
export const INVOKE_ROLE_ID = 'InvokeRole';
/** The id of that role's customer managed policy (child of the API destination). */
export const INVOKE_POLICY_ID = 'InvokePolicy';

/** RetryPolicy limits (API reference: MaximumRetryAttempts 0-185, MaximumEventAgeInSeconds 60-86400). */
const MAX_RETRY_ATTEMPTS = 185;
const MIN_EVENT_AGE_SECONDS = 60;
const MAX_EVENT_AGE_SECONDS = 86_400;

/**
 * A rule target for an API destination whose role carries its permission in a customer managed policy, not in the
 * inline default policy `aws-events-targets.ApiDestination` writes (which the HIPAA, NIST and PCI packs of cdk-nag
 * reject as `IAMNoInlinePolicy`).
 *
 * The role (`<destination>/InvokeRole`) and its policy (`<destination>/InvokePolicy`) are created on first bind and
 * shared by every rule that targets the destination through this helper.
 *
 * @param where the path errors name, e.g. `MyStack/Crm.ruleTarget(Orders)`
 */
export function apiDestinationTarget(where: string, connection: events.IConnection, destination: events.IApiDestination,
  options: ApiDestinationTargetOptions): events.IRuleTarget {
  validate(where, connection, destination, options);
  return {
    bind: (rule: events.IRuleRef) => {
      const role = invokeRole(destination);
      if (options.deadLetterQueue) {
        allowDeadLetters(rule, destination, options.deadLetterQueue);
        watchChannelKey(rule, options.deadLetterQueue.encryptionMasterKey);
      }
      // failed deliveries are heard through the stack's alarm topic, not only kept in the dead-letter queue
      if (rule instanceof events.Rule) alarmOnRuleDeliveryFailures(rule, rule.ruleName, `An event for the API destination ${destination.node.path}`);
      const http = options.headerParameters ?? options.pathParameterValues ?? options.queryStringParameters;
      const retry = options.retryAttempts !== undefined || options.maxEventAge !== undefined;
      return {
        arn: destination.apiDestinationArn,
        role,
        input: options.event,
        targetResource: destination,
        httpParameters: http ? {
          headerParameters: options.headerParameters,
          pathParameterValues: options.pathParameterValues,
          queryStringParameters: options.queryStringParameters,
        } : undefined,
        deadLetterConfig: options.deadLetterQueue ? { arn: options.deadLetterQueue.queueArn } : undefined,
        retryPolicy: retry ? {
          maximumRetryAttempts: options.retryAttempts,
          maximumEventAgeInSeconds: options.maxEventAge?.toSeconds({ integral: true }),
        } : undefined,
      };
    },
  };
}

/**
 * The destination's invoke role: trusted by `events.amazonaws.com`, with one customer managed policy that allows
 * `events:InvokeApiDestination` on this destination only.
 *
 * The action and its resource are EventBridge's ("If the target is an API destination, the role you specify must
 * include a policy with the following statement: Effect Allow, Action events:InvokeApiDestination, Resource
 * arn:aws:events:*:*:api-destination/*"), narrowed to the one destination. The service authorization reference names
 * API destinations `api-destination/<name>` (CloudFormation's `ArnForPolicy`), while the ARN EventBridge returns,
 * and targets name, ends in `/<uuid>` (`Arn`): the statement lists both forms, each of which names only this
 * destination.
 *
 * The trust policy checks `aws:SourceAccount` (this account) and `aws:SourceArn` (a rule of this account and region)
 * only when EventBridge presents them (`...IfExists`): EventBridge's confused-deputy page documents both keys for
 * rule targets, the rule ARN for `aws:SourceArn`, but not that they are sent when EventBridge assumes a target's
 * role, and a condition on a key that is not sent would stop every delivery. The exact rule cannot be named: its ARN
 * (`Fn::GetAtt`) in the trust policy of a role the rule names would be a dependency cycle, and the role serves every
 * rule that targets the destination.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-iam-roles.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-apidestination.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html
 */
function invokeRole(destination: events.IApiDestination): iam.IRole {
  const existing = destination.node.tryFindChild(INVOKE_ROLE_ID);
  if (existing) return existing as iam.Role;
  const environment = stackEnvironment(destination);
  const role = new iam.Role(destination, INVOKE_ROLE_ID, {
    description: `EventBridge invokes the API destination ${destination.node.path} (cdk-encrypted-constructs)`,
    assumedBy: new iam.ServicePrincipal('events.amazonaws.com').withConditions({
      StringEqualsIfExists: { 'aws:SourceAccount': environment.account },
      ArnLikeIfExists: { 'aws:SourceArn': formatArn(destination, { service: 'events', resource: 'rule', resourceName: '*' }) },
    }),
  });
  const resources = [destination.apiDestinationArn];
  if (destination.apiDestinationArnForPolicy !== undefined) resources.push(destination.apiDestinationArnForPolicy);
  new iam.ManagedPolicy(destination, INVOKE_POLICY_ID, {
    description: `EventBridge may invoke the API destination ${destination.node.path}, and nothing else`,
    statements: [new iam.PolicyStatement({ sid: 'InvokeThisApiDestination', actions: ['events:InvokeApiDestination'], resources })],
    roles: [role],
  });
  return role;
}

/**
 * Lets EventBridge send the rule's undeliverable events to the queue: the queue-policy statement EventBridge documents
 * (`sqs:SendMessage` for `events.amazonaws.com` with `aws:SourceArn` = the rule), and the key statement for a queue
 * on a customer managed key (EventBridge uses the key as its service principal).
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html#eb-sqs-encrypted
 */
function allowDeadLetters(rule: events.IRuleRef, destination: events.IApiDestination, queue: sqs.IQueue): void {
  const eventBridge = new iam.ServicePrincipal('events.amazonaws.com');
  const send = new iam.PolicyStatement({
    principals: [eventBridge],
    actions: ['sqs:SendMessage'],
    resources: [queue.queueArn],
    conditions: { ArnEquals: { 'aws:SourceArn': events.CfnRule.arnForRule(rule) } },
  });
  if (!queue.addToResourcePolicy(send).statementAdded) {
    const stack = Stack.of(rule);
    const text = JSON.stringify(stack.resolve(send.toStatementJson()), undefined, 2)
      .replace(/\{\s*"Fn::GetAtt":\s*\[[^\]]*\]\s*\}/, `"<ARN of rule ${rule.node.path}>"`);
    Annotations.of(rule).addWarningV2('cdk-encrypted-constructs:dead-letter-queue-policy-not-managed', [
      `The dead-letter queue ${stack.resolve(queue.queueArn)} is not defined in this app, so its policy cannot be edited here.`,
      'Its owner must add this statement to the queue policy, or EventBridge cannot keep the events it fails to deliver to the API destination:',
      text,
    ].join('\n'));
  }
  const key = queue.encryptionMasterKey;
  if (key) {
    // The rule's ARN through Fn::GetAtt would make a cycle (key -> rule -> queue -> key): any rule of this account
    // and region, checked only if EventBridge presents aws:SourceArn (the statement AWS documents has no condition).
    const anyRule = formatArn(destination, { service: 'events', resource: 'rule', resourceName: '*' });
    addKeyStatements(rule, key, [KeyPolicyStatements.queue({ ...stackEnvironment(destination), principals: [eventBridge], sourceArns: [anyRule] })],
      `the dead-letter queue of the rules that target the API destination ${destination.node.path}`);
  }
}

/** The options' checklist: every problem in one error, naming the call. Tokens are left to CloudFormation. */
function validate(where: string, connection: events.IConnection, destination: events.IApiDestination, options: ApiDestinationTargetOptions): void {
  const v = new PropValidator({ node: { path: where } } as IConstruct);
  v.check(typeof destination === 'object' && destination !== null && typeof destination.apiDestinationArn === 'string', 'destination',
    destination === null ? 'null' : typeof destination, 'must be an events.IApiDestination (e.g. the one addApiDestination returns)', false);
  v.check(typeof options === 'object' && options !== null, 'options', String(options), 'must be an object (or omitted)', false);
  v.throwIfInvalid();
  // Only an events.ApiDestination shows its connection; an imported destination is taken on trust.
  if (destination instanceof events.ApiDestination) {
    v.check(destination.connection === connection, 'destination', destination.node.path,
      `uses another connection (${destination.connection.node.path}): build the target with that connection's ruleTarget`, false);
  }
  v.range('retryAttempts', options.retryAttempts, 0, MAX_RETRY_ATTEMPTS);
  const age = options.maxEventAge?.toSeconds({ integral: false });
  if (age !== undefined && !Token.isUnresolved(age)) {
    v.check(Number.isInteger(age) && age >= MIN_EVENT_AGE_SECONDS && age <= MAX_EVENT_AGE_SECONDS, 'maxEventAge', `${age} seconds`,
      `must be a whole number of seconds from ${MIN_EVENT_AGE_SECONDS} to ${MAX_EVENT_AGE_SECONDS} (24 hours)`, false);
  }
  if (options.deadLetterQueue?.fifo) {
    v.check(false, 'deadLetterQueue', options.deadLetterQueue.node.path, 'must be a standard queue: EventBridge cannot use a FIFO queue as a dead-letter queue');
  }
  v.throwIfInvalid();
}
