import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EncryptedResourceProps } from '../encrypted-resource/props';

/**
 * Properties of an `EncryptedConnection`.
 */
export interface EncryptedConnectionProps extends EncryptedResourceProps {
  /**
   * How EventBridge authorizes with the endpoint: an API key, Basic (username and password) or OAuth client
   * credentials. EventBridge stores the credentials in a Secrets Manager secret that the key encrypts.
   *
   * Every secret (API key value, password, OAuth client secret) must be a `SecretValue` that resolves to a Secrets
   * Manager dynamic reference, such as `SecretValue.secretsManager('crm/api-key')` or `secret.secretValue`: the
   * template then holds `{{resolve:secretsmanager:...}}`, never the credential. A plain-text value
   * (`SecretValue.unsafePlainText`), an SSM SecureString reference or a CloudFormation parameter is a synth error.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-target-connection-auth.html
   */
  readonly authorization: events.Authorization;

  /**
   * Name of the connection: 1 to 64 letters, digits, `.`, `-` and `_`.
   *
   * The key policy names the connection's secret (`events!connection/<name>/*`), so the name must be known before
   * deploy: when you give none, a stable name is derived from the construct path.
   *
   * @default - a name derived from the construct path
   */
  readonly connectionName?: string;

  /**
   * Description of the connection (at most 512 characters).
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * Header parameters EventBridge adds to every request through this connection. A parameter made with
   * `HttpParameter.fromSecret` is stored in the connection's encrypted secret and must be a Secrets Manager dynamic
   * reference; `HttpParameter.fromString` values are plain text in the template.
   *
   * @default - no extra headers
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ConnectionHttpParameters.html
   */
  readonly headerParameters?: { [key: string]: events.HttpParameter };

  /**
   * Query-string parameters EventBridge adds to every request through this connection (secret values as for
   * `headerParameters`).
   *
   * @default - no extra query-string parameters
   */
  readonly queryStringParameters?: { [key: string]: events.HttpParameter };

  /**
   * Body parameters EventBridge adds to every request through this connection (secret values as for
   * `headerParameters`).
   *
   * @default - no extra body parameters
   */
  readonly bodyParameters?: { [key: string]: events.HttpParameter };

  /**
   * Where deauthorization alerts go: EventBridge deauthorizes the connection when the key is disabled, deleted or
   * unreachable (or the endpoint rejects the credentials), and the construct's rule sends that event here.
   *
   * A topic you bring must let `events.amazonaws.com` publish: the construct adds a topic-policy statement scoped to
   * its rule when the topic is defined in this app; an encrypted topic's key must allow EventBridge too.
   *
   * It may not be encrypted with the connection's key, which may be the cause of the alert.
   *
   * @default - the stack's key-tampering alert topic (the stack's `KeyTamperingAlert`) when the key is audited, else a new topic
   *            encrypted with a dedicated key (never the connection's key, which may be the cause of the alert)
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-target-connection-deauthorize.html
   */
  readonly alertTopic?: sns.ITopic;
}
