-- Requests already run, by bus envelope id (docs/reliability.md, "Kafka restart"): after a
-- rebalance Kafka may deliver a request a second time, to another gateway; the first gateway to
-- claim the id runs it, the others do not. Rows live a few minutes (pruned by the gateways): a
-- redelivered request past its deadline is dropped anyway.
CREATE TABLE IF NOT EXISTS dh_request_ledger (
  id text PRIMARY KEY,
  claimed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS dh_request_ledger_claimed_at_idx ON dh_request_ledger (claimed_at);
