import { defaultPodShape, parseLevels, parseOptions, parsePodShape } from './cli-options';

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

describe('--levels', () => {
  it('reads the paced loads in the order given', () => {
    expect(parseLevels('5, 10,25')).toEqual([5, 10, 25]);
    expect(parseOptions(['--levels', '50,12.5']).levels).toEqual([50, 12.5]);
  });

  it('keeps a repeated level: one more window at that load', () => {
    expect(parseLevels('50,50')).toEqual([50, 50]);
  });

  it('leaves the default to the scenario when absent', () => {
    expect(parseOptions([]).levels).toBeUndefined();
  });

  it.each(['', '0', '101', '5,x', '-10', '5,,10'])('refuses %p', (text) => {
    expect(() => parseLevels(text)).toThrow('--levels');
  });
});
