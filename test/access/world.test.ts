import { DeployedWorld } from './world';

const TARGET = { account: '111122223333', region: 'eu-west-1', partition: 'aws' };

function world(resources: Record<string, any>, extra: Record<string, any> = {}): DeployedWorld {
  return new DeployedWorld(TARGET, [{ stackName: 'Orders', template: { Resources: resources, ...extra } }]);
}

describe('the deployed world', () => {
  test('a connection\'s Arn carries a uuid, its ArnForPolicy does not, and its secret ARN ends in a 6-character suffix', () => {
    const w = world({ Conn: { Type: 'AWS::Events::Connection', Properties: { Name: 'crm' } } });
    const conn = w.resource('Conn');
    expect(w.attribute(conn, 'Arn')).toMatch(/^arn:aws:events:eu-west-1:111122223333:connection\/crm\/[0-9a-f-]{36}$/);
    expect(w.attribute(conn, 'ArnForPolicy')).toBe('arn:aws:events:eu-west-1:111122223333:connection/crm');
    expect(w.attribute(conn, 'SecretArn')).toMatch(/^arn:aws:secretsmanager:eu-west-1:111122223333:secret:events!connection\/crm\/[0-9a-f-]{36}-[A-Za-z0-9]{6}$/);
  });

  test('a log group\'s Arn ends in :*, a role\'s carries its path, a queue\'s Ref is its URL, a topic\'s Ref its ARN', () => {
    const w = world({
      Group: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/x/y' } },
      Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'r', Path: '/service/' } },
      Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'q' } },
      Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: 't' } },
    });
    expect(w.attribute(w.resource('Group'), 'Arn')).toBe('arn:aws:logs:eu-west-1:111122223333:log-group:/x/y:*');
    expect(w.attribute(w.resource('Role'), 'Arn')).toBe('arn:aws:iam::111122223333:role/service/r');
    expect(w.ref(w.resource('Queue'))).toBe('https://sqs.eu-west-1.amazonaws.com/111122223333/q');
    expect(w.ref(w.resource('Topic'))).toBe('arn:aws:sns:eu-west-1:111122223333:t');
  });

  test('intrinsics resolve: Join, Sub (with ${!literal}), Select/Split, If on a condition, GetAtt, pseudo parameters', () => {
    const w = world({
      Bus: { Type: 'AWS::Events::EventBus', Properties: { Name: { 'Fn::Join': ['-', ['orders', { Ref: 'AWS::Region' }]] } } },
      Rule: { Type: 'AWS::Events::Rule', Properties: { Name: 'r', EventBusName: { Ref: 'Bus' } } },
    }, { Conditions: { IsEu: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] } } });
    expect(w.resolveIn('Orders', { 'Fn::Sub': 'arn:${AWS::Partition}:x:${Bus.Arn}:${!Literal}' })).toBe('arn:aws:x:arn:aws:events:eu-west-1:111122223333:event-bus/orders-eu-west-1:${Literal}');
    expect(w.resolveIn('Orders', { 'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::GetAtt': ['Bus', 'Arn'] }] }] })).toBe('orders-eu-west-1');
    expect(w.resolveIn('Orders', { 'Fn::If': ['IsEu', 'yes', 'no'] })).toBe('yes');
    expect(w.attribute(w.resource('Rule'), 'Arn')).toBe('arn:aws:events:eu-west-1:111122223333:rule/orders-eu-west-1/r');
    expect(w.ref(w.resource('Rule'))).toBe('orders-eu-west-1|r');
  });

  test('an Aurora cluster: Ref is its identifier in lower case (generated when absent), with its ARN, resource id, endpoints, port and master secret as RDS returns them', () => {
    const w = world({
      Cluster: { Type: 'AWS::RDS::DBCluster', Properties: { DBClusterIdentifier: 'Orders-DB', Engine: 'aurora-mysql' } },
      Unnamed: { Type: 'AWS::RDS::DBCluster', Properties: { Engine: 'aurora-postgresql' } },
      Writer: { Type: 'AWS::RDS::DBInstance', Properties: { DBClusterIdentifier: { Ref: 'Cluster' } } },
      Parameters: { Type: 'AWS::RDS::DBClusterParameterGroup', Properties: { Family: 'aurora-mysql8.0' } },
    });
    const cluster = w.resource('Cluster');
    expect(w.ref(cluster)).toBe('orders-db');
    expect(w.ref(w.resource('Unnamed'))).toMatch(/^orders-unnamed-[a-z0-9]{12}$/);
    expect(w.attribute(cluster, 'DBClusterArn')).toBe('arn:aws:rds:eu-west-1:111122223333:cluster:orders-db');
    expect(w.arnOf(cluster)).toBe('arn:aws:rds:eu-west-1:111122223333:cluster:orders-db');
    expect(w.attribute(cluster, 'DBClusterResourceId')).toMatch(/^cluster-[A-Z0-9]{26}$/);
    expect(w.attribute(cluster, 'Endpoint.Address')).toMatch(/^orders-db\.cluster-[a-z0-9]{12}\.eu-west-1\.rds\.amazonaws\.com$/);
    expect(w.attribute(cluster, 'ReadEndpoint.Address')).toMatch(/^orders-db\.cluster-ro-[a-z0-9]{12}\.eu-west-1\.rds\.amazonaws\.com$/);
    expect([w.attribute(cluster, 'Endpoint.Port'), w.attribute(w.resource('Unnamed'), 'Endpoint.Port')]).toEqual(['3306', '5432']);
    expect(w.attribute(cluster, 'MasterUserSecret.SecretArn')).toMatch(/^arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!cluster-[0-9a-f-]{36}-[A-Za-z0-9]{6}$/);
    expect(w.properties(w.resource('Writer')).DBClusterIdentifier).toBe('orders-db');
    expect(w.ref(w.resource('Parameters'))).toMatch(/^orders-parameters-[a-z0-9]{12}$/);
  });

  test('vended-log resources: a delivery source and destination are referenced by name, a delivery by its id; their ARNs are logs ARNs', () => {
    const w = world({
      Group: { Type: 'AWS::Logs::LogGroup', Properties: { LogGroupName: '/x/y' } },
      Source: { Type: 'AWS::Logs::DeliverySource', Properties: { Name: 'bus-errors', LogType: 'ERROR_LOGS', ResourceArn: 'arn:aws:events:eu-west-1:111122223333:event-bus/b' } },
      Destination: { Type: 'AWS::Logs::DeliveryDestination', Properties: { Name: 'bus-logs', DestinationResourceArn: 'arn:aws:logs:eu-west-1:111122223333:log-group:/x/y' } },
      Delivery: { Type: 'AWS::Logs::Delivery', Properties: { DeliverySourceName: { Ref: 'Source' }, DeliveryDestinationArn: { 'Fn::GetAtt': ['Destination', 'Arn'] } } },
    });
    expect(w.ref(w.resource('Source'))).toBe('bus-errors');
    expect(w.attribute(w.resource('Source'), 'Arn')).toBe('arn:aws:logs:eu-west-1:111122223333:delivery-source:bus-errors');
    expect(w.ref(w.resource('Destination'))).toBe('bus-logs');
    expect(w.attribute(w.resource('Destination'), 'Arn')).toBe('arn:aws:logs:eu-west-1:111122223333:delivery-destination:bus-logs');
    expect(w.attribute(w.resource('Destination'), 'DeliveryDestinationType')).toBe('CWL');
    const id = w.ref(w.resource('Delivery'));
    expect(id).toMatch(/^[a-z0-9]{16}$/);
    expect(w.attribute(w.resource('Delivery'), 'Arn')).toBe(`arn:aws:logs:eu-west-1:111122223333:delivery:${id}`);
    expect(w.attribute(w.resource('Delivery'), 'DeliveryDestinationType')).toBe('CWL');
    expect(w.properties(w.resource('Delivery'))).toEqual({ DeliverySourceName: 'bus-errors', DeliveryDestinationArn: 'arn:aws:logs:eu-west-1:111122223333:delivery-destination:bus-logs' });
  });

  test('a generated name is stable and unique per resource', () => {
    const w = world({ A: { Type: 'AWS::SQS::Queue' }, B: { Type: 'AWS::SQS::Queue' } });
    expect(w.nameOf(w.resource('A'))).toMatch(/^Orders-A-[A-Z0-9]{12}$/);
    expect(w.nameOf(w.resource('A'))).not.toBe(w.nameOf(w.resource('B')));
  });

  test('an unknown resource type, attribute or intrinsic fails loudly instead of being guessed', () => {
    expect(() => world({ X: { Type: 'AWS::Foo::Bar' } })).toThrow(/no model of AWS::Foo::Bar/);
    const w = world({ Q: { Type: 'AWS::SQS::Queue' } });
    expect(() => w.attribute(w.resource('Q'), 'Nope')).toThrow(/no model of AWS::SQS::Queue.Nope/);
    expect(() => w.resolveIn('Orders', { 'Fn::Transform': {} })).toThrow(/Fn::Transform is not modelled/);
  });
});
