/**
 * The "platform app" of the benchmark: what a platform team deploys in one account and region, spread over six stacks
 * that each fit CloudFormation's quotas (synthesized with every guard on: aws-cdk-lib's 500 resources and the
 * library's per-stack quota guards).
 *
 * - Jobs1..Jobs4: 50 schedules each, in two schedule groups of 25 (200 schedules, 8 groups);
 * - Integration: 20 event buses with their archives and 20 connections with an API destination each;
 * - Data: 10 PostgreSQL instances in one VPC.
 *
 * Four variants: ours or hand-written (bench/hand/), each with shared keys (one key per schedule group, with the
 * group-scoped key policy of `ScheduleKeyPolicyScope.SCHEDULE_GROUP`; one key per kind in the Integration and Data
 * stacks) or with one key per construct (the library's default).
 */
import { App, Duration, SecretValue, Stack, TimeZone } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { EncryptedArchive, EncryptedConnection, EncryptedSchedule, EncryptionKey, ScheduleKeyPolicyScope } from '../src';
import { EncryptedRdsInstance } from '../src/encrypted-rds-instance';
import { handArchive } from './hand/archive';
import { handKey, sharedTargetFunction, sharedVpc } from './hand/common';
import { handConnection } from './hand/connection';
import { handRdsInstance } from './hand/rds';
import { handGroupSchedule, handSchedule, handScheduleGroup } from './hand/schedule';
import { handTrail } from './scenarios';

export const PLATFORM = {
  scheduleStacks: 4,
  groupsPerStack: 2,
  schedulesPerGroup: 25,
  archives: 20,
  connections: 20,
  databases: 10,
};

/** The constructs of the platform app, each of which has its own key in the one-key-per-construct variants. */
export const PLATFORM_CONSTRUCTS = PLATFORM.scheduleStacks * PLATFORM.groupsPerStack * PLATFORM.schedulesPerGroup
  + PLATFORM.archives + PLATFORM.connections + PLATFORM.databases;

export type PlatformVariant = 'ours-shared' | 'hand-shared' | 'ours-per-construct' | 'hand-per-construct';
export const PLATFORM_VARIANTS: PlatformVariant[] = ['ours-shared', 'hand-shared', 'ours-per-construct', 'hand-per-construct'];

const ENV = { account: '111122223333', region: 'eu-west-1' };

/** Builds the platform app's stacks in `app`. */
export function platformApp(app: App, variant: PlatformVariant): Stack[] {
  const ours = variant.startsWith('ours');
  const shared = variant.endsWith('shared');
  const stacks: Stack[] = [];
  for (let s = 1; s <= PLATFORM.scheduleStacks; s++) {
    const stack = new Stack(app, `Jobs${s}`, { env: ENV });
    stacks.push(stack);
    // a careful user writes the account's trail once (the library puts it in the first stack of the account)
    if (!ours && s === 1) handTrail(stack);
    for (let g = 0; g < PLATFORM.groupsPerStack; g++) {
      const groupName = `jobs-${s}-${g}`;
      if (ours) {
        const group = new scheduler.ScheduleGroup(stack, `Group${g}`, { scheduleGroupName: groupName });
        const key = shared ? new EncryptionKey(stack, `GroupKey${g}`, { protects: `the payloads of the schedule group ${groupName}` }) : undefined;
        for (let i = 0; i < PLATFORM.schedulesPerGroup; i++) {
          new EncryptedSchedule(stack, `G${g}S${i}`, {
            schedule: scheduler.ScheduleExpression.cron({ hour: '2', minute: '0', timeZone: TimeZone.EUROPE_LONDON }),
            target: new targets.LambdaInvoke(sharedTargetFunction(stack), { input: scheduler.ScheduleTargetInput.fromObject({ job: `report ${g}-${i}` }) }),
            description: 'Starts the nightly report job',
            scheduleGroup: group,
            encryptionKey: key,
            keyPolicyScope: shared ? ScheduleKeyPolicyScope.SCHEDULE_GROUP : undefined,
          });
        }
      } else if (shared) {
        const group = handScheduleGroup(stack, `Group${g}`, groupName);
        for (let i = 0; i < PLATFORM.schedulesPerGroup; i++) handGroupSchedule(stack, `G${g}S${i}`, group);
      } else {
        // per-construct keys by hand: the default group, as bench/hand/schedule.ts writes one schedule
        for (let i = 0; i < PLATFORM.schedulesPerGroup; i++) handSchedule(stack, `G${g}S${i}`);
      }
    }
  }

  const integration = new Stack(app, 'Integration', { env: ENV });
  stacks.push(integration);
  const archiveKey = shared ? (ours ? new EncryptionKey(integration, 'ArchiveKey', { protects: 'the event buses and archives' }) : handKeyAt(integration, 'ArchiveKey', 'Event buses and archives')) : undefined;
  const connectionKey = shared ? (ours
    ? new EncryptionKey(integration, 'ConnectionKey', { protects: 'the connection credentials', tags: { EventBridgeApiDestinations: 'true' } })
    : handKeyAt(integration, 'ConnectionKey', 'Connection credentials')) : undefined;
  for (let i = 0; i < PLATFORM.archives; i++) {
    if (ours) new EncryptedArchive(integration, `A${i}`, { eventPattern: { source: ['com.example.orders'] }, retention: Duration.days(365), encryptionKey: archiveKey });
    else handArchive(integration, `A${i}`, archiveKey as kms.Key | undefined);
  }
  for (let i = 0; i < PLATFORM.connections; i++) {
    if (ours) {
      const connection = new EncryptedConnection(integration, `C${i}`, {
        authorization: events.Authorization.apiKey('x-api-key', SecretValue.secretsManager(`partner-${i}/api-key`)),
        description: 'Partner API, credentials encrypted with a customer managed key',
        encryptionKey: connectionKey,
      });
      connection.addApiDestination('Orders', { endpoint: `https://partner-${i}.example.com/orders`, rateLimitPerSecond: 10 });
    } else {
      handConnection(integration, `C${i}`, connectionKey as kms.Key | undefined);
    }
  }

  const data = new Stack(app, 'Data', { env: ENV });
  stacks.push(data);
  const dataKey = shared ? (ours ? new EncryptionKey(data, 'DataKey', { protects: 'the databases' }) : handKeyAt(data, 'DataKey', 'Databases')) : undefined;
  for (let i = 0; i < PLATFORM.databases; i++) {
    if (ours) {
      new EncryptedRdsInstance(data, `Db${i}`, {
        engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
        vpc: sharedVpc(data),
        vpcSubnets: { subnetGroupName: 'Data' },
        databaseName: 'orders',
        encryptionKey: dataKey,
      });
    } else {
      handRdsInstance(data, `Db${i}`, dataKey as kms.Key | undefined);
    }
  }
  return stacks;
}

/** A hand-written key at `<stack>/<id>/Key`, shared by several hand-written constructs (which add their statements). */
function handKeyAt(stack: Stack, id: string, description: string): kms.Key {
  return handKey(new Construct(stack, id), description);
}

/** One stack of a synthesized platform app, as bench/synth-once.ts measures it and bench/run.ts reports it. */
export interface StackSample {
  readonly name: string;
  readonly resources: number;
  /** JSON without white space (the measure of the scenario tables). */
  readonly templateBytes: number;
  /** The template file as aws-cdk-lib writes it (indented): what CloudFormation's 1 MB applies to. */
  readonly templateFileBytes: number;
  readonly keys: number;
  /** The library's stack-level keys: the audit trail's, the key-tampering alert's, the shared alarm topic's, the verifier's. */
  readonly stackLevelKeys: number;
}
