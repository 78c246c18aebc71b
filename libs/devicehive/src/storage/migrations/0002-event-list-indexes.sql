-- Indexes for the list and replay paths measured at 200k rows (EXPLAIN on PGlite):
-- id-ordered lists of one device, name-sorted lists, and the replay of updated commands.
CREATE INDEX IF NOT EXISTS dh_notification_device_id_idx ON dh_notification (device_id, id);
CREATE INDEX IF NOT EXISTS dh_command_device_id_idx ON dh_command (device_id, id);
CREATE INDEX IF NOT EXISTS dh_notification_device_name_idx ON dh_notification (device_id, notification, id);
CREATE INDEX IF NOT EXISTS dh_command_device_name_idx ON dh_command (device_id, command, id);
CREATE INDEX IF NOT EXISTS dh_command_device_updated_idx ON dh_command (device_id, last_updated, id) WHERE is_updated;
