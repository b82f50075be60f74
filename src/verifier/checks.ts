/*
 * What a Create or Update request runs: the key checks, then each resource's key-binding check, independent ones in
 * parallel. The checks are small functions over AWS SDK v3 clients they receive in the session; none builds a client.
 *
 * - key, key rotation, round trip, context binding: ./key-checks.ts (KMS)
 * - each resource: ./resource-checks.ts, which asks the resource's service through src/services/<service>/check.ts
 * - retries: ./retry.ts (docs/verifier-retries.md); failures explained: ./explain.ts
 *
 * Bundled into the verifier Lambda: import only @aws-sdk/*, node built-ins and the services' check.ts here.
 */
import { checkKey, checkKeyRotation, checkRoundTrip } from './key-checks';
import { CheckOutcome } from './outcomes';
import { describeResource, ResourceToVerify } from './protocol';
import { checkArchive, checkConnection, checkDbCluster, checkDbInstance, checkEventBus, checkQueue, checkSchedule, checkStream, checkTopic } from './resource-checks';
import { VerificationSession } from './session';

/**
 * Runs every check of a Create or Update request, independent ones in parallel, and returns their outcomes in a
 * stable order: key, key rotation (if asked), round trip, context binding, then the resources in request order.
 * `pending` (optional) holds the names of the checks still running, for the timeout message.
 */
export async function runChecks(session: VerificationSession, pending: Set<string> = new Set()): Promise<CheckOutcome[]> {
  const track = <T>(names: string[], promise: Promise<T>): Promise<T> => {
    names.forEach(n => pending.add(n));
    return promise.finally(() => names.forEach(n => pending.delete(n)));
  };
  const { request } = session;
  const key = track(['key'], checkKey(session));
  const rotation = request.checkRotation ? track(['key rotation'], checkKeyRotation(session)) : undefined;
  const roundTrip = track(['round trip', 'context binding'], checkRoundTrip(session));
  const resources = request.resources.map(r => track([describeResource(r)], checkResource(session, r)));
  const [k, rot, rt, ...res] = await Promise.all([key, rotation, roundTrip, ...resources]);
  return [k, ...(rot ? [rot] : []), rt.roundTrip, rt.contextBinding, ...res];
}

/** Checks that one resource really names the key. */
export async function checkResource(session: VerificationSession, resource: ResourceToVerify): Promise<CheckOutcome> {
  switch (resource.Type) {
    case 'AWS::Scheduler::Schedule':
      return checkSchedule(session, resource.Name, resource.GroupName);
    case 'AWS::Events::EventBus':
      return checkEventBus(session, resource.Name);
    case 'AWS::Events::Archive':
      return checkArchive(session, resource.Name);
    case 'AWS::Events::Connection':
      return checkConnection(session, resource.Name);
    case 'AWS::RDS::DBInstance':
      return checkDbInstance(session, resource.Identifier, resource.ExpectMasterUserSecret === 'true', resource.ExpectPerformanceInsights === 'true');
    case 'AWS::RDS::DBCluster':
      return checkDbCluster(session, resource.Identifier, resource.ExpectMasterUserSecret === 'true', resource.ExpectPerformanceInsights === 'true');
    case 'AWS::SQS::Queue':
      return checkQueue(session, resource.QueueUrl);
    case 'AWS::SNS::Topic':
      return checkTopic(session, resource.TopicArn);
    case 'AWS::Kinesis::Stream':
      return checkStream(session, resource.StreamArn);
  }
}
