import { decodeFrame, frame, frameItem, replyChannel } from './reply-frame';

const envelope = {
  v: 1,
  id: 'req-1',
  clientId: 'client-a',
  brokerId: 'broker-1',
  reply: { action: 'server/info', status: 'success' },
};

describe('reply frames (ADR 0013)', () => {
  it('names one channel per pod under the namespace', () => {
    expect(replyChannel('ns.', 'pod-7')).toBe('ns.dh:reply:pod-7');
  });

  it('carries replies and failures in the order they were framed', () => {
    const message = frame([
      frameItem(JSON.stringify(envelope)),
      frameItem(JSON.stringify({ ...envelope, id: 'req-2', reply: undefined }), 'DH_ERR_INTERNAL'),
    ]);
    const decoded = decodeFrame(message);

    expect(decoded).toEqual({
      ok: true,
      value: [
        { ok: true, value: { kind: 'reply', envelope } },
        { ok: true, value: { kind: 'failure', id: 'req-2', code: 'DH_ERR_INTERNAL' } },
      ],
    });
  });

  it.each([
    ['not JSON', 'nope'],
    ['another schema version', '{"v":2,"replies":[]}'],
    ['no replies array', '{"v":1}'],
  ])('refuses a message that is %s', (_what, message) => {
    expect(decodeFrame(message).ok).toBe(false);
  });

  it('refuses a reply without status or with an unknown failure code, item by item', () => {
    const decoded = decodeFrame(
      frame([
        frameItem(JSON.stringify({ ...envelope, reply: {} })),
        frameItem(JSON.stringify(envelope), 'DH_ERR_NO_SUCH_CODE' as never),
        frameItem(JSON.stringify(envelope)),
      ]),
    );

    expect(decoded.ok && decoded.value.map((item) => item.ok)).toEqual([false, false, true]);
  });
});
