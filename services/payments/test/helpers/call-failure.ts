import { ConnectError } from "@connectrpc/connect";

/** The error a call ends with; throws when it succeeds instead. */
export async function callFailure(promise: Promise<unknown>): Promise<ConnectError> {
  const outcome = await promise.then(
    () => undefined,
    (e: unknown) => ConnectError.from(e),
  );
  if (outcome === undefined) throw new Error("expected the call to fail");
  return outcome;
}
