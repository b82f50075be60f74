/**
 * What KMS must allow for SNS: the key-policy statements for the service principals that publish to an encrypted
 * topic.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { keyEnvironment, KeyStatementEnvironment } from '../kms/environment';

/** Identifiers of an SNS topic, for its key-policy statements. */
export interface TopicKeyStatementProps extends KeyStatementEnvironment {
  /** The service principals that publish to the topic, e.g. `events.amazonaws.com`. */
  readonly servicePrincipals: string[];
}

/**
 * Service principals that publish to an encrypted topic may generate and decrypt data keys. `events.amazonaws.com`
 * gets the statement without conditions: SNS states that `aws:SourceAccount` and `aws:SourceArn` in a KMS key policy
 * are not supported for EventBridge-to-encrypted-topic delivery (the topic's own policy still names the rule). Other
 * services (e.g. `cloudwatch.amazonaws.com`) are confined to this account with `aws:SourceAccount`.
 *
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
 */
export function topicStatements(props: TopicKeyStatementProps): iam.PolicyStatement[] {
  const eventBridge = props.servicePrincipals.filter(p => p === 'events.amazonaws.com');
  const others = props.servicePrincipals.filter(p => p !== 'events.amazonaws.com');
  const statements: iam.PolicyStatement[] = [];
  if (eventBridge.length > 0) {
    statements.push(new iam.PolicyStatement({
      sid: 'SnsTopicEventBridge',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
    }));
  }
  if (others.length > 0) {
    statements.push(new iam.PolicyStatement({
      sid: 'SnsTopicPublishers',
      principals: others.map(p => new iam.ServicePrincipal(p)),
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': keyEnvironment(props).account } },
    }));
  }
  return statements;
}
