/**
 * What an event bus's resource policy must say for producers in other accounts to put events on it, and what
 * CloudFormation and EventBridge accept for the `AWS::Events::EventBusPolicy` that writes it.
 */
import { accountRootArn } from '../iam/arns';

/** A bus-policy statement as EventBridge stores it (the JSON of `AWS::Events::EventBusPolicy.Statement`). */
export interface BusPolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Principal: string | { readonly AWS: string | string[] };
  readonly Action: string;
  readonly Resource: string;
  readonly Condition?: { readonly StringEquals: { readonly 'aws:PrincipalOrgID': string | string[] } };
}

export const BUS_POLICY_FACTS = {
  /**
   * `StatementId`: 1 to 64 letters, digits, `-` and `_`. CloudFormation uses it as the physical id of the
   * `AWS::Events::EventBusPolicy`, so it must be unique in the account and region, not only on its bus (two stacks
   * writing the same statement id fail with "already exists").
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPermission.html#eventbridge-PutPermission-request-StatementId
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-eventbuspolicy.html
   */
  statementIdPattern: /^[a-zA-Z0-9_-]{1,64}$/,
  /**
   * "The permission policy on the event bus cannot exceed 10 KB in size."
   *
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-eventbuspolicy.html
   */
  policyBytes: 10_240,
};

/**
 * Principals of an organization may put events on the bus: `Principal` `*` with `aws:PrincipalOrgID`, the form the
 * EventBridge guide's policy template and `PutPermission` show for "all members of your AWS Organizations". Every
 * principal of another account still needs `events:PutEvents` in its own IAM policy; AWS service principals carry no
 * organization id and match nothing here.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-permissions-manage.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutPermission.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
 */
export function organizationProducersStatement(sid: string, eventBusArn: string, organizationIds: string[]): BusPolicyStatement {
  return {
    Sid: sid,
    Effect: 'Allow',
    Principal: '*',
    Action: 'events:PutEvents',
    Resource: eventBusArn,
    Condition: { StringEquals: { 'aws:PrincipalOrgID': oneOrMany(organizationIds) } },
  };
}

/**
 * Principals of these accounts may put events on the bus: the accounts' roots as principals, as the EventBridge
 * guide's cross-account example policies name them (the root stands for the account; each principal still needs
 * `events:PutEvents` in its own IAM policy).
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-example-policy-cross-account.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
 */
export function accountProducersStatement(sid: string, eventBusArn: string, partition: string, accountIds: string[]): BusPolicyStatement {
  return {
    Sid: sid,
    Effect: 'Allow',
    Principal: { AWS: oneOrMany(accountIds.map(account => accountRootArn(partition, account))) },
    Action: 'events:PutEvents',
    Resource: eventBusArn,
  };
}

function oneOrMany(values: string[]): string | string[] {
  return values.length === 1 ? values[0] : [...values];
}
