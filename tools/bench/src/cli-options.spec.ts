import { defaultPodShape, parseOptions, parsePodShape } from './cli-options';

describe('--pods', () => {
  it('reads brokers+gateways', () => {
    expect(parsePodShape('2+1')).toEqual({ brokers: 2, gateways: 1 });
    expect(parseOptions(['--pods', '1+1']).pods).toEqual({ brokers: 1, gateways: 1 });
  });

  it.each(['2', '0+1', '1+0', 'a+b', '1+1+1'])('refuses %s', (text) => {
    expect(() => parsePodShape(text)).toThrow('--pods B+G');
  });

  it('defaults to one broker and one gateway per two cores', () => {
    expect(defaultPodShape(1)).toEqual({ brokers: 1, gateways: 1 });
    expect(defaultPodShape(2)).toEqual({ brokers: 1, gateways: 1 });
    expect(defaultPodShape(4)).toEqual({ brokers: 2, gateways: 2 });
  });
});
