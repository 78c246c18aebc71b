import { getMetadataStorage } from 'class-validator';

/**
 * What class-validator's metadata does not say about a DTO class: which fields hold a nested DTO
 * and which hold a free JSON object. `validateRequest` uses it to copy only declared fields out of
 * the wire payload (no `__proto__`/`constructor` keys, bounded nesting) before class-transformer
 * sees it, and to keep JSON objects verbatim instead of letting class-transformer walk them.
 */
interface ClassSchema {
  nested: Map<string, () => DtoClass>;
  json: Set<string>;
}

/** A DTO constructor. */
export type DtoClass<T extends object = object> = new () => T;

const schemas = new WeakMap<object, ClassSchema>();
const fieldCache = new WeakMap<object, readonly string[]>();

function ownSchema(ctor: object): ClassSchema {
  let schema = schemas.get(ctor);
  if (!schema) {
    schema = { nested: new Map(), json: new Set() };
    schemas.set(ctor, schema);
  }
  return schema;
}

/** Records that `key` of the class owning `prototype` holds a nested DTO. */
export function registerNestedField(prototype: object, key: string, type: () => DtoClass): void {
  ownSchema(prototype.constructor).nested.set(key, type);
}

/** Records that `key` of the class owning `prototype` holds a free JSON object. */
export function registerJsonField(prototype: object, key: string): void {
  ownSchema(prototype.constructor).json.add(key);
}

/** Nested and JSON fields of a class, its base classes included. */
function schemaOf(cls: DtoClass): ClassSchema {
  const merged: ClassSchema = { nested: new Map(), json: new Set() };
  for (let c: object | null = cls; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const own = schemas.get(c);
    own?.nested.forEach((type, key) => merged.nested.has(key) || merged.nested.set(key, type));
    own?.json.forEach((key) => merged.json.add(key));
  }
  return merged;
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

const hasOwn = (object: object, key: string): boolean =>
  Object.prototype.hasOwnProperty.call(object, key);

/**
 * Copies the declared fields of `cls` out of a wire object. Nested DTO fields are copied the same
 * way; JSON fields are kept by reference; any other object or array value is flattened one level
 * (its nested objects become `{}`) since no scalar or list field accepts objects: the value still
 * fails validation, but class-transformer never recurses into hostile depth.
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
    if (schema.json.has(key)) picked[key] = value;
    else if (nested) picked[key] = pickNested(nested(), value);
    else if (Array.isArray(value)) picked[key] = value.map((item) => shallow(item));
    else picked[key] = shallow(value);
  }
  return picked;
}

function pickNested(cls: DtoClass, value: unknown): unknown {
  if (isRecord(value)) return pickDeclaredFields(cls, value);
  // An array where an object belongs is rejected anyway; its elements need no copying.
  return Array.isArray(value) ? [] : value;
}

function shallow(value: unknown): unknown {
  if (Array.isArray(value)) return [];
  return isRecord(value) ? {} : value;
}

/**
 * Puts the JSON fields of `picked` back onto the instance built by class-transformer (they are
 * excluded from its transformation), recursing into nested DTOs.
 */
export function restoreJsonFields(
  cls: DtoClass,
  instance: object,
  picked: Record<string, unknown>,
): void {
  const schema = schemaOf(cls);
  const target = instance as Record<string, unknown>;
  for (const key of schema.json) {
    if (hasOwn(picked, key)) target[key] = picked[key];
  }
  for (const [key, type] of schema.nested) {
    const sub = picked[key];
    if (hasOwn(picked, key) && isRecord(sub) && isRecord(target[key])) {
      restoreJsonFields(type(), target[key] as object, sub);
    }
  }
}
