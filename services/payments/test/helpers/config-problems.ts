import { ConfigError, loadConfig } from "../../src/config.js";
import { testCallersEnv } from "./test-callers.js";

/** The least environment loadConfig accepts: Juspay's four settings and the test callers. */
export function validConfigEnv(): Record<string, string> {
  return {
    JUSPAY_BASE_URL: "http://127.0.0.1:8090/",
    JUSPAY_API_KEY: "sk_test_secret_value",
    JUSPAY_MERCHANT_ID: "acme",
    JUSPAY_CLIENT_ID: "acme_android",
    CALLERS: testCallersEnv(),
  };
}

/** The problems loadConfig reports for `env` (none when it loads). */
export function configProblems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}
