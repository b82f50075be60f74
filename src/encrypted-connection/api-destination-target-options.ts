import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as sqs from 'aws-cdk-lib/aws-sqs';

/**
 * Options of the rule target that `EncryptedConnection.ruleTarget` returns: what EventBridge sends to the API
 * destination, and what it does with events it cannot deliver.
 */
export interface ApiDestinationTargetOptions {
  /**
   * The request body EventBridge sends for each matching event.
   *
   * @default - the whole event
   */
  readonly event?: events.RuleTargetInput;

  /**
   * Header parameters added to each request, on top of the connection's (the connection's win when both name a
   * header). Plain text in the template: secrets belong on the connection.
   *
   * @default - none
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_HttpParameters.html
   */
  readonly headerParameters?: { [name: string]: string };

  /**
   * Values for the `*` wildcards of the destination's endpoint path, in order.
   *
   * @default - none
   */
  readonly pathParameterValues?: string[];

  /**
   * Query-string parameters added to each request, on top of the connection's. Plain text in the template.
   *
   * @default - none
   */
  readonly queryStringParameters?: { [name: string]: string };

  /**
   * Where EventBridge puts events it could not deliver once the retries are spent: a standard SQS queue in the rule's
   * account and region.
   *
   * The queue's policy gets a statement that lets `events.amazonaws.com` send only for the rule it is bound to. A
   * queue encrypted with a customer managed key needs that key to let EventBridge use it: the statement is added to
   * a key of this stack, and printed in a `cdk-encrypted-constructs:key-policy-statements-required` warning for any other that lacks it.
   * A queue on the AWS managed key `alias/aws/sqs` cannot work (its policy cannot be changed).
   *
   * @default - no dead-letter queue: events that fail every retry are dropped
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
   */
  readonly deadLetterQueue?: sqs.IQueue;

  /**
   * How many times EventBridge retries a failed delivery (0 to 185).
   *
   * @default - EventBridge's default, 185
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html
   */
  readonly retryAttempts?: number;

  /**
   * How long EventBridge keeps retrying an event (60 seconds to 24 hours, in whole seconds).
   *
   * @default - EventBridge's default, 24 hours
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html
   */
  readonly maxEventAge?: Duration;
}
