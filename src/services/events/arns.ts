/**
 * EventBridge ARN forms the key policies need: the secret EventBridge creates for a connection, and the roles of API
 * destinations.
 */
import { secretArn } from '../secretsmanager/arns';

type Environment = { partition: string; region: string; account: string };

/**
 * The ARN pattern of a connection's secret, which EventBridge names `events!connection/<name>/<uuid>`: the value of
 * the `SecretARN` encryption context (matched with `StringLike`).
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-connections.html
 */
export function connectionSecretArnPattern(e: Environment, connectionName: string): string {
  return secretArn(e, `events!connection/${connectionName}/*`);
}

/**
 * ARN of EventBridge's API-destinations service-linked role (`AWSServiceRoleForAmazonEventBridgeApiDestinations`).
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/using-service-linked-roles-service-action-1.html
 */
export function apiDestinationsServiceLinkedRoleArn(e: Omit<Environment, 'region'>): string {
  return `arn:${e.partition}:iam::${e.account}:role/aws-service-role/apidestinations.events.amazonaws.com/AWSServiceRoleForAmazonEventBridgeApiDestinations`;
}

/**
 * ARN of EventBridge's internal API-destinations role in a connection's account, the principal AWS documents for a
 * connection key in another account.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-connections.html
 */
export function apiDestinationsInternalRoleArn(e: Omit<Environment, 'region'>): string {
  return `arn:${e.partition}:iam::${e.account}:role/AmazonEventBridgeApiDestinationsInternalServiceRolePolicy`;
}
