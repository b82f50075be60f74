/**
 * The example app: the library's building blocks composed into one stack. Synthesize it with
 * `npx projen synth:example` (no AWS account needed); the templates land in examples/cdk.out.
 */
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { EncryptionKey, KeyAuditTrail } from '../src';

export class ExampleStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // The stack-shared audit trail, with a multi-region option; every encrypted construct in the stack reuses it.
    const trail = KeyAuditTrail.of(this, { multiRegion: false });

    // A team key in strict mode: the account root administers it, only named principals may use it.
    const teamKey = new EncryptionKey(this, 'TeamKey', {
      protects: 'the orders team data',
      alias: 'example/orders-team',
      strictMode: true,
      administrators: [new iam.AccountRootPrincipal()],
      tags: { team: 'orders' },
    });
    trail.watchKey(teamKey);
  }
}

const app = new App();
new ExampleStack(app, 'EncryptedConstructsExample');
app.synth();
