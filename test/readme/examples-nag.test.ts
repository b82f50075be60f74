import { Stack } from 'aws-cdk-lib';
import { createExampleApp } from '../../examples/app';
import { nagFindings } from '../support/compliance';

/**
 * The README's construct examples, as the example app (`examples/`) writes them with real resources where the
 * README's snippets declare `vpc`, `appRole`, `appSecurityGroup`, `producer`, `operatorRole`, ...: all five
 * constructs, the strict team key, the connection's rule target, the two databases opened to the service with
 * `allowFrom`. The README's snippets are compiled by jsii-rosetta (strict) in the build; this runs the five cdk-nag packs over what
 * they build.
 */

/** What the example stands in for the user's own resources: findings there are the user's to settle. */
const USERS_OWN = ['OrdersVpc', 'OrdersService', 'OrdersServiceSecurityGroup', 'OrdersProducer', 'OrdersReplayOperator', 'Reports/ReportFunction', 'Reports/Group', 'OrderPlaced'];

function example(): { stack: Stack; findings: string[] } {
  const stack = createExampleApp().node.findChild('EncryptedConstructsExample') as Stack;
  const findings = nagFindings(stack).map(f => `${f.rule} at ${f.path.slice(`${stack.node.path}/`.length)}`);
  return { stack, findings: [...new Set(findings)].sort() };
}

const isUsersOwn = (finding: string) => USERS_OWN.some(p => finding.includes(` at ${p}/`));

test('the example app (the README\'s examples) passes the five cdk-nag packs: no finding on anything the library creates, and no pack throws', () => {
  const { findings } = example();
  expect(findings.filter(f => !isUsersOwn(f))).toEqual([]);
  // The user's own stand-ins keep the findings any such resource has without the library (documented in README's
  // "cdk-nag and cfn-guard results"): a plain Lambda function and VPC, and the inline DefaultPolicy aws-cdk-lib's
  // grants write into a role you pass to grantConnect / grantPutEventsTo / grantStartReplay.
  expect(findings.filter(isUsersOwn)).toEqual([
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole] at Reports/ReportFunction/ServiceRole/Resource',
    'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:replay/*] at OrdersReplayOperator/DefaultPolicy/Resource',
    'AwsSolutions-L1 at Reports/ReportFunction/Resource',
    'AwsSolutions-VPC7 at OrdersVpc/Resource',
    'HIPAA.Security-IAMNoInlinePolicy at OrdersProducer/DefaultPolicy/Resource',
    'HIPAA.Security-IAMNoInlinePolicy at OrdersReplayOperator/DefaultPolicy/Resource',
    'HIPAA.Security-IAMNoInlinePolicy at OrdersService/DefaultPolicy/Resource',
    'HIPAA.Security-LambdaConcurrency at Reports/ReportFunction/Resource',
    'HIPAA.Security-LambdaDLQ at Reports/ReportFunction/Resource',
    'HIPAA.Security-LambdaInsideVPC at Reports/ReportFunction/Resource',
    'HIPAA.Security-VPCDefaultSecurityGroupClosed at OrdersVpc/Resource',
    'HIPAA.Security-VPCFlowLogsEnabled at OrdersVpc/Resource',
    'NIST.800.53.R5-IAMNoInlinePolicy at OrdersProducer/DefaultPolicy/Resource',
    'NIST.800.53.R5-IAMNoInlinePolicy at OrdersReplayOperator/DefaultPolicy/Resource',
    'NIST.800.53.R5-IAMNoInlinePolicy at OrdersService/DefaultPolicy/Resource',
    'NIST.800.53.R5-LambdaConcurrency at Reports/ReportFunction/Resource',
    'NIST.800.53.R5-LambdaDLQ at Reports/ReportFunction/Resource',
    'NIST.800.53.R5-LambdaInsideVPC at Reports/ReportFunction/Resource',
    'NIST.800.53.R5-VPCDefaultSecurityGroupClosed at OrdersVpc/Resource',
    'NIST.800.53.R5-VPCFlowLogsEnabled at OrdersVpc/Resource',
    'PCI.DSS.321-IAMNoInlinePolicy at OrdersProducer/DefaultPolicy/Resource',
    'PCI.DSS.321-IAMNoInlinePolicy at OrdersReplayOperator/DefaultPolicy/Resource',
    'PCI.DSS.321-IAMNoInlinePolicy at OrdersService/DefaultPolicy/Resource',
    'PCI.DSS.321-LambdaInsideVPC at Reports/ReportFunction/Resource',
    'PCI.DSS.321-VPCDefaultSecurityGroupClosed at OrdersVpc/Resource',
    'PCI.DSS.321-VPCFlowLogsEnabled at OrdersVpc/Resource',
    'Serverless-LambdaDLQ at Reports/ReportFunction/Resource',
    'Serverless-LambdaDefaultMemorySize at Reports/ReportFunction/Resource',
    'Serverless-LambdaLatestVersion at Reports/ReportFunction/Resource',
    'Serverless-LambdaTracing at Reports/ReportFunction/Resource',
  ]);
});
