// aedes-persistence-redis 12 ships no type declarations; this is the part the cluster uses.
declare module 'aedes-persistence-redis' {
  import type { Redis, RedisOptions } from 'ioredis';

  interface AedesPersistenceRedisOptions extends RedisOptions {
    /** An ioredis connection to use instead of one built from the options (not closed by us). */
    conn?: Redis;
    /** Offline messages delivered on CONNECT (default 1000). */
    maxSessionDelivery?: number;
    /** Seconds an offline message lives (0 = forever). */
    packetTTL?: (packet: unknown) => number;
  }

  /** The callback/async persistence aedes expects; `destroy` disconnects its Redis connection. */
  interface AedesPersistenceRedis {
    setup(broker: unknown): Promise<void>;
    destroy(): Promise<void>;
  }

  function createPersistence(options?: AedesPersistenceRedisOptions): AedesPersistenceRedis;
  export = createPersistence;
}
