import { App, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import { EncryptedArchive, EncryptedSchedule, EncryptionKey } from '../../src';

/** The README's quickstart, verbatim but for the declared function: it must synthesize as documented. */
test('the README quickstart synthesizes: one trail, one verifier, strict team key', () => {
  const app = new App();
  const stack = new Stack(app, 'Orders', { env: { account: '111122223333', region: 'eu-west-1' } });
  const reportFn = new lambda.Function(stack, 'Report', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};') });

  new EncryptedSchedule(stack, 'Nightly', {
    schedule: scheduler.ScheduleExpression.cron({ hour: '2', minute: '0', timeZone: TimeZone.EUROPE_LONDON }),
    target: new targets.LambdaInvoke(reportFn, { input: scheduler.ScheduleTargetInput.fromObject({ job: 'report' }) }),
  });
  const teamKey = new EncryptionKey(stack, 'TeamKey', { protects: 'the orders team data', strictMode: true });
  new EncryptedArchive(stack, 'OrdersEvents', {
    encryptionKey: teamKey,
    eventPattern: { source: ['com.example.orders'] },
    retention: Duration.days(365),
  });

  const template = Template.fromStack(stack);
  template.resourceCountIs('AWS::CloudTrail::Trail', 1);
  template.resourceCountIs('Custom::EncryptionVerification', 2);
  expect(Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'Orders-encryption-verifier' } }))).toHaveLength(1);
});
