/**
 * What EventBridge requires of a connection and an API destination: the tag on the connection's key, and what the
 * EventBridge API reference allows in each field. Imports nothing, so the verifier's Lambda bundle may use it too.
 */

/**
 * The tag EventBridge requires on a key that protects a connection's secret (`EventBridgeApiDestinations=true`).
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/encryption-connections.html
 */
export const API_DESTINATIONS_TAG_KEY = 'EventBridgeApiDestinations';

/**
 * What the EventBridge API reference allows for a connection's and an API destination's fields, in one place.
 * Each pattern is the one the API reference documents for the field, anchored.
 */
export const CONNECTION_FACTS = {
  /**
   * API key name and value, Basic user name and password, OAuth client id and secret: 1 to 512 characters, no control
   * characters (tab only around words) and no `:`.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateConnectionApiKeyAuthRequestParameters.html
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateConnectionBasicAuthRequestParameters.html
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateConnectionOAuthClientRequestParameters.html
   */
  credentialPattern: /^[ \t]*[^\x00-\x1F:\x7F]+([ \t]+[^\x00-\x1F:\x7F]+)*[ \t]*$/,
  credentialAllowed: '1 to 512 characters without ":" or control characters',
  credentialMaxLength: 512,
  /**
   * Header parameter values: printable ASCII (spaces and tabs only between words), at most 512 characters.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ConnectionHeaderParameter.html
   */
  headerValuePattern: /^[ \t]*[\x20-\x7E]+([ \t]+[\x20-\x7E]+)*[ \t]*$/,
  headerValueAllowed: 'printable ASCII characters (no control characters, no non-ASCII), at most 512',
  /**
   * Query-string parameter keys and values: no control characters (values may hold LF and CR), at most 512.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ConnectionQueryStringParameter.html
   */
  queryKeyPattern: /^[^\x00-\x1F\x7F]+$/,
  queryValuePattern: /^[^\x00-\x09\x0B\x0C\x0E-\x1F\x7F]+$/,
  /**
   * API destination invocation endpoints and OAuth authorization endpoints: 1 to 2048 characters of URL characters
   * (letters, digits, `-()_.!~*';/?:@&=+$,` and `%` escapes). No spaces, no non-ASCII host, no `{placeholder}`, no
   * `#fragment`.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateApiDestination.html#eventbridge-CreateApiDestination-request-InvocationEndpoint
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ConnectionOAuthResponseParameters.html
   */
  endpointPattern: /^((%[0-9A-Fa-f]{2}|[-()_.!~*';/?:@&=+$,A-Za-z0-9])+)([).!';/?:,])?$/,
  endpointMaxLength: 2048,
};
