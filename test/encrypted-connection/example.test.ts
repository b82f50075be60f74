import { Match, Template } from 'aws-cdk-lib/assertions';
import { addEncryptedConnection } from '../../examples/encrypted-connection';
import { testStack } from '../support/fixtures';

test('the example adds an encrypted connection with an API destination and synthesizes offline', () => {
  const stack = testStack('Example');
  addEncryptedConnection(stack);
  const template = Template.fromStack(stack);
  template.resourceCountIs('AWS::Events::Connection', 1);
  template.resourceCountIs('AWS::Events::ApiDestination', 1);
  template.hasResourceProperties('AWS::Events::Connection', { KmsKeyIdentifier: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CrmKey'), 'Arn'] } });
});
