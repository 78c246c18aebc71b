import { getMetadataStorage } from 'class-validator';
import { fieldNames, nestedFieldsOf, type DtoClass } from './dto-schema';

/** A JSON Schema (draft 07) fragment, as written into docs/asyncapi.yaml. */
export type JsonSchema = { [keyword: string]: unknown };

/**
 * What a field accepts on the wire, as JSON Schema: recorded by the field decorators beside their
 * class-validator constraints (whose checks are closures a schema cannot be read from), merged per
 * field, a subclass's fragment over its base class's.
 */
const hints = new WeakMap<object, Map<string, JsonSchema>>();

/** Adds JSON Schema keywords to the field it decorates (documentation only, no validation). */
export function Schema(fragment: JsonSchema): PropertyDecorator {
  return (target, key) => {
    let own = hints.get(target.constructor);
    if (!own) {
      own = new Map();
      hints.set(target.constructor, own);
    }
    own.set(String(key), { ...own.get(String(key)), ...fragment });
  };
}

function hintOf(cls: DtoClass, key: string): JsonSchema {
  const chain: JsonSchema[] = [];
  for (let c: object | null = cls; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const own = hints.get(c)?.get(key);
    if (own) chain.unshift(own);
  }
  return Object.assign({}, ...chain) as JsonSchema;
}

/** Names a DTO class in `$ref`s; the default is `#/components/schemas/<class name>`. */
export type SchemaRef = (cls: DtoClass) => string;

const componentRef: SchemaRef = (cls) => `#/components/schemas/${cls.name}`;

/**
 * The JSON Schema of a request DTO class: its declared fields in declaration order (base classes
 * last), `required` from `@IsDefined` (class-validator's metadata), `enum` from `@IsIn`, nested
 * DTOs as `$ref`s, and the keywords the field decorators recorded with `Schema`.
 */
export function dtoJsonSchema(cls: DtoClass, ref: SchemaRef = componentRef): JsonSchema {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  const nested = nestedFieldsOf(cls);
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const key of fieldNames(cls)) {
    const own = metadata.filter((m) => m.propertyName === key);
    const property: JsonSchema = { ...hintOf(cls, key) };
    const isIn = own.find((m) => m.name === 'isIn');
    if (isIn && property['enum'] == null) {
      const values = isIn.constraints[0] as unknown[];
      property['enum'] = values;
      if (values.every(Number.isInteger)) property['type'] ??= 'integer';
    }
    const inner = nested.get(key);
    // Draft 07 ignores keywords beside a `$ref`: they go beside an `allOf` instead.
    if (inner) {
      const target = { $ref: ref(inner()) };
      properties[key] = Object.keys(property).length ? { allOf: [target], ...property } : target;
    } else {
      properties[key] = property;
    }
    if (own.some((m) => m.type === 'isDefined')) required.push(key);
  }
  const schema: JsonSchema = { type: 'object', properties };
  if (required.length) schema['required'] = required;
  return schema;
}
