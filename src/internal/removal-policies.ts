import { RemovalPolicy } from 'aws-cdk-lib';

/**
 * The removal policy of a resource the library creates under a fixed physical name (a log group, an event bus, an
 * archive): RETAIN becomes RETAIN_ON_UPDATE_OR_DELETE, any other policy is kept as given.
 *
 * A retained resource outlives the rollback of the deploy that created it; with a fixed name it then makes the retry
 * fail with "already exists". CloudFormation's `RetainExceptOnCreate` deletion policy retains the resource exactly
 * like `Retain` on every stack operation except the one that created it: when that create rolls back, the new resource
 * (empty, or holding only what the failed attempt wrote) is deleted. The update-replace policy stays `Retain`
 * (`RetainExceptOnCreate` is a deletion policy only), so a replaced instance keeps its data.
 *
 * Not for resources whose default is not RETAIN (an RDS DB instance's deletion policy is Snapshot: a rolled-back create
 * deletes it), nor for unnamed ones (a name CloudFormation generates never collides on retry).
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatereplacepolicy.html
 * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.RemovalPolicy.html
 */
export function namedResourceRemovalPolicy(policy: RemovalPolicy = RemovalPolicy.RETAIN): RemovalPolicy {
  return policy === RemovalPolicy.RETAIN ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : policy;
}
