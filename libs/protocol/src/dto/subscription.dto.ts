import { StringField } from './field-decorators';

/**
 * `subscription/list` (docs/api/subscriptions.md): `type` optional string; any value other than
 * `command`/`notification` yields an empty list (broker), a non-string ⇒ 400 naming `type`.
 * Left to the broker: which subscriptions the token may list (403 without either permission).
 */
export class SubscriptionListRequest {
  @StringField()
  type?: string;
}
