import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { IConstruct } from 'constructs';
import { PropValidator } from '../internal/validation';

/**
 * Where every library alert and alarm of an app goes (`AlertRouting.routeAll`).
 */
export interface AlertRoutingProps {
  /**
   * Addresses that receive every alert and alarm. SNS sends each address one confirmation message per topic (two per
   * stack: the stack's alarm topic and its alert topic); nothing arrives until it is confirmed.
   *
   * @default - none
   * @see https://docs.aws.amazon.com/sns/latest/dg/sns-email-notifications.html
   */
  readonly emails?: string[];

  /**
   * Further subscriptions added to every library topic: an HTTPS endpoint of a chat or paging tool
   * (`subscriptions.UrlSubscription`), a Lambda function that forwards to a topic of yours (SNS cannot subscribe a topic
   * to a topic), an SQS queue. A subscription bound in another stack makes aws-cdk-lib add a cross-stack reference, and
   * aws-cdk-lib refuses one across regions: give an endpoint (email, URL) for stacks of several regions.
   *
   * @default - none
   * @see https://docs.aws.amazon.com/sns/latest/dg/sns-create-subscribe-endpoint-to-topic.html
   */
  readonly subscriptions?: sns.ITopicSubscription[];
}

interface Routing {
  readonly topics: sns.Topic[];
  readonly routes: AlertRoutingProps[];
  /** Per topic, the subscriber ids already added (each endpoint once per topic: each event reaches it once). */
  readonly added: WeakMap<sns.Topic, Set<string>>;
}

const ROUTINGS = new WeakMap<IConstruct, Routing>();

function routingOf(scope: IConstruct): Routing {
  const root = scope.node.root;
  let routing = ROUTINGS.get(root);
  if (!routing) {
    routing = { topics: [], routes: [], added: new WeakMap() };
    ROUTINGS.set(root, routing);
  }
  return routing;
}

function subscribe(routing: Routing, topic: sns.Topic, route: AlertRoutingProps): void {
  let added = routing.added.get(topic);
  if (!added) routing.added.set(topic, added = new Set());
  for (const email of route.emails ?? []) {
    if (added.has(`email:${email}`)) continue;
    added.add(`email:${email}`);
    topic.addSubscription(new subscriptions.EmailSubscription(email));
  }
  route.subscriptions?.forEach((subscription, i) => {
    const id = `subscription:${routing.routes.indexOf(route)}:${i}`;
    if (added.has(id)) return;
    added.add(id);
    topic.addSubscription(subscription);
  });
}

/**
 * Makes a topic one of the library's alert or alarm topics of its app: every route given to `AlertRouting.routeAll`,
 * before or after, subscribes to it.
 */
export function registerAlertTopic(topic: sns.Topic): void {
  const routing = routingOf(topic);
  if (routing.topics.includes(topic)) return;
  routing.topics.push(topic);
  for (const route of routing.routes) subscribe(routing, topic, route);
}

/**
 * Sends every alert and alarm of the library in an app to the people who must act, in one call.
 *
 * The library's topics are each stack's alarm topic (`EncryptedConstructsAlarmTopic`: every library alarm given no
 * `alarmTopic`, and the alarms on failed alert deliveries), each stack's key-tampering alert topic
 * (`KeyTamperingAlert/AlertTopic`: tampering with a key, a connection deauthorized) and, in a stack that audits
 * nothing, each connection's own alert topic. Every event is published to exactly one of them (a key is watched by one
 * rule of the app: `KeyTamperingAlert`), so each endpoint given here hears each event once. Topics you give the
 * constructs (`alarmTopic`, `alertTopic`) are yours to subscribe.
 *
 * The routes reach the stacks of every account and region of the app, those created before the call and after it.
 * Email and HTTPS deliveries need no key statement: SNS decrypts before it delivers.
 *
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html
 */
export class AlertRouting {
  /**
   * Subscribes the given endpoints to every library alert and alarm topic of the app that holds `scope`.
   *
   * @example
   * import { AlertRouting } from 'cdk-encrypted-constructs';
   *
   * // from any construct of the app: the routes reach every stack
   * AlertRouting.routeAll(this.node.root, { emails: ['security@example.com'] });
   */
  public static routeAll(scope: IConstruct, props: AlertRoutingProps): void {
    const v = new PropValidator({ node: { path: 'AlertRouting.routeAll' } } as IConstruct);
    const emails = props.emails ?? [];
    for (const email of emails) {
      v.check(typeof email === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email), 'emails', email, 'an email address (name@domain)');
    }
    v.check(emails.length + (props.subscriptions?.length ?? 0) > 0, 'props', 'no email and no subscription', 'at least one endpoint', false);
    (props.subscriptions ?? []).forEach(s => v.check(typeof s?.bind === 'function', 'subscriptions', s, 'an sns.ITopicSubscription'));
    v.throwIfInvalid();
    const routing = routingOf(scope);
    const route = { emails: [...new Set(emails)], subscriptions: props.subscriptions };
    routing.routes.push(route);
    for (const topic of routing.topics) subscribe(routing, topic, route);
  }

  /**
   * The library's alert and alarm topics of the app that holds `scope`, as created so far (call it after the stacks):
   * for a chat integration that takes topics (e.g. `chatbot.SlackChannelConfiguration`'s `notificationTopics`, in the
   * same account and region as each topic).
   */
  public static topicsOf(scope: IConstruct): sns.ITopic[] {
    return [...routingOf(scope).topics];
  }

  private constructor() {}
}
