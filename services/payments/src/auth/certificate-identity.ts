// A client certificate identity names the certificate field it comes from:
// `URI:<uri>` (a SAN URI, e.g. a SPIFFE id), `DNS:<name>` (a SAN DNS name) or
// `CN=<name>` (the subject's common name). Callers list identities in this
// form and a certificate's identities are written the same way, so a value
// only ever matches the field type it was listed for: a DNS name that reads
// like a SPIFFE id, or a DNS name "CN=billing", is not that caller (issue 15, finding 10).

export type IdentityType = "URI" | "DNS" | "CN";

/** A typed identity, compared exactly (byte for byte). */
export function identityOf(type: IdentityType, value: string): string {
  return type === "CN" ? `CN=${value}` : `${type}:${value}`;
}

/** `URI:…`, `DNS:…` or `CN=…`, 1-512 printable ASCII characters after the type. */
export const TYPED_IDENTITY = /^(?:URI:|DNS:|CN=)[\x21-\x7e]{1,512}$/;
