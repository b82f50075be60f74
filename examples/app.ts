/**
 * The example app: the library's constructs composed into one stack. Synthesize it with
 * `npx projen synth:example` (no AWS account needed); the templates land in examples/cdk.out.
 */
import { App, AppProps, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { addEncryptedArchive } from './encrypted-archive';
import { addEncryptedConnection } from './encrypted-connection';
import { addEncryptedRdsCluster } from './encrypted-rds-cluster';
import { addEncryptedRdsInstance } from './encrypted-rds-instance';
import { addEncryptedSchedule } from './encrypted-schedule';
import { addOrdersService } from './orders-service';
import { EncryptionKey, KeyAuditTrail } from '../src';

export class ExampleStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // The account's audit trail, placed in this stack (one per account for the whole app: every encrypted construct of
    // every stack of the account reuses it; other stacks get only their key-tampering alert).
    const trail = KeyAuditTrail.of(this);

    // A team key in strict mode: the account root administers it, only named principals may use it.
    const teamKey = new EncryptionKey(this, 'TeamKey', {
      protects: 'the orders team data',
      alias: 'example/orders-team',
      strictMode: true,
      administrators: [new iam.AccountRootPrincipal()],
      tags: { team: 'orders' },
    });
    trail.watchKey(teamKey);

    // The five constructs, as their users would write them; the two databases serve the same orders service.
    addEncryptedArchive(this);
    addEncryptedConnection(this);
    addEncryptedSchedule(this);
    const ordersService = addOrdersService(this);
    addEncryptedRdsInstance(this, ordersService);
    addEncryptedRdsCluster(this, ordersService);
  }
}

/** Builds the example app (used by `cdk synth` and by the tests that check SECURITY.md against it). */
export function createExampleApp(props?: AppProps): App {
  const app = new App(props);
  new ExampleStack(app, 'EncryptedConstructsExample');
  return app;
}

if (require.main === module) {
  createExampleApp().synth();
}
