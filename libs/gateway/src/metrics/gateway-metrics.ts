import { ACTION_NAMES } from '@dh-mqtt/protocol';
import { Counter, type Registry } from 'prom-client';

type CounterChild = ReturnType<Counter<string>['labels']>;

/** The `action` label of an action outside the catalog (bounded label values). */
const OTHER_ACTION = 'other';

/**
 * The gateway's counters (docs/operations.md, "Metrics"): actions run, by action and outcome
 * (`success` or the error code), and requests the shared ledger refused to run twice. Children
 * are bound once per label pair.
 */
export class GatewayMetrics {
  private readonly actions: Counter<string>;
  private readonly children = new Map<string, Map<string | number, CounterChild>>();
  private readonly ledgerRefusals: Counter<string>;

  constructor(registry: Registry) {
    this.actions = new Counter({
      name: 'dh_gateway_actions_total',
      help: 'Requests the gateway answered, by action and outcome (success or the error code)',
      labelNames: ['action', 'outcome'],
      registers: [registry],
    });
    this.ledgerRefusals = new Counter({
      name: 'dh_gateway_ledger_refusals_total',
      help: 'Requests delivered again after another gateway ran them: answered 503, not run twice',
      registers: [registry],
    });
    for (const action of [...ACTION_NAMES, OTHER_ACTION]) this.children.set(action, new Map());
  }

  /** One answered request. */
  answered(action: string | null, outcome: 'success' | number): void {
    const byOutcome =
      (action !== null ? this.children.get(action) : undefined) ??
      (this.children.get(OTHER_ACTION) as Map<string | number, CounterChild>);
    let child = byOutcome.get(outcome);
    if (!child) {
      const label = action !== null && this.children.has(action) ? action : OTHER_ACTION;
      child = this.actions.labels(label, String(outcome));
      byOutcome.set(outcome, child);
    }
    child.inc();
  }

  ledgerRefused(): void {
    this.ledgerRefusals.inc();
  }
}
