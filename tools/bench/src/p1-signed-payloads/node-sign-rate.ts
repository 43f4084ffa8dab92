import { generateKeyPairSync } from "node:crypto";
import { Worker } from "node:worker_threads";

// Node's own RSA-2048 signing rate on every core: one worker thread per core,
// each calling crypto.sign (RSASSA-PKCS1-v1_5, SHA-256, as the service signs)
// in a loop over a text of the service's payload size.

const WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
const { createPrivateKey, sign, constants } = require("node:crypto");
const key = createPrivateKey(workerData.keyPem);
const data = Buffer.from(workerData.text, "utf8");
const until = Date.now() + workerData.durationMs;
let count = 0;
while (Date.now() < until) {
  sign("sha256", data, { key, padding: constants.RSA_PKCS1_PADDING });
  count++;
}
parentPort.postMessage(count);
`;

export async function nodeSignRate(cores: number, textBytes: number, durationMs: number): Promise<number> {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" });
  const text = "x".repeat(textBytes);
  const started = performance.now();
  const counts = await Promise.all(
    Array.from(
      { length: cores },
      () =>
        new Promise<number>((resolve, reject) => {
          const worker = new Worker(WORKER, { eval: true, workerData: { keyPem, text, durationMs } });
          worker.once("message", (count: number) => resolve(count));
          worker.once("error", reject);
        }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  return counts.reduce((a, b) => a + b, 0) / seconds;
}
