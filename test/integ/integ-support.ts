/**
 * Shared pieces of the real-account acceptance tests (`integ.*.ts`). Not an integ test itself: integ-runner only picks
 * up files named `integ.*.ts`.
 *
 * Every integ app exports a `build(app, options)` function, so the offline snapshot test
 * (`integ-snapshots.test.ts`) can synthesize it with a fixed account, region and clock, and runs itself when
 * integ-runner executes the file (`node -r ts-node/register test/integ/integ.<name>.ts`).
 */
import { AwsApiCall, ExpectedResult, IApiCall, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Environment, RemovalPolicies, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EncryptionKeyOptions } from '../../src';
import { SharedAlarmTopic } from '../../src/stack/alarm-topic';

/** What an integ app is built with: where it deploys and the clock it reads (fixed in the snapshot test). */
export interface IntegAppOptions {
  /** The test stacks' environment. Deployments take it from the CLI (`CDK_DEFAULT_ACCOUNT`/`CDK_DEFAULT_REGION`). */
  readonly env: Environment;
  /** "Now", for one-time schedules: must be deploy time in a real run, a constant in the snapshot test. */
  readonly now: Date;
}

/** Throwaway keys: deleted (after KMS's minimum 7-day waiting period) when the test stack is destroyed. */
export const DISPOSABLE_KEY: EncryptionKeyOptions = { removalPolicy: RemovalPolicy.DESTROY, pendingWindow: Duration.days(7) };

/** How long the assertions poll for data that arrives asynchronously (inside CloudFormation's 1-hour custom-resource limit). */
export const POLL = { totalTimeout: Duration.minutes(30), interval: Duration.seconds(30) };

/**
 * The longest poll an assertion can run: each assertion is a custom resource, which CloudFormation fails after one hour
 * (`ServiceTimeout`, 1 to 3600 seconds, default 3600:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-customresource.html).
 * integ-tests-alpha's waiter retries the call every `interval` until `totalTimeout`; 50 one-minute waits leave the hour
 * room for the calls themselves (a probe function may take seconds per attempt), so a miss is reported as a failed
 * assertion with the last response, not as a CloudFormation timeout.
 */
export const LONGEST_POLL = { totalTimeout: Duration.minutes(50), interval: Duration.minutes(1) };

/**
 * A queue the tests read from: SQS-managed encryption (so the assertion provider needs no KMS permission and the
 * message it reads is the plaintext the service delivered), deleted with the stack.
 */
export function probeQueue(scope: Construct, id: string): sqs.Queue {
  return new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(1),
    removalPolicy: RemovalPolicy.DESTROY,
  });
}

/** A probe queue subscribed to a topic, receiving the raw message (no SNS envelope). */
export function subscribeProbe(scope: Construct, id: string, topic: sns.ITopic): sqs.Queue {
  const queue = probeQueue(scope, id);
  topic.addSubscription(new subscriptions.SqsSubscription(queue, { rawMessageDelivery: true }));
  return queue;
}

/** What else a message must carry, and how to read it. */
export interface MessageExpectation {
  /** SQS message attributes the message must carry: attribute name to a regular expression on its `StringValue`. */
  readonly attributes?: { readonly [name: string]: string };
  /**
   * The customer managed key the queue is encrypted with: the assertion functions get `kms:Decrypt` on it, only
   * through SQS (their role is the principal; a key with the account-root delegation lets IAM grant it).
   */
  readonly key?: kms.IKey;
}

/**
 * Polls a queue until a message whose body matches `bodyPattern` (a regular expression) is there. Messages stay
 * visible (visibility timeout 0), so a poll never hides a message from the next one.
 */
export function expectMessage(integ: IntegTest, queue: sqs.IQueue, bodyPattern: string, expectation: MessageExpectation = {}): IApiCall {
  const receive = integ.assertions.awsApiCall('SQS', 'receiveMessage', {
    QueueUrl: queue.queueUrl,
    MaxNumberOfMessages: 10,
    WaitTimeSeconds: 10,
    VisibilityTimeout: 0,
    ...(expectation.attributes ? { MessageAttributeNames: ['All'] } : {}),
  });
  const attributes = Object.entries(expectation.attributes ?? {});
  receive.expect(ExpectedResult.objectLike({
    Messages: Match.arrayWith([Match.objectLike({
      Body: Match.stringLikeRegexp(bodyPattern),
      ...(attributes.length > 0 ? {
        MessageAttributes: Match.objectLike(Object.fromEntries(attributes.map(([name, pattern]) => [name, Match.objectLike({ StringValue: Match.stringLikeRegexp(pattern) })]))),
      } : {}),
    })]),
  })).waitForAssertions(POLL);
  if (expectation.key) {
    // Both functions call ReceiveMessage: the first attempt runs in the call's provider, the retries in the waiter's.
    const statement = {
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: [expectation.key.keyArn],
      Condition: { StringEquals: { 'kms:ViaService': `sqs.${Stack.of(queue).region}.amazonaws.com` } },
    };
    receive.provider.addToRolePolicy(statement);
    (receive as AwsApiCall).waiterProvider?.addToRolePolicy(statement);
  }
  return receive;
}

/** `value` as a regular expression that matches exactly it. */
export function literalPattern(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A small function of the test stack written inline (Node.js 24, whose runtime includes the AWS SDK for
 * JavaScript v3: https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html), with a log group deleted with
 * the stack.
 */
export function inlineFunction(scope: Construct, id: string, code: string, environment: { [name: string]: string }): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline(code),
    environment,
    timeout: Duration.seconds(30),
    logGroup: new logs.LogGroup(scope, `${id}Logs`, { retention: logs.RetentionDays.ONE_DAY, removalPolicy: RemovalPolicy.DESTROY }),
  });
}

/**
 * Forces an alarm into ALARM and expects its notification in a probe queue subscribed to the alarm topic: CloudWatch
 * publishes to the topic on the topic's key (the stack's shared alarm topic's, unless the construct was given a topic),
 * through the key statement that keeps `aws:SourceAccount`.
 */
export function expectAlarmNotification(integ: IntegTest, alarm: cloudwatch.IAlarm, probe: sqs.IQueue): IApiCall {
  const setState = integ.assertions.awsApiCall('CloudWatch', 'setAlarmState', {
    AlarmName: alarm.alarmName,
    StateValue: 'ALARM',
    StateReason: 'cdk-encrypted-constructs acceptance test: alarm notification to the encrypted alarm topic',
  });
  return setState.next(expectMessage(integ, probe, 'acceptance test: alarm notification'));
}

/**
 * A test stack whose every resource is deleted with it: the library retains what protects data (keys, dead-letter
 * queues, the alert keys of connections), which in a throwaway stack would only be left behind. Keys still wait out
 * their deletion window (7 days with `DISPOSABLE_KEY`, else 30).
 */
export function throwawayStack(app: App, id: string, options: IntegAppOptions): Stack {
  const stack = new Stack(app, id, { env: options.env });
  RemovalPolicies.of(stack).destroy();
  return stack;
}

/**
 * The IntegTest of one test stack, with its assertion stack in the same account and region (the assertions name the
 * test stack's resources, which CDK refuses across environments).
 */
export function integTest(app: App, id: string, stack: Stack): IntegTest {
  disposeSharedAlarmTopicKey(stack);
  const assertionStack = new Stack(app, `${id}DeployAssert`, { env: { account: stack.account, region: stack.region } });
  return new IntegTest(app, id, { testCases: [stack], assertionStack, regions: [stack.region] });
}

/**
 * The stack's shared alarm topic key (`EncryptedConstructsAlarmTopic/Key`, retained by default like every library key)
 * is deleted with the test stack, as the constructs' own keys are (`DISPOSABLE_KEY`).
 */
function disposeSharedAlarmTopicKey(stack: Stack): void {
  const key = stack.node.tryFindChild(SharedAlarmTopic.ID)?.node.tryFindChild('Key');
  if (key instanceof kms.Key) {
    key.applyRemovalPolicy(RemovalPolicy.DESTROY);
    (key.node.defaultChild as kms.CfnKey).pendingWindowInDays = DISPOSABLE_KEY.pendingWindow!.toDays();
  }
}

/** Runs the integ app when integ-runner (or `cdk synth --app`) executes the file, with the CLI's account and region. */
export function runWhenMain(mod: NodeModule, build: (app: App, options: IntegAppOptions) => IntegTest): void {
  if (require.main !== mod) return;
  const app = new App();
  build(app, {
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    now: new Date(),
  });
  app.synth();
}

/** A throwaway API key in Secrets Manager (child `ApiKey`): only a dynamic reference to it reaches the template. */
export function throwawayApiKey(stack: Stack): secretsmanager.Secret {
  return new secretsmanager.Secret(stack, 'ApiKey', {
    description: 'cdk-encrypted-constructs acceptance test: a throwaway API key',
    generateSecretString: { excludePunctuation: true, passwordLength: 32 },
    removalPolicy: RemovalPolicy.DESTROY,
  });
}
