/**
 * Whether a string read off the wire may be used at all [MQTT-1.5.3-1, MQTT-1.5.3-2]: no U+0000,
 * and well-formed UTF-8. mqtt-packet decodes strings with `Buffer#toString('utf8')`, which turns
 * every ill-formed sequence into U+FFFD, so that character is the only trace an ill-formed topic
 * leaves; a well-formed U+FFFD is refused too (no DeviceHive topic needs it). Lone surrogates
 * cannot come from that decoder; `@dh-mqtt/protocol`'s topic checks cover strings from elsewhere.
 */
export function isAcceptableWireText(text: string): boolean {
  return !text.includes('\u0000') && !text.includes('\uFFFD');
}
