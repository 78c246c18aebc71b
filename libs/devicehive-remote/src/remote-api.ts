import { DhError, type ActionName } from '@dh-mqtt/protocol';
import type { RemoteEndpoints, RemoteLogger } from './events/remote-event-stream.port';
import { isSuccess, remoteError } from './http/remote-errors';
import {
  RemoteCallError,
  type RemoteCall,
  type RemoteHttpClient,
  type RemoteResponse,
} from './http/remote-http-client';
import type { RemoteMetrics } from './metrics/remote-metrics';

type QueryValue = string | number | boolean | null | undefined;

/**
 * The remote server as the actions see it: URLs on its two bases, and calls that are counted,
 * timed and logged (never with a token or a body: docs/operations.md, "Remote DeviceHive").
 */
export class RemoteApi {
  constructor(
    private readonly http: RemoteHttpClient,
    private readonly endpoints: RemoteEndpoints,
    private readonly metrics: RemoteMetrics,
    private readonly logger: RemoteLogger,
  ) {}

  /** `base` + `path` (segments already encoded) + the defined query values. */
  url(base: 'rest' | 'auth', path: string, query: Record<string, QueryValue> = {}): string {
    const root = (base === 'rest' ? this.endpoints.restUrl : this.endpoints.authUrl).replace(
      /\/+$/,
      '',
    );
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== null) search.set(name, String(value));
    }
    const text = search.toString();
    return `${root}${path}${text ? `?${text}` : ''}`;
  }

  /**
   * One call for `action`: resolves with any HTTP answer; rejects with a 503 DhError when the
   * server did not answer within the bound or could not be reached (logged as a warning).
   */
  async call(action: ActionName, call: RemoteCall): Promise<RemoteResponse> {
    const started = performance.now();
    try {
      const response = await this.http.send(call);
      this.metrics.observe(action, String(response.status), performance.now() - started);
      return response;
    } catch (error) {
      const failure = error instanceof RemoteCallError ? error.failure : 'unavailable';
      const durationMs = Math.round(performance.now() - started);
      this.metrics.observe(action, failure, durationMs);
      this.logger.warn(
        { action, method: call.method, path: new URL(call.url).pathname, failure, durationMs },
        failure === 'timeout'
          ? 'remote DeviceHive did not answer in time'
          : 'remote DeviceHive unreachable',
      );
      throw error instanceof DhError ? error : new DhError('DH_ERR_BACKEND_UNAVAILABLE');
    }
  }

  /** {@link call}, and an error status becomes the server's error reply (remote-errors.ts). */
  async expect(action: ActionName, call: RemoteCall): Promise<unknown> {
    const response = await this.call(action, call);
    if (!isSuccess(response)) throw remoteError(response);
    return response.body;
  }
}
