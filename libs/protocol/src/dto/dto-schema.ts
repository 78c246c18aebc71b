import { getMetadataStorage } from 'class-validator';

/** Converts a raw field's wire value before validation. */
export type RawConverter = (value: unknown) => unknown;

/**
 * What class-validator's metadata does not say about a DTO class: which fields hold a nested DTO
 * and which are "raw" (free JSON objects, lists) that class-transformer must not walk: it recurses
 * into hostile depth and spends microseconds per array element. `validateRequest` uses it to copy
 * only declared fields out of the wire payload (no `__proto__`/`constructor` keys) before
 * class-transformer sees it, and to put raw fields back verbatim (or converted) afterwards.
 */
interface ClassSchema {
  nested: Map<string, () => DtoClass>;
  raw: Map<string, RawConverter | undefined>;
}

/** A DTO constructor. */
export type DtoClass<T extends object = object> = new () => T;

const schemas = new WeakMap<object, ClassSchema>();
const fieldCache = new WeakMap<object, readonly string[]>();

function ownSchema(ctor: object): ClassSchema {
  let schema = schemas.get(ctor);
  if (!schema) {
    schema = { nested: new Map(), raw: new Map() };
    schemas.set(ctor, schema);
  }
  return schema;
}

/** Records that `key` of the class owning `prototype` holds a nested DTO. */
export function registerNestedField(prototype: object, key: string, type: () => DtoClass): void {
  ownSchema(prototype.constructor).nested.set(key, type);
}

/** Records that `key` of the class owning `prototype` is raw, optionally with a converter. */
export function registerRawField(prototype: object, key: string, convert?: RawConverter): void {
  ownSchema(prototype.constructor).raw.set(key, convert);
}

/** Nested and raw fields of a class, its base classes included. */
function schemaOf(cls: DtoClass): ClassSchema {
  const merged: ClassSchema = { nested: new Map(), raw: new Map() };
  for (let c: object | null = cls; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const own = schemas.get(c);
    own?.nested.forEach((type, key) => merged.nested.has(key) || merged.nested.set(key, type));
    own?.raw.forEach((convert, key) => merged.raw.has(key) || merged.raw.set(key, convert));
  }
  return merged;
}

/** The fields of a class (base classes included) that hold a nested DTO, with its class. */
export function nestedFieldsOf(cls: DtoClass): ReadonlyMap<string, () => DtoClass> {
  return schemaOf(cls).nested;
}

/** The declared (decorated) fields of a class, in declaration order, base classes last. */
export function fieldNames(cls: DtoClass): readonly string[] {
  let names = fieldCache.get(cls);
  if (!names) {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
    names = [...new Set(metadata.map((m) => m.propertyName))];
    fieldCache.set(cls, names);
  }
  return names;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const hasOwn = (object: object, key: string): boolean =>
  Object.prototype.hasOwnProperty.call(object, key);

/**
 * Copies the declared fields of `cls` out of a wire object. Nested DTO fields are copied the same
 * way; raw fields are kept by reference (or converted); an object or array in any other field
 * becomes an empty one, since no scalar field accepts them: the value still fails validation, but
 * class-transformer never walks hostile depth or length.
 */
export function pickDeclaredFields(
  cls: DtoClass,
  raw: Record<string, unknown>,
): Record<string, unknown> {
  const schema = schemaOf(cls);
  const picked: Record<string, unknown> = {};
  for (const key of fieldNames(cls)) {
    if (!hasOwn(raw, key)) continue;
    const value = raw[key];
    const nested = schema.nested.get(key);
    if (schema.raw.has(key)) picked[key] = (schema.raw.get(key) ?? identity)(value);
    else if (nested) picked[key] = pickNested(nested(), value);
    else picked[key] = shallow(value);
  }
  return picked;
}

function pickNested(cls: DtoClass, value: unknown): unknown {
  if (isRecord(value)) return pickDeclaredFields(cls, value);
  // An array where an object belongs is rejected anyway; its elements need no copying.
  return Array.isArray(value) ? [] : value;
}

const identity = (value: unknown): unknown => value;

/** No scalar field accepts an object or array: an empty one fails the same way, cheaply. */
function shallow(value: unknown): unknown {
  // A Date is what a timestamp field already holds: validating a typed request again keeps it.
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return [];
  return isRecord(value) ? {} : value;
}

/**
 * Puts the raw fields of `picked` back onto the instance built by class-transformer (they are
 * excluded from its transformation), recursing into nested DTOs.
 */
export function restoreRawFields(
  cls: DtoClass,
  instance: object,
  picked: Record<string, unknown>,
): void {
  const schema = schemaOf(cls);
  const target = instance as Record<string, unknown>;
  for (const key of schema.raw.keys()) {
    if (hasOwn(picked, key)) target[key] = picked[key];
  }
  for (const [key, type] of schema.nested) {
    const sub = picked[key];
    if (hasOwn(picked, key) && isRecord(sub) && isRecord(target[key])) {
      restoreRawFields(type(), target[key] as object, sub);
    }
  }
}
