import { createServer } from 'node:net';
import { ConfigError } from '../config/env-reader';
import { closeServer, listen } from './close-server';

describe(listen.name, () => {
  describe('when the port is already in use', () => {
    it('rejects with a configuration error that names the variable and the port', async () => {
      const first = createServer();
      const port = await listen(first, 0, '127.0.0.1');
      const second = createServer();
      try {
        const attempt = listen(second, port, '127.0.0.1', 'DH_MQTT_PORT');
        await expect(attempt).rejects.toBeInstanceOf(ConfigError);
        await expect(attempt).rejects.toThrow(
          `DH_MQTT_PORT port ${port} is already in use on 127.0.0.1`,
        );
      } finally {
        await closeServer(first);
      }
    });
  });

  it('resolves with the bound port when asked for a free one', async () => {
    const server = createServer();
    expect(await listen(server, 0, '127.0.0.1', 'DH_HTTP_PORT')).toBeGreaterThan(0);
    await closeServer(server);
  });
});
