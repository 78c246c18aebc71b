import { visibleNetworkIds } from '../core/access';
import type { ActionTable } from '../core/action';
import { namedEntityActions } from './named-entity.actions';

const network = namedEntityActions({
  table: 'dh_network',
  idField: 'networkId',
  objectField: 'network',
  listField: 'networks',
  visibleIds: visibleNetworkIds,
  countVisibleOnly: true,
  // docs/api/networks.md: visible devices inside and no `force` ⇒ 400
  guardVisibleDevicesOnly: true,
  errors: {
    idRequired: 'NETWORK_ID_REQUIRED',
    required: 'NETWORK_REQUIRED',
    notFound: 'NETWORK_NOT_FOUND',
    duplicate: 'DUPLICATE_NETWORK',
    deletionNotAllowed: 'NETWORK_DELETION_NOT_ALLOWED',
  },
});

/**
 * `network/*` (docs/api/networks.md). The docs/api/README.md target check (`checkTarget`) runs
 * before `get`/`update`/`delete`; these implementations add the visibility rules of
 * docs/api/README.md.
 */
export const networkActions: ActionTable = {
  'network/list': network.list,
  'network/count': network.count,
  'network/get': network.get,
  'network/insert': network.insert,
  'network/update': network.update,
  'network/delete': network.delete,
};
