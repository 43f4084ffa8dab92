// Juspay's form bodies (reference §1.3): application/x-www-form-urlencoded,
// nested options as flat dot-separated keys (`options.get_client_auth_token`,
// `mandate.max_amount`, `order.order_id`), booleans as "true"/"false".

export type FormValue = string | number | boolean | Date | null | undefined;
export interface FormInput {
  [key: string]: FormValue | FormInput;
}

/** Flattens nested input into dotted keys; skips null/undefined; booleans → "true"/"false"; Dates → epoch seconds. */
export function flattenForm(input: FormInput, prefix = "", out: Record<string, string> = {}): Record<string, string> {
  for (const [key, value] of Object.entries(input)) {
    const name = prefix + key;
    if (value === undefined || value === null) continue;
    if (typeof value === "boolean") out[name] = value ? "true" : "false";
    else if (typeof value === "number") {
      if (!Number.isFinite(value)) throw new RangeError(`form field ${name} is not a finite number`);
      out[name] = String(value);
    } else if (typeof value === "string") out[name] = value;
    else if (value instanceof Date) out[name] = String(Math.floor(value.getTime() / 1000));
    else flattenForm(value, `${name}.`, out);
  }
  return out;
}

/** The urlencoded body for flat fields, in insertion order. */
export function encodeForm(fields: Record<string, string>): string {
  return new URLSearchParams(Object.entries(fields)).toString();
}

/**
 * Merges caller-supplied extra fields under ours: ours win, so an `extra`
 * can add udfs or metadata but never change the amount or the idempotency id.
 */
export function withExtra(fields: Record<string, string>, extra: FormInput | undefined): Record<string, string> {
  if (!extra) return fields;
  return { ...flattenForm(extra), ...fields };
}
