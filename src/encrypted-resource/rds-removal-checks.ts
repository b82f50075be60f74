import { Annotations, CfnDeletionPolicy, CfnResource, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { afterAspects, warnIfKeyDestroyedBeforeData } from './removal-checks';

/** The warning that a database is deleted with no final snapshot and no deletion protection. */
export const RDS_DELETED_WITHOUT_SNAPSHOT_WARNING = 'cdk-encrypted-constructs:rds-deleted-without-snapshot';

/** What the RDS construct made: the DB instance or cluster, what to call it, and the log groups it exports to. */
export interface RdsDataResources {
  /**
   * The `rds.DatabaseInstance` or `rds.DatabaseCluster` (child `Resource` of the construct): the warnings go on it, so
   * that `Annotations.of(construct).acknowledgeWarning(id, reason)` suppresses them.
   */
  readonly database: IConstruct;
  /** `DB instance` or `DB cluster`. */
  readonly kind: string;
  readonly logGroups: logs.ILogGroup[];
}

/**
 * The settings that lose an RDS construct's data without a word, as warnings on its database that
 * `Annotations.of(construct).acknowledgeWarning(id, reason)` acknowledges:
 *
 * - the key is deleted with the stack while the database (its final snapshot, or itself) or its exported log groups
 *   are kept: they become unreadable ({@link warnIfKeyDestroyedBeforeData});
 * - the database is removed with `DeletionPolicy: Delete` and without deletion protection: deleting the stack,
 *   removing the construct, or an update that replaces the database deletes it with no final snapshot, and nothing
 *   stops it (CloudFormation's Snapshot policy takes a final snapshot; deletion protection makes the delete fail).
 *
 * Read from the L1 resources when the app is validated, so the defaults, the user's props and removal policies
 * applied later (`RemovalPolicies.of(stack)`) are all seen.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DeleteInstance.html#USER_DeleteInstance.DeletionProtection
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/USER_DeleteCluster.html#USER_DeletionProtection
 */
export function warnOnRdsDataLoss(key: kms.IKey, resources: RdsDataResources): void {
  const { kind, logGroups } = resources;
  const carrier = resources.database;
  const database = carrier.node.defaultChild as CfnResource & { readonly deletionProtection?: unknown };
  const logResources = logGroups.map(g => g.node.defaultChild).filter(CfnResource.isCfnResource);
  warnIfKeyDestroyedBeforeData(carrier, key, [
    { what: policy => policy === RemovalPolicy.SNAPSHOT ? `the final snapshot of the ${kind}` : `the ${kind}`, resource: database },
    // (the construct creates its log groups alike: the first one speaks for all)
    ...logResources.length === 0 ? [] : [{ what: `the exported log groups (${logGroups.map(g => g.node.id).join(', ')})`, resource: logResources[0] }],
  ]);
  afterAspects(carrier, () => {
    const protection = database.deletionProtection;
    if (database.cfnOptions.deletionPolicy !== CfnDeletionPolicy.DELETE || protection === true || Token.isUnresolved(protection)) return;
    Annotations.of(carrier).addWarningV2(RDS_DELETED_WITHOUT_SNAPSHOT_WARNING, [
      `The ${kind} has removal policy DESTROY and deletion protection off: deleting the stack, removing this construct, or an update that replaces`,
      `the ${kind} deletes it and its data with no final snapshot, and nothing stops it`,
      '(https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html).',
      'Keep removalPolicy SNAPSHOT (the default) or deletionProtection true (the default), or acknowledge this warning if the data is disposable.',
    ].join(' '));
  });
}
