/**
 * Runs before every test file (jest `setupFiles`, set in .projenrc.ts).
 *
 * aws-cdk-lib records a creation stack trace on every CloudFormation element it creates (metadata only: never in a
 * template, an annotation or a finding), and under jest each trace goes through jest's source-map rewriting: ~12 % of
 * a fuzz run, 15-20 % of the construct suites. The context key `aws:cdk:disable-creation-stack-traces` turns them off
 * in every App; CDK_CONTEXT_JSON is how an App receives context from outside (the CDK CLI sets it the same way), and
 * keys a test gives its own App are kept. To see creation stacks while debugging a failure, set CDK_DEBUG=true.
 */
const context = JSON.parse(process.env.CDK_CONTEXT_JSON ?? '{}');
process.env.CDK_CONTEXT_JSON = JSON.stringify({ 'aws:cdk:disable-creation-stack-traces': true, ...context });
