// What the bridge accepts and logs of a request's target (path and query).
// Anyone can send a 15 KB path to an unknown route; the service takes paths of
// at most 2048 characters, so a longer target is refused outright, and a path
// reaches a log line cut to a length an operator can read.

/** The service's limit on IngestJuspayWebhookRequest.path. */
export const MAX_REQUEST_TARGET = 2_048;
const MAX_LOGGED_PATH = 128;

/** `path` as logged: cut to 128 characters, with its length when cut. */
export function loggablePath(path: string): string {
  return path.length <= MAX_LOGGED_PATH ? path : `${path.slice(0, MAX_LOGGED_PATH)}…[${path.length} chars]`;
}
