import type {
  ActionName,
  ActionReply,
  ActionRequest,
  CommandInsertPush,
  CommandUpdatePush,
  NotificationInsertPush,
} from '@dh-mqtt/protocol';

/**
 * Request fields the server fills in when they are absent (docs/api/README.md "Lists", the action
 * pages): the DTO classes declare them with initializers, so their types cannot tell.
 */
type DefaultedField =
  | 'take'
  | 'skip'
  | 'sortOrder'
  | 'force'
  | 'returnUpdatedCommands'
  | 'limit'
  | 'status'
  | 'introReviewed'
  | 'allDeviceTypesAvailable';

/** A field's value as sent: timestamps as ISO 8601 text or epoch milliseconds. */
export type WireValue<V> = V extends Date
  ? string | number | Date
  : V extends readonly (infer E)[]
    ? WireValue<E>[]
    : V extends (...args: never[]) => unknown
      ? never
      : V extends object
        ? WireBody<V>
        : V;

type FieldKeys<T> = {
  [K in keyof T]-?: T[K] extends (...args: never[]) => unknown ? never : K;
}[keyof T];
type OptionalKeys<T> = {
  [K in FieldKeys<T>]-?: K extends DefaultedField ? K : undefined extends T[K] ? K : never;
}[FieldKeys<T>];
type RequiredKeys<T> = Exclude<FieldKeys<T>, OptionalKeys<T>>;

/** The JSON body of a request DTO: required fields stay required, the others may be omitted. */
export type WireBody<T> = { [K in RequiredKeys<T>]: WireValue<T[K]> } & {
  [K in OptionalKeys<T>]?: WireValue<T[K]> | null;
};

/** The fields of action `A`'s request, beside `action` and `requestId` (docs/api/README.md). */
export type ActionBody<A extends ActionName> = WireBody<ActionRequest<A>>;

/** `[body]` when action `A` has a required field, else `[body?]`. */
export type ActionArgs<A extends ActionName> =
  RequiredKeys<ActionRequest<A>> extends never ? [body?: ActionBody<A>] : [body: ActionBody<A>];

/** The success reply of action `A`: the envelope and the action's own fields. */
export type ActionResult<A extends ActionName> = {
  action: A;
  requestId: string;
  status: 'success';
} & ActionReply<A>;

/** A push as delivered on an event topic (docs/api/subscriptions.md "Pushes"). */
export type DhPush = NotificationInsertPush | CommandInsertPush | CommandUpdatePush;

/** The push type delivered on each kind of event topic. */
export type PushOf<K extends 'notification' | 'command' | 'command_update'> =
  K extends 'notification'
    ? NotificationInsertPush
    : K extends 'command'
      ? CommandInsertPush | CommandUpdatePush
      : CommandUpdatePush;

/** The fields of a `notification/subscribe` or `command/subscribe` request. */
export type SubscribeBody<A extends 'notification/subscribe' | 'command/subscribe'> =
  ActionArgs<A>[0];

export type { ActionName, CommandInsertPush, CommandUpdatePush, NotificationInsertPush };
