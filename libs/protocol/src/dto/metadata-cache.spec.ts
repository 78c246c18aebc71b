import { getMetadataStorage, IsInt, IsString, validateSync } from 'class-validator';
import { cacheValidationMetadata, type ValidationMetadataStorage } from './metadata-cache';
import { REQUEST_DTOS } from './request-dtos';

const storage = () => getMetadataStorage() as unknown as ValidationMetadataStorage;

describe(cacheValidationMetadata.name, () => {
  beforeAll(() => cacheValidationMetadata());

  it('answers a repeated lookup with the same metadata, grouped once', () => {
    const dto = REQUEST_DTOS['notification/insert'];
    const first = storage().getTargetValidationMetadatas(dto, '', false, false);
    const again = storage().getTargetValidationMetadatas(dto, '', false, false);

    expect(again).toBe(first);
    expect(first.length).toBeGreaterThan(0);
    expect(storage().groupByPropertyName(again)).toBe(storage().groupByPropertyName(first));
  });

  it('keeps lookups with other options apart', () => {
    const dto = REQUEST_DTOS['notification/insert'];
    const plain = storage().getTargetValidationMetadatas(dto, '', false, false);
    const grouped = storage().getTargetValidationMetadatas(dto, '', false, false, ['other']);

    expect(grouped).not.toBe(plain);
  });

  it('sees a rule registered after the class was validated', () => {
    class Late {
      @IsString()
      name: unknown = 'ok';
      extra: unknown = 'x';
    }
    expect(validateSync(new Late())).toEqual([]);

    IsInt()(Late.prototype, 'extra');

    expect(validateSync(new Late()).map((e) => e.property)).toEqual(['extra']);
  });

  it('gives a subclass its own rules and the inherited ones', () => {
    class Base {
      @IsString()
      name: unknown = 'ok';
    }
    expect(validateSync(new Base())).toEqual([]);
    class Derived extends Base {
      @IsInt()
      count: unknown = 1;
    }

    const errors = validateSync(Object.assign(new Derived(), { name: 5, count: 'many' }));

    expect(errors.map((e) => e.property).sort()).toEqual(['count', 'name']);
  });
});
