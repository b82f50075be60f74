import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeEach } from '../internal/acknowledgements';
import { formatArn } from '../internal/arns';
import { ENHANCED_MONITORING } from '../services/rds/instance-facts';

/** What an RDS construct's props say of Enhanced Monitoring (as `rds.DatabaseInstanceProps` and `rds.DatabaseClusterProps` name it). */
export interface EnhancedMonitoringProps {
  readonly monitoringInterval?: Duration;
  readonly monitoringRole?: iam.IRoleRef;
}

/** How the database is monitored: the interval, the role RDS uses, and that role when the construct created it. */
export interface EnhancedMonitoring {
  readonly interval: Duration;
  readonly role?: iam.IRoleRef;
  readonly createdRole?: iam.IRole;
}

/**
 * Enhanced Monitoring every `monitoringInterval` (default 60 seconds), through `monitoringRole` or, when none is given
 * and monitoring is on, a role per construct (child `MonitoringRole`: its trust names the monitored DB instances in
 * `aws:SourceArn`, as the RDS guide shows) with the stack's one customer managed policy instead of
 * `AmazonRDSEnhancedMonitoringRole`.
 *
 * @param instanceArn the ARN of the monitored DB instance, or an ARN pattern of the monitored instances (`ArnLike`)
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html
 */
export function enhancedMonitoring(scope: Construct, props: EnhancedMonitoringProps, instanceArn: string, account: string): EnhancedMonitoring {
  const interval = props.monitoringInterval ?? Duration.seconds(60);
  if (props.monitoringRole || !(interval.toSeconds() > 0)) return { interval, role: props.monitoringRole };
  const role = new iam.Role(scope, 'MonitoringRole', {
    assumedBy: new iam.ServicePrincipal(ENHANCED_MONITORING.servicePrincipal).withConditions({
      StringEquals: { 'aws:SourceAccount': account },
      ArnLike: { 'aws:SourceArn': instanceArn },
    }),
    description: `Enhanced Monitoring of ${scope.node.path}: writes OS metrics to the RDSOSMetrics log group`,
    // the role's ManagedPolicyArns name the policy, so the role (and the instance, through MonitoringRoleArn)
    // exists only once the policy does
    managedPolicies: [SharedMonitoringPolicy.of(scope)],
  });
  return { interval, role, createdRole: role };
}

/**
 * What `AmazonRDSEnhancedMonitoringRole` allows, as ONE customer managed policy per stack scoped to the one log group
 * Enhanced Monitoring writes to (`RDSOSMetrics`, one stream per instance, named after its DbiResourceId). Its document
 * names nothing of any instance, so every instance's monitoring role of the stack attaches the same policy (child
 * `EncryptedConstructsRdsMonitoringPolicy` of the stack, created on first need).
 *
 * The roles stay one per instance: the RDS guide's confused-deputy protection names the instance in the trust policy
 * (`aws:SourceArn` = `arn:aws:rds:<region>:<account>:db:<name>`), and one role trusting every instance of a stack would
 * have to list them all, which IAM's role trust policy quota (2,048 characters by default) caps at about 25.
 *
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
 */
class SharedMonitoringPolicy {
  /** The construct id of the shared policy, a child of the stack. */
  public static readonly ID = 'EncryptedConstructsRdsMonitoringPolicy';

  /** The Enhanced Monitoring policy of the stack of `scope`, created on first call. */
  public static of(scope: IConstruct): iam.ManagedPolicy {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(SharedMonitoringPolicy.ID);
    if (existing instanceof iam.ManagedPolicy) return existing;
    const logGroup = formatArn(stack, { service: 'logs', resource: 'log-group', resourceName: ENHANCED_MONITORING.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const policy = new iam.ManagedPolicy(stack, SharedMonitoringPolicy.ID, {
      description: 'Enhanced Monitoring: write OS metrics to the RDSOSMetrics log group',
      statements: [
        new iam.PolicyStatement({ actions: ENHANCED_MONITORING.logGroupActions, resources: [logGroup, `${logGroup}:*`] }),
        new iam.PolicyStatement({
          actions: ENHANCED_MONITORING.logStreamActions,
          resources: [`${logGroup}:log-stream:*`],
        }),
      ],
    });
    const reason = 'Enhanced Monitoring writes to the RDSOSMetrics log group, one stream per instance named after its DbiResourceId, '
      + 'which is known only once the instance exists (and the instance needs this policy to exist first): the wildcard stays inside that one log group.';
    acknowledgeEach(policy, {
      [`AwsSolutions-IAM5[Resource::${flatten(stack, `${logGroup}:*`)}]`]: reason,
      [`AwsSolutions-IAM5[Resource::${flatten(stack, `${logGroup}:log-stream:*`)}]`]: reason,
    });
    return policy;
  }
}

/** A value as cdk-nag prints it in a finding id (references in angle brackets), for scoped acknowledgements. */
function flatten(scope: IConstruct, value: string): string {
  const visit = (node: any): string => {
    if (typeof node === 'string') return node;
    if (Array.isArray(node?.['Fn::Join'])) return node['Fn::Join'][1].map(visit).join(node['Fn::Join'][0]);
    if (node?.Ref !== undefined) return `<${visit(node.Ref)}>`;
    if (Array.isArray(node?.['Fn::GetAtt'])) return `<${visit(node['Fn::GetAtt'][0])}.${visit(node['Fn::GetAtt'][1])}>`;
    return JSON.stringify(node);
  };
  return visit(Stack.of(scope).resolve(value));
}
