import { JuspayError, invalidRequest } from "./errors.js";

// Juspay's request bodies: form-urlencoded with flat dotted keys
// (`options.get_client_auth_token`, `mandate.max_amount`) for most routes,
// JSON for /session. Both become a flat string record so handlers read
// fields one way; nested JSON objects are flattened with dots.

export type Fields = Record<string, string>;

export function parseBody(contentType: string | undefined, raw: Buffer): Fields {
  if (raw.length === 0) return {};
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString("utf8"));
    } catch {
      throw invalidRequest("INVALID_INPUT", "Request body is not valid JSON");
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw invalidRequest("INVALID_INPUT", "Request body must be a JSON object");
    }
    return flatten(parsed as Record<string, unknown>);
  }
  if (type === "application/x-www-form-urlencoded" || type === "") {
    return Object.fromEntries(new URLSearchParams(raw.toString("utf8")));
  }
  throw new JuspayError(415, { status: "Invalid Request", error_code: "INVALID_INPUT", error_message: `Unsupported content type ${type}` });
}

function flatten(value: Record<string, unknown>, prefix = "", out: Fields = {}): Fields {
  for (const [key, v] of Object.entries(value)) {
    const name = prefix + key;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) flatten(v as Record<string, unknown>, `${name}.`, out);
    else if (v !== null && v !== undefined) out[name] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return out;
}
