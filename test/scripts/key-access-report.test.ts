import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createExampleApp } from '../../examples/app';
import { accessRows, BEGIN, END, protectedBy, report, show } from '../../scripts/key-access-report';

const ROOT = path.join(__dirname, '..', '..');

/** Synthesizes the example app as the CDK CLI would (cdk.json context, path metadata) into a temp directory. */
function synthExample(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-'));
  const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', 'cdk.json'), 'utf8'));
  createExampleApp({ outdir, context: { ...cdkJson.context, 'aws:cdk:enable-path-metadata': true } }).synth();
  return outdir;
}

describe('key-access report', () => {
  test('SECURITY.md\'s key-access section is the report of the current example app (run `npx projen report:keys`)', () => {
    const security = fs.readFileSync(path.join(ROOT, 'SECURITY.md'), 'utf8');
    const section = security.slice(security.indexOf(BEGIN) + BEGIN.length, security.indexOf(END)).trim();
    expect(section).toBe(report(synthExample()).trim());
  });

  test('lists each statement\'s principal, actions and conditions, flagging statements without conditions', () => {
    const template = {
      Resources: {
        Key: {
          Type: 'AWS::KMS::Key',
          Metadata: { 'aws:cdk:path': 'S/Key/Resource' },
          Properties: {
            KeyPolicy: {
              Statement: [
                { Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt'], Condition: { StringEquals: { 'aws:SourceAccount': '1' } } },
                { Effect: 'Allow', Principal: { AWS: { 'Fn::GetAtt': ['Role', 'Arn'] } }, Action: 'kms:Decrypt' },
              ],
            },
          },
        },
        Role: { Type: 'AWS::IAM::Role', Metadata: { 'aws:cdk:path': 'S/Exec/Resource' } },
        Queue: { Type: 'AWS::SQS::Queue', Metadata: { 'aws:cdk:path': 'S/Dlq/Resource' }, Properties: { KmsMasterKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } } },
        Rule: { Type: 'AWS::Events::Rule', Properties: { EventPattern: { detail: { resources: { ARN: [{ 'Fn::GetAtt': ['Key', 'Arn'] }] } } } } },
      },
    };
    expect(accessRows(template)).toEqual([
      { key: 'Key', effect: 'Allow', principal: 'Service: events.amazonaws.com', actions: 'kms:Decrypt', conditions: 'StringEquals aws:SourceAccount = 1' },
      { key: 'Key', effect: 'Allow', principal: 'AWS: ${Exec.Arn}', actions: 'kms:Decrypt', conditions: '**none**' },
    ]);
    expect(protectedBy(template).get('Key')).toEqual(['AWS::SQS::Queue Dlq']);
    expect(show({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':x']] }, template)).toBe('arn:${AWS::Partition}:x');
  });
});
