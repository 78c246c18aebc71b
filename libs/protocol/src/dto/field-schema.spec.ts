import { ACTION_NAMES, REQUEST_DTOS } from '../index';
import { nestedFieldsOf, type DtoClass } from './dto-schema';
import { dtoJsonSchema, type JsonSchema } from './field-schema';

type ObjectSchema = { properties: Record<string, JsonSchema>; required?: string[] };

const schemaOf = (cls: DtoClass): ObjectSchema => dtoJsonSchema(cls) as unknown as ObjectSchema;

describe('the JSON Schema of a request DTO', () => {
  const classes = new Set<DtoClass>();
  const visit = (cls: DtoClass): void => {
    if (classes.has(cls)) return;
    classes.add(cls);
    nestedFieldsOf(cls).forEach((type) => visit(type()));
  };
  ACTION_NAMES.forEach((action) => visit(REQUEST_DTOS[action] as DtoClass));

  it.each([...classes].map((cls) => [cls.name, cls] as const))(
    '%s gives every declared field a type, an enum or a reference',
    (_, cls) => {
      for (const [field, schema] of Object.entries(schemaOf(cls).properties)) {
        const typed = schema['type'] ?? schema['enum'] ?? schema['$ref'] ?? schema['allOf'];
        expect([field, typed]).toEqual([field, expect.anything()]);
      }
    },
  );

  it.each([
    ['device/save', 'deviceId', { type: 'string', minLength: 1, pattern: '^[a-zA-Z0-9-]+$' }],
    ['device/list', 'take', { type: 'integer', minimum: 0, default: 20 }],
    ['device/list', 'sortOrder', { enum: ['ASC', 'DESC'], default: 'ASC' }],
    ['device/list', 'sortField', { enum: ['name', 'network'] }],
    ['user/list', 'role', { type: 'integer', enum: [0, 1] }],
    ['network/delete', 'force', { type: 'boolean', default: false }],
    ['command/subscribe', 'limit', { type: 'integer', minimum: 0, default: 20 }],
    ['network/get', 'networkId', { type: 'integer' }],
    ['device/save', 'device', { $ref: '#/components/schemas/DeviceSaveBody' }],
  ] as const)('%s: %s is %j', (action, field, expected) => {
    const schema = schemaOf(REQUEST_DTOS[action] as DtoClass);
    expect(schema.properties[field]).toMatchObject(expected);
  });

  it.each([
    ['device/save', ['deviceId', 'device']],
    ['token', ['login', 'password']],
    ['device/list', []],
    ['command/update', ['commandId', 'deviceId', 'command']],
  ] as const)('%s requires exactly %j', (action, required) => {
    expect(schemaOf(REQUEST_DTOS[action] as DtoClass).required ?? []).toEqual(required);
  });
});
