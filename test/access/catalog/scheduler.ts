/**
 * EventBridge Scheduler schedules encrypted with a customer managed key.
 */
import { roleCaller } from '../evaluator';
import { keyByArn, pathsFor, queueByArn, queueProducerPaths, roleByArn, via, delegatesToIam } from './common';
import { DOCS } from './docs';
import { AccessPath, Catalog, subjectOf } from './types';

export const schedulerCatalog: Catalog = (world, principals) => {
  const out: AccessPath[] = [];
  for (const schedule of world.ofType('AWS::Scheduler::Schedule')) {
    const props = world.properties(schedule);
    const key = keyByArn(world, props.KmsKeyArn);
    if (!key) continue;
    const subject = subjectOf(schedule);
    const path = pathsFor(subject);
    const keyArn = world.attribute(key, 'Arn');
    const scheduleArn = world.attribute(schedule, 'Arn');
    const group = props.GroupName ?? 'default';
    const groupArn = `arn:${schedule.partition}:scheduler:${schedule.region}:${schedule.account}:schedule-group/${group}`;
    const otherScheduleArn = `arn:${schedule.partition}:scheduler:${schedule.region}:${schedule.account}:schedule/${group}/another-schedule`;
    const viaScheduler = via(world, schedule, 'scheduler');
    const context = { 'kms:EncryptionContext:aws:scheduler:schedule:arn': scheduleArn };

    // Deploy time: CloudFormation creates the schedule; Scheduler uses the key with the caller's permissions.
    out.push(
      path('deploy', 'the deploying role has Scheduler describe the key when it creates the schedule', principals.deployer, 'kms:DescribeKey', keyArn, 'Allowed', DOCS.schedulerCreatorPermissions,
        { 'kms:ViaService': viaScheduler }),
      path('deploy', 'the deploying role has Scheduler generate a data key for the payload', principals.deployer, 'kms:GenerateDataKey', keyArn, 'Allowed', DOCS.schedulerCreatorPermissions,
        { 'kms:ViaService': viaScheduler, ...context }),
      path('deploy', 'the deploying role has Scheduler decrypt the payload (update, describe)', principals.deployer, 'kms:Decrypt', keyArn, 'Allowed', DOCS.schedulerCreatorPermissions,
        { 'kms:ViaService': viaScheduler, ...context }),
    );

    const role = roleByArn(world, props.Target.RoleArn);
    if (role) {
      const executionRole = roleCaller(world, role, `execution role of ${schedule.logicalId}`);
      const roleArn = world.attribute(role, 'Arn');
      out.push(
        path('runtime', 'Scheduler assumes the execution role for this schedule group', principals.service('scheduler.amazonaws.com'), 'sts:AssumeRole', roleArn, 'Allowed', DOCS.schedulerConfusedDeputy,
          { 'aws:SourceAccount': schedule.account, 'aws:SourceArn': groupArn }),
        path('runtime', 'the execution role decrypts the payload when the schedule fires', executionRole, 'kms:Decrypt', keyArn, 'Allowed', DOCS.schedulerExecutionRoleDecrypt,
          { 'kms:ViaService': viaScheduler, ...context }, ['kms:ViaService']),
        path('negative', 'the execution role cannot decrypt another schedule\'s payload', executionRole, 'kms:Decrypt', keyArn, 'Denied', DOCS.schedulerEncryptionContext,
          { 'kms:ViaService': viaScheduler, 'kms:EncryptionContext:aws:scheduler:schedule:arn': otherScheduleArn }, ['kms:ViaService']),
        path('negative', 'Scheduler cannot assume the execution role for another account\'s schedule group', principals.service('scheduler.amazonaws.com'), 'sts:AssumeRole', roleArn, 'Denied', DOCS.schedulerConfusedDeputy,
          { 'aws:SourceAccount': '999988887777', 'aws:SourceArn': groupArn.replace(schedule.account, '999988887777') }),
      );
      const queue = queueByArn(world, props.Target.DeadLetterConfig?.Arn);
      if (queue) {
        out.push(...queueProducerPaths(world, subject, 'runtime', executionRole, queue, { send: DOCS.schedulerDeadLetterQueue, key: DOCS.sqsKeyForProducers }));
      }
      if (String(props.Target.Arn).includes(':lambda:')) {
        out.push(path('runtime', 'the execution role invokes the target function', executionRole, 'lambda:InvokeFunction', props.Target.Arn, 'Allowed', DOCS.schedulerExecutionRole));
      }
    }

    out.push(
      path('negative', 'a role of another account cannot decrypt the payload', principals.outsider, 'kms:Decrypt', keyArn, 'Denied', DOCS.kmsCrossAccount,
        { 'kms:ViaService': viaScheduler, ...context }),
    );
    if (!delegatesToIam(world, key)) {
      out.push(path('negative', 'in strict mode an administrator of the account cannot decrypt the payload directly', principals.otherAdmin, 'kms:Decrypt', keyArn, 'Denied', DOCS.kmsStrictMode, context));
    }
  }
  return out;
};
