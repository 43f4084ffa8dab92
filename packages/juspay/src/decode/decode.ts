import type { z } from "zod";
import { JuspayDecodeError, type DecodeIssue } from "../errors.js";

// Runs a schema over a parsed body and turns zod's issues into DecodeIssues
// (paths and messages only: zod 4 does not copy input values into issues, so
// no amount, email or card number leaks into an error).

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; issues: DecodeIssue[] };

export function tryDecode<T>(schema: z.ZodType<T>, input: unknown): DecodeResult<T> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    issues: result.error.issues.slice(0, 20).map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message })),
  };
}

/** Decodes or throws a JuspayDecodeError naming the operation (e.g. "decode.order"). */
export function decodeOrThrow<T>(schema: z.ZodType<T>, input: unknown, operation: string): T {
  const result = tryDecode(schema, input);
  if (result.ok) return result.value;
  throw new JuspayDecodeError({ operation, issues: result.issues });
}
