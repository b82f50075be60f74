/**
 * CloudTrail trails (their key, bucket and CloudWatch Logs delivery), CloudWatch Logs log groups on a customer
 * managed key, Lambda functions writing their logs, and S3 server access logging.
 */
import { roleCaller } from '../evaluator';
import { keyByArn, pathsFor, roleByArn } from './common';
import { DOCS } from './docs';
import { AccessPath, Catalog, subjectOf } from './types';

export const auditTrailCatalog: Catalog = (world, principals) => {
  const out: AccessPath[] = [];
  const cloudtrail = principals.service('cloudtrail.amazonaws.com');

  for (const trail of world.ofType('AWS::CloudTrail::Trail')) {
    const props = world.properties(trail);
    const path = pathsFor(subjectOf(trail));
    const trailArn = world.attribute(trail, 'Arn');
    const otherTrailArn = trailArn.replace(/trail\/.*$/, 'trail/another-trail');
    const source = { 'aws:SourceArn': trailArn, 'aws:SourceAccount': trail.account };
    const key = keyByArn(world, props.KMSKeyId);
    if (key) {
      const keyArn = world.attribute(key, 'Arn');
      out.push(
        path('deploy', 'CloudTrail describes the trail key', cloudtrail, 'kms:DescribeKey', keyArn, 'Allowed', DOCS.cloudTrailKeyPolicy, source),
        path('runtime', 'CloudTrail generates data keys for the log files', cloudtrail, 'kms:GenerateDataKey', keyArn, 'Allowed', DOCS.cloudTrailKeyPolicy,
          { ...source, 'kms:EncryptionContext:aws:cloudtrail:arn': trailArn }),
        path('deploy', 'CloudTrail decrypts with the key (required with an S3 Bucket Key)', cloudtrail, 'kms:Decrypt', keyArn, 'Allowed', DOCS.cloudTrailBucketKeyDecrypt,
          { ...source, 'kms:EncryptionContext:aws:cloudtrail:arn': trailArn }, ['kms:EncryptionContext:aws:cloudtrail:arn']),
        path('negative', 'CloudTrail cannot use the key for another trail', cloudtrail, 'kms:GenerateDataKey', keyArn, 'Denied', DOCS.cloudTrailKeyPolicy,
          { 'aws:SourceArn': otherTrailArn, 'aws:SourceAccount': trail.account, 'kms:EncryptionContext:aws:cloudtrail:arn': otherTrailArn }),
        path('negative', 'CloudTrail cannot decrypt with the key for another trail', cloudtrail, 'kms:Decrypt', keyArn, 'Denied', DOCS.cloudTrailBucketKeyDecrypt,
          { 'aws:SourceArn': otherTrailArn, 'aws:SourceAccount': trail.account }),
      );
    }
    const bucketName = props.S3BucketName;
    if (world.ofType('AWS::S3::Bucket').some(b => world.ref(b) === bucketName)) {
      const bucketArn = `arn:${trail.partition}:s3:::${bucketName}`;
      const prefix = props.S3KeyPrefix ? `${props.S3KeyPrefix}/` : '';
      const object = `${bucketArn}/${prefix}AWSLogs/${trail.account}/CloudTrail/${trail.region}/2026/11/26/${trail.account}_CloudTrail_${trail.region}_20261126T0000Z_abc.json.gz`;
      out.push(
        path('deploy', 'CloudTrail checks the bucket ACL', cloudtrail, 's3:GetBucketAcl', bucketArn, 'Allowed', DOCS.cloudTrailBucketPolicy, source),
        path('runtime', 'CloudTrail writes a log file', cloudtrail, 's3:PutObject', object, 'Allowed', DOCS.cloudTrailBucketPolicy,
          { ...source, 's3:x-amz-acl': 'bucket-owner-full-control' }),
        path('negative', 'CloudTrail cannot write another trail\'s log files to the bucket', cloudtrail, 's3:PutObject', object, 'Denied', DOCS.cloudTrailBucketPolicy,
          { 'aws:SourceArn': otherTrailArn, 'aws:SourceAccount': trail.account, 's3:x-amz-acl': 'bucket-owner-full-control' }),
      );
    }
    const logsRole = roleByArn(world, props.CloudWatchLogsRoleArn);
    const logGroupArn: string | undefined = props.CloudWatchLogsLogGroupArn;
    if (logsRole && logGroupArn) {
      const roleArn = world.attribute(logsRole, 'Arn');
      const role = roleCaller(world, logsRole, 'the trail\'s CloudWatch Logs role');
      const groupArn = logGroupArn.replace(/:\*$/, '');
      const regions = props.IsMultiRegionTrail ? [trail.region, trail.region === 'us-east-1' ? 'ap-southeast-2' : 'us-east-1'] : [trail.region];
      out.push(path('runtime', 'CloudTrail assumes the CloudWatch Logs role (the documented trust policy has no condition)', cloudtrail, 'sts:AssumeRole', roleArn, 'Allowed', DOCS.cloudTrailLogsRole,
        source, ['aws:SourceArn', 'aws:SourceAccount']));
      for (const region of regions) {
        for (const stream of [`${trail.account}_CloudTrail_${region}`, `${trail.account}_CloudTrail_${region}_2`]) {
          out.push(
            path('runtime', `the logs role creates the stream ${stream}`, role, 'logs:CreateLogStream', `${groupArn}:log-stream:${stream}`, 'Allowed', DOCS.cloudTrailLogStreams),
            path('runtime', `the logs role puts events in the stream ${stream}`, role, 'logs:PutLogEvents', `${groupArn}:log-stream:${stream}`, 'Allowed', DOCS.cloudTrailLogStreams),
          );
        }
      }
    }
  }

  for (const group of world.ofType('AWS::Logs::LogGroup')) {
    const key = keyByArn(world, world.properties(group).KmsKeyId);
    if (!key) continue;
    const path = pathsFor(subjectOf(group));
    const logs = principals.service(`logs.${group.region}.amazonaws.com`);
    const groupArn = world.attribute(group, 'Arn').replace(/:\*$/, '');
    const keyArn = world.attribute(key, 'Arn');
    for (const action of ['kms:GenerateDataKey', 'kms:Encrypt', 'kms:Decrypt']) {
      out.push(path('runtime', `CloudWatch Logs may ${action.slice(4)} for the log group`, logs, action, keyArn, 'Allowed', DOCS.logsKeyPolicy, { 'kms:EncryptionContext:aws:logs:arn': groupArn }));
    }
    out.push(path('negative', 'CloudWatch Logs cannot use the key for another log group', logs, 'kms:Decrypt', keyArn, 'Denied', DOCS.logsKeyPolicy,
      { 'kms:EncryptionContext:aws:logs:arn': groupArn.replace(/log-group:.*$/, 'log-group:another-group') }));
  }

  for (const fn of world.ofType('AWS::Lambda::Function')) {
    const props = world.properties(fn);
    const groupName = props.LoggingConfig?.LogGroup;
    const role = roleByArn(world, props.Role);
    if (!groupName || !role) continue;
    const path = pathsFor(subjectOf(fn));
    const stream = `arn:${fn.partition}:logs:${fn.region}:${fn.account}:log-group:${groupName}:log-stream:2026/11/26/[$LATEST]0123456789abcdef`;
    const caller = roleCaller(world, role, `execution role of ${fn.logicalId}`);
    out.push(
      path('runtime', 'the function creates its log stream', caller, 'logs:CreateLogStream', stream, 'Allowed', DOCS.lambdaExecutionRole),
      path('runtime', 'the function writes its logs', caller, 'logs:PutLogEvents', stream, 'Allowed', DOCS.lambdaExecutionRole),
      path('runtime', 'Lambda assumes the function\'s execution role', principals.service('lambda.amazonaws.com'), 'sts:AssumeRole', world.attribute(role, 'Arn'), 'Allowed', DOCS.lambdaExecutionRole),
    );
    // A function in a VPC: Lambda creates and manages its network interfaces with the execution role's permissions.
    const vpc = props.VpcConfig;
    if (vpc?.SubnetIds?.length) {
      const ec2 = (resource: string) => `arn:${fn.partition}:ec2:${fn.region}:${fn.account}:${resource}`;
      const eni = ec2('network-interface/eni-0123456789abcdef0');
      out.push(
        path('deploy', 'Lambda creates the function\'s network interface in its subnet', caller, 'ec2:CreateNetworkInterface', eni, 'Allowed', DOCS.lambdaVpc),
        path('deploy', 'Lambda creates the network interface in the function\'s subnet', caller, 'ec2:CreateNetworkInterface', ec2(`subnet/${vpc.SubnetIds[0]}`), 'Allowed', DOCS.lambdaVpc),
        ...(vpc.SecurityGroupIds ?? []).map((sg: string) =>
          path('deploy', 'Lambda attaches the function\'s security group to the interface', caller, 'ec2:CreateNetworkInterface', ec2(`security-group/${sg}`), 'Allowed', DOCS.lambdaVpc)),
        path('deploy', 'Lambda describes the network interfaces', caller, 'ec2:DescribeNetworkInterfaces', '*', 'Allowed', DOCS.lambdaVpc),
        path('deploy', 'Lambda deletes the function\'s network interface', caller, 'ec2:DeleteNetworkInterface', eni, 'Allowed', DOCS.lambdaVpc),
        path('negative', 'the role cannot create network interfaces in another account\'s subnet', caller, 'ec2:CreateNetworkInterface',
          ec2(`subnet/${vpc.SubnetIds[0]}`).replace(`:${fn.account}:`, ':999988887777:'), 'Denied', DOCS.lambdaVpc),
      );
    }
  }

  for (const bucket of world.ofType('AWS::S3::Bucket')) {
    const logging = world.properties(bucket).LoggingConfiguration;
    if (!logging?.DestinationBucketName) continue;
    const path = pathsFor(subjectOf(bucket));
    const object = `arn:${bucket.partition}:s3:::${logging.DestinationBucketName}/${logging.LogFilePrefix ?? ''}2026-11-26-00-00-00-0123456789ABCDEF`;
    const logging_ = principals.service('logging.s3.amazonaws.com');
    out.push(
      path('runtime', 'S3 delivers the bucket\'s server access logs', logging_, 's3:PutObject', object, 'Allowed', DOCS.s3ServerAccessLogs,
        { 'aws:SourceArn': world.attribute(bucket, 'Arn'), 'aws:SourceAccount': bucket.account }),
      path('negative', 'S3 cannot deliver another bucket\'s access logs there', logging_, 's3:PutObject', object, 'Denied', DOCS.s3ServerAccessLogs,
        { 'aws:SourceArn': `arn:${bucket.partition}:s3:::another-bucket`, 'aws:SourceAccount': bucket.account }),
    );
  }
  return out;
};
