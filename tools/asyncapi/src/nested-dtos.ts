import { nestedFieldsOf, REQUEST_DTOS, type DtoClass } from '@dh-mqtt/protocol';

/** Every DTO class held by a field of a request DTO (`DeviceSaveBody`, …), transitively, by name. */
export function nestedDtoClasses(): DtoClass[] {
  const found = new Map<string, DtoClass>();
  const visit = (cls: DtoClass): void => {
    for (const type of nestedFieldsOf(cls).values()) {
      const inner = type();
      if (found.has(inner.name)) continue;
      found.set(inner.name, inner);
      visit(inner);
    }
  };
  Object.values(REQUEST_DTOS).forEach((cls) => visit(cls as DtoClass));
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}
