import type { ValidationError } from 'class-validator';
import { DhError } from '../errors/error-catalog';
import type { FailureContext } from './field-decorators';

interface Failure {
  path: string;
  message: string;
  value: unknown;
  context: FailureContext;
}

/** Longest rendering of a rejected value inside an error text. */
const MAX_VALUE_TEXT = 64;

function render(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > MAX_VALUE_TEXT ? `${text.slice(0, MAX_VALUE_TEXT)}…` : text;
}

/** The failed constraint that speaks for one field: `isDefined` first, then the lowest rank. */
function pickConstraint(error: ValidationError): string {
  const names = Object.keys(error.constraints ?? {});
  if (names.includes('isDefined')) return 'isDefined';
  const rank = (name: string): number =>
    (error.contexts?.[name] as FailureContext | undefined)?.rank ?? 2;
  return names.reduce((best, name) => (rank(name) < rank(best) ? name : best));
}

/** One failure per field, in declaration order (nested DTO fields where their parent is). */
function collect(errors: readonly ValidationError[], prefix: string, out: Failure[]): Failure[] {
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints && Object.keys(error.constraints).length > 0) {
      const name = pickConstraint(error);
      out.push({
        path,
        message: error.constraints[name],
        value: error.value,
        context: (error.contexts?.[name] as FailureContext | undefined) ?? { rank: 2 },
      });
    } else if (error.children) {
      collect(error.children, path, out);
    }
  }
  return out;
}

/**
 * Turns class-validator's errors into the one error the reply reports. A parse failure
 * (`Malformed Json received.`) wins, since the reference fails while deserializing, before any
 * check (docs/api/README.md); otherwise the first field in declaration order, which follows the
 * reference's check order (e.g. `Notification is required` before the deviceId check,
 * docs/api/notifications.md).
 */
export function toDhError(errors: readonly ValidationError[]): DhError {
  const failures = collect(errors, '', []);
  const chosen = failures.find((f) => f.context.code === 'DH_ERR_MALFORMED_JSON') ?? failures[0];
  if (!chosen) return new DhError('DH_ERR_MALFORMED_JSON');
  const { code, withValue } = chosen.context;
  if (code) return withValue ? new DhError(code, render(chosen.value)) : new DhError(code);
  return DhError.validation(`Validation failed: ${chosen.path} ${chosen.message}`);
}
