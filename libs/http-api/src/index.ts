export type { ActionFace } from './face/action-face.port';
export {
  API_TIMEOUTS,
  WEBSOCKET_PATH,
  createApiServer,
  type ApiServer,
  type ApiServerDeps,
} from './server/api-server';
export { DEFAULT_WAIT_SECONDS, MAX_WAIT_SECONDS } from './rest/rest-polls';
