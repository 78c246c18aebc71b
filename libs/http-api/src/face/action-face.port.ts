import type { ClientSession, DeviceEventListener, ReadHoldPolicy } from '@dh-mqtt/broker';
import type { Reply, RequestMessage } from '@dh-mqtt/protocol';

/**
 * What the REST and WebSocket APIs need from the broker side (docs/adr/0012): a `DhBroker` is one.
 * Requests go through the same admission, session answers and bus envelope as MQTT requests;
 * device events come from the same fabric.
 */
export interface ActionFace {
  handleFaceRequest(session: ClientSession, request: RequestMessage): Promise<Reply>;
  onDeviceEvent(listener: DeviceEventListener): Promise<() => Promise<void>>;
  /**
   * When a WebSocket connection stops being read because its requests are unanswered
   * (docs/adr/0020); without it, connections are always read (the limit's 429 still applies).
   */
  readHoldPolicy?(): ReadHoldPolicy;
}
