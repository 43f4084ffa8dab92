// Money is an integer count of minor units (paise) and an ISO currency code,
// end to end; never a float. Juspay's client takes plain numbers, which is
// exact because every amount is bounded far below 2^53.

/** The largest amount the API accepts (proto Money rule), in minor units. */
export const MAX_AMOUNT_MINOR = 100_000_000_000n;

export interface Amount {
  minor: bigint;
  currency: string;
}

/** For @payments/juspay, which takes numbers: exact for every amount below 2^53. */
export function toJuspayMinor(minor: bigint): number {
  if (minor < 0n || minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError("amount out of range");
  return Number(minor);
}

export function sameAmount(a: Amount, b: Amount): boolean {
  return a.minor === b.minor && a.currency === b.currency;
}
