import { connect, type IClientOptions, type IConnackPacket, type MqttClient } from 'mqtt';
import { Inbox } from '@dh-mqtt/broker/testing';

/**
 * Connects with the inbox attached before CONNACK, so messages that arrive right behind it (the
 * offline queue of a resumed session) are not missed. No automatic reconnects.
 */
export function connectWithInbox(
  url: string,
  clientId: string,
  options: IClientOptions = {},
): Promise<{ client: MqttClient; inbox: Inbox; connack: IConnackPacket }> {
  const client = connect(url, { clientId, reconnectPeriod: 0, connectTimeout: 5_000, ...options });
  const inbox = new Inbox(client);
  return new Promise((resolve, reject) => {
    client.once('connect', (connack) => {
      client.off('error', reject);
      resolve({ client, inbox, connack });
    });
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
  });
}
