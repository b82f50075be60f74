/**
 * Benchmark scenarios: the same resources built with this library ("ours") and by hand with plain aws-cdk-lib L2s
 * the way a careful user would ("hand": key with rotation and a conditioned policy, roles, queues, one trail).
 */
import { Duration, RemovalPolicy, SecretValue, Stack, TimeZone } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { EncryptedArchive, EncryptedConnection, EncryptedSchedule, EncryptionKey, KeyAuditTrail, ScheduleKeyPolicyScope } from '../src';
import { EncryptedRdsInstance } from '../src/encrypted-rds-instance';
import { handArchive } from './hand/archive';
import { shared, sharedTargetFunction, sharedVpc } from './hand/common';
import { handConnection } from './hand/connection';
import { handRdsInstance } from './hand/rds';
import { handGroupSchedule, handSchedule, handScheduleGroup, HandScheduleGroup } from './hand/schedule';

export interface Scenario {
  readonly name: string;
  readonly ours: (stack: Stack, n: number) => void;
  readonly hand: (stack: Stack, n: number) => void;
}

/** The trail a careful user writes once per stack by hand. */
export function handTrail(stack: Stack): void {
  const key = new kms.Key(stack, 'TrailKey', { enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
  const bucket = new s3.Bucket(stack, 'TrailBucket', {
    encryption: s3.BucketEncryption.KMS, encryptionKey: key, enforceSSL: true, versioned: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL, removalPolicy: RemovalPolicy.RETAIN,
  });
  new cloudtrail.Trail(stack, 'Trail', { bucket, encryptionKey: key, enableFileValidation: true, sendToCloudWatchLogs: true });
}

/**
 * One instance of each construct, built with this library ("ours") and by hand ("hand", in bench/hand/), under the
 * construct id `id`. Stack-wide resources (the schedules' target function, the databases' VPC) are created once per
 * stack, on first use, by both variants alike; the hand-written trail is added once per stack by the scenario.
 */
interface Kind {
  readonly ours: (stack: Stack, id: string) => void;
  readonly hand: (stack: Stack, id: string) => void;
}

/** The hand-written schedule group of a stack (created on first use). */
const handGroups = new WeakMap<Stack, HandScheduleGroup>();

const KINDS: { [name: string]: Kind } = {
  schedule: {
    ours: (stack, id) => {
      new EncryptedSchedule(stack, id, {
        schedule: scheduler.ScheduleExpression.cron({ hour: '2', minute: '0', timeZone: TimeZone.EUROPE_LONDON }),
        target: new targets.LambdaInvoke(sharedTargetFunction(stack), { input: scheduler.ScheduleTargetInput.fromObject({ job: `report ${id}` }) }),
        description: 'Starts the nightly report job',
      });
    },
    hand: handSchedule,
  },
  // Schedules of one group on the group's shared key (docs/encrypted-schedule.md, "Key economy"): ScheduleKeyPolicyScope.SCHEDULE_GROUP.
  'schedule-group': {
    ours: (stack, id) => {
      const group = shared(stack, 'ReportsGroup', () => new scheduler.ScheduleGroup(stack, 'ReportsGroup', { scheduleGroupName: 'reports' }));
      const key = shared(stack, 'ReportsKey', () => new EncryptionKey(stack, 'ReportsKey', { protects: 'the payloads of the reports schedule group' }));
      new EncryptedSchedule(stack, id, {
        schedule: scheduler.ScheduleExpression.cron({ hour: '2', minute: '0', timeZone: TimeZone.EUROPE_LONDON }),
        target: new targets.LambdaInvoke(sharedTargetFunction(stack), { input: scheduler.ScheduleTargetInput.fromObject({ job: `report ${id}` }) }),
        description: 'Starts the nightly report job',
        scheduleGroup: group,
        encryptionKey: key,
        keyPolicyScope: ScheduleKeyPolicyScope.SCHEDULE_GROUP,
      });
    },
    hand: (stack, id) => {
      let group = handGroups.get(stack);
      if (!group) handGroups.set(stack, group = handScheduleGroup(stack, 'ReportsGroup', 'reports'));
      handGroupSchedule(stack, id, group);
    },
  },
  connection: {
    ours: (stack, id) => {
      const connection = new EncryptedConnection(stack, id, {
        authorization: events.Authorization.apiKey('x-api-key', SecretValue.secretsManager('crm/api-key')),
        description: 'CRM API, credentials encrypted with a customer managed key',
      });
      connection.addApiDestination('Orders', { endpoint: 'https://api.example.com/orders', rateLimitPerSecond: 10 });
    },
    hand: handConnection,
  },
  archive: {
    ours: (stack, id) => {
      new EncryptedArchive(stack, id, { eventPattern: { source: ['com.example.orders'] }, retention: Duration.days(365) });
    },
    hand: handArchive,
  },
  rds: {
    ours: (stack, id) => {
      new EncryptedRdsInstance(stack, id, {
        engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
        vpc: sharedVpc(stack),
        vpcSubnets: { subnetGroupName: 'Data' },
        databaseName: 'orders',
      });
    },
    hand: handRdsInstance,
  },
};

/** Construct ids: prefix + index, unique per instance whatever the scenario. */
const PREFIX: { [kind: string]: string } = { 'schedule': 'S', 'schedule-group': 'GS', 'connection': 'C', 'archive': 'A', 'rds': 'Db' };

/**
 * N instances of one kind, or N instances in all cycling through several kinds.
 *
 * At N = 100 every one of these scenarios passes CDK's 500-resources-per-stack check, ours and hand-written alike:
 * synth-once.ts lifts it for both (`@aws-cdk/core:stackResourceLimit` = 0). The benchmark measures synthesis, not a
 * deployable stack (CloudFormation would refuse such a stack; a real app splits it).
 */
function scenario(name: string, kinds: string[]): Scenario {
  const kindAt = (i: number) => kinds[i % kinds.length];
  return {
    name,
    ours: (stack, n) => {
      for (let i = 0; i < n; i++) KINDS[kindAt(i)].ours(stack, `${PREFIX[kindAt(i)]}${i}`);
    },
    hand: (stack, n) => {
      handTrail(stack);
      for (let i = 0; i < n; i++) KINDS[kindAt(i)].hand(stack, `${PREFIX[kindAt(i)]}${i}`);
    },
  };
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'key',
    ours: (stack, n) => {
      const trail = KeyAuditTrail.of(stack);
      for (let i = 0; i < n; i++) trail.watchKey(new EncryptionKey(stack, `Key${i}`, { protects: `data ${i}` }));
    },
    hand: (stack, n) => {
      handTrail(stack);
      for (let i = 0; i < n; i++) new kms.Key(stack, `Key${i}`, { enableKeyRotation: true, rotationPeriod: Duration.days(365), pendingWindow: Duration.days(30), removalPolicy: RemovalPolicy.RETAIN });
    },
  },
  scenario('schedule', ['schedule']),
  scenario('schedule-group', ['schedule-group']),
  scenario('connection', ['connection']),
  scenario('archive', ['archive']),
  scenario('rds', ['rds']),
  // N instances in all, cycling schedule, connection, archive, rds (so N=10 is 3+3+2+2)
  scenario('mixed', ['schedule', 'connection', 'archive', 'rds']),
];
