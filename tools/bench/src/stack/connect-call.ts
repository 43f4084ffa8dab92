import type { BenchStack } from "./bench-stack.js";

// One call to the service over the Connect protocol (JSON over HTTP/1.1), for
// set-up and spot checks outside the measured runs.

export async function callService<Response>(stack: BenchStack, method: string, body: unknown): Promise<Response> {
  const res = await fetch(`http://${stack.serviceAddress}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${stack.token}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} answered ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as Response;
}
