import { FabricPushInterest } from './push-interest';

describe(FabricPushInterest.name, () => {
  const setup = (lingerMs = 50) => {
    const calls: string[] = [];
    const interest = new FabricPushInterest(
      async () => void calls.push('listen'),
      async () => void calls.push('unlisten'),
      lingerMs,
    );
    return { calls, interest };
  };
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('listens once for any number of holders and resolves each hold once listening', async () => {
    const { calls, interest } = setup();
    await Promise.all([interest.hold(), interest.hold(), interest.hold()]);
    expect(calls).toEqual(['listen']);
    expect(interest.active).toBe(true);
  });

  it('stops listening only after the last holder left and the linger passed', async () => {
    const { calls, interest } = setup(30);
    await interest.hold();
    await interest.hold();
    interest.release();
    await wait(60);
    expect(calls).toEqual(['listen']);
    interest.release();
    await wait(10);
    expect(calls).toEqual(['listen']);
    await wait(60);
    expect(calls).toEqual(['listen', 'unlisten']);
    expect(interest.active).toBe(false);
  });

  it('keeps listening when a holder comes back within the linger', async () => {
    const { calls, interest } = setup(30);
    await interest.hold();
    interest.release();
    await wait(10);
    await interest.hold();
    await wait(60);
    expect(calls).toEqual(['listen']);
  });

  it('listens again after it stopped, in call order', async () => {
    const { calls, interest } = setup(5);
    await interest.hold();
    interest.release();
    await wait(30);
    await interest.hold();
    expect(calls).toEqual(['listen', 'unlisten', 'listen']);
  });

  it('ignores a release without a hold', async () => {
    const { calls, interest } = setup(5);
    interest.release();
    await interest.hold();
    interest.release();
    interest.release();
    await interest.hold();
    await wait(30);
    expect(calls).toEqual(['listen']);
  });
});
